import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { BlobStore, BlobWriter, StoredBlob } from '../shared/blob-store';
import { ARCHIVED_ROOM, argumentError, emptyArgument, invalidOperation, notFound, PARENT_NOT_FOUND } from './errors';
import type { Portal } from './portal';
import { replaceInvalidCharsAndTruncate } from './rules';

/** A file in a room or folder; its bytes are the blobs of its chunks, in order. */
export interface FileState {
  id: number;
  title: string;
  folderId: number;
  version: number;
  size: number;
  parts: string[];
  created: Date;
  updated: Date;
  createdBy: string;
  /** Opens `GET files/file/{id}/presigneduri`'s URL without a login. */
  downloadToken: string;
}

/** `ChunkedUploadSession`: where a file's chunks collect until `bytes_total` have arrived. */
export interface UploadSession {
  id: string;
  folderId: number;
  title: string;
  bytesTotal: number;
  bytesUploaded: number;
  /** Overwrite a same-titled file as a new version instead of making `name (1).ext`. */
  overwrite: boolean;
  parts: string[];
  created: Date;
  expired: Date;
  userId: string;
}

/** `ChunkedUploadSessionHolder.SlidingExpiration`: 12 hours. */
const SESSION_LIFETIME_MS = 12 * 3600 * 1000;

/** `FileUtility` splits the extension off the title the same way for the duplicate names. */
function splitTitle(title: string): { base: string; ext: string } {
  const dot = title.lastIndexOf('.');
  return dot > 0 ? { base: title.slice(0, dot), ext: title.slice(dot) } : { base: title, ext: '' };
}

/**
 * Files, chunked upload sessions and downloads of the simulated portal. Bytes live in the
 * simulator's `BlobStore`, one blob per received chunk, so nothing is copied to commit a file
 * and nothing is held in memory.
 */
export class PortalFiles {
  private readonly files = new Map<number, FileState>();
  private readonly byFolder = new Map<number, number[]>();
  private readonly sessions = new Map<string, UploadSession>();
  /** Told of every new file (not a new version): how the webhook sender hears of uploads and creations. */
  readonly onNewFile: Array<(file: FileState, how: 'uploaded' | 'created') => void> = [];

  constructor(
    private readonly portal: Portal,
    private readonly blobs: BlobStore,
  ) {}

  get fileCount(): number {
    return this.files.size;
  }

  file(id: number): FileState {
    const f = this.files.get(id);
    if (!f) throw notFound('File not found');
    return f;
  }

  /** The files directly in a folder or room, oldest first. */
  filesIn(folderId: number): FileState[] {
    return (this.byFolder.get(folderId) ?? []).map((id) => this.files.get(id)).filter((f): f is FileState => !!f);
  }

  /**
   * `FileUploader.VerifyChunkedUploadAsync` then `InitiateUploadAsync`: the folder must exist in
   * an active room, the title is cleaned as every title is, and the session remembers whether a
   * same-titled file is overwritten (`createNewIfExist: false`) or kept beside.
   */
  createSession(
    folderId: number,
    input: { fileName: string; fileSize: number; createNewIfExist: boolean },
  ): UploadSession {
    const folder = this.portal.entry(folderId);
    if (!folder) throw notFound(PARENT_NOT_FOUND);
    if (this.portal.roomOf(folder).archived) throw invalidOperation(ARCHIVED_ROOM);
    const title = replaceInvalidCharsAndTruncate(input.fileName);
    if (title === '') throw emptyArgument('fileName');
    if (!Number.isSafeInteger(input.fileSize) || input.fileSize < 0) {
      throw argumentError("Specified argument was out of the range of valid values. (Parameter 'fileSize')");
    }
    const now = new Date();
    const session: UploadSession = {
      id: randomUUID(),
      folderId,
      title,
      bytesTotal: input.fileSize,
      bytesUploaded: 0,
      overwrite: !input.createNewIfExist,
      parts: [],
      created: now,
      expired: new Date(now.getTime() + SESSION_LIFETIME_MS),
      userId: this.portal.actorId,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  session(id: string | undefined): UploadSession | undefined {
    const s = id === undefined ? undefined : this.sessions.get(id);
    if (s && s.expired.getTime() < Date.now()) {
      this.abort(s.id);
      return undefined;
    }
    return s;
  }

  /** A chunk's blob writer; `addChunk` attaches it once all its bytes arrived. */
  chunkWriter(): BlobWriter {
    return this.blobs.writer();
  }

  /**
   * Appends one received chunk. A chunk that would pass `bytes_total` is refused and dropped.
   * Returns the committed file once the last byte is in.
   */
  addChunk(session: UploadSession, chunk: StoredBlob): FileState | undefined {
    if (session.bytesUploaded + chunk.size > session.bytesTotal) {
      this.blobs.delete(chunk.id);
      throw new Error(
        `The chunk would take the upload to ${session.bytesUploaded + chunk.size} bytes, more than the ${session.bytesTotal} announced`,
      );
    }
    session.parts.push(chunk.id);
    session.bytesUploaded += chunk.size;
    if (session.bytesUploaded < session.bytesTotal) return undefined;
    return this.commit(session);
  }

  /** `FinalizeUploadSessionAsync`: the file appears in its folder (a new version when overwriting). */
  private commit(session: UploadSession, how: 'uploaded' | 'created' = 'uploaded'): FileState {
    this.sessions.delete(session.id);
    const now = new Date();
    const siblings = this.filesIn(session.folderId);
    const same = siblings.find((f) => f.title.toLowerCase() === session.title.toLowerCase());
    if (same && session.overwrite) {
      for (const part of same.parts) this.blobs.delete(part);
      Object.assign(same, { parts: session.parts, size: session.bytesTotal, version: same.version + 1, updated: now });
      return same;
    }
    const file: FileState = {
      id: this.portal.allocateId(),
      title: same ? this.freeTitle(session.title, siblings) : session.title,
      folderId: session.folderId,
      version: 1,
      size: session.bytesTotal,
      parts: session.parts,
      created: now,
      updated: now,
      createdBy: session.userId,
      downloadToken: randomBytes(18).toString('base64url'),
    };
    this.files.set(file.id, file);
    const list = this.byFolder.get(file.folderId) ?? [];
    list.push(file.id);
    this.byFolder.set(file.folderId, list);
    for (const listener of this.onNewFile) listener(file, how);
    return file;
  }

  /** `FilesController.CreateFile` (`POST files/{folderId}/file`): a new empty document in the folder. */
  createFile(folderId: number, rawTitle: string): FileState {
    const session = this.createSession(folderId, { fileName: rawTitle, fileSize: 0, createNewIfExist: true });
    this.sessions.delete(session.id);
    return this.commit(session, 'created');
  }

  /** `FileDao.GetAvailableTitleAsync`: `name (1).ext`, `name (2).ext`, … the first one free. */
  private freeTitle(title: string, siblings: readonly FileState[]): string {
    const taken = new Set(siblings.map((f) => f.title.toLowerCase()));
    const { base, ext } = splitTitle(title);
    for (let n = 1; ; n += 1) {
      const candidate = `${base} (${n})${ext}`;
      if (!taken.has(candidate.toLowerCase())) return candidate;
    }
  }

  abort(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    for (const part of s.parts) this.blobs.delete(part);
    this.sessions.delete(id);
  }

  /** The file's bytes as one stream over its chunks. */
  open(file: FileState): Readable {
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    const parts = [...file.parts];
    const next = () => {
      const part = parts.shift();
      if (part === undefined) {
        out.end();
        return;
      }
      const src = this.blobs.read(part);
      src.once('error', (err) => out.destroy(err));
      src.once('end', next);
      src.pipe(out, { end: false });
    };
    next();
    return out;
  }
}
