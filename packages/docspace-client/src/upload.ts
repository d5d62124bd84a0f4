import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sanitizeTitle, TITLE_LIMITS } from './title';

/** DocSpace's chunked upload (`UploadController`, `ChunkedUploaderHandler`): chunk sizes and bodies. */

/**
 * 10 MiB: the server's documentation asks for chunks that are multiples of 512 bytes and at least
 * 10 MB, except the last. One chunk is the most the client holds in flight per upload.
 */
export const DEFAULT_CHUNK_BYTES = 10 * 1024 * 1024;

/** `ChunkedUploadSessionResponse` as the obsolete `upload/create_session` wraps it: `{success, data}`. */
export const UploadSessionDto = z.object({
  success: z.boolean().optional(),
  data: z.object({ id: z.string().min(1), location: z.string().min(1), bytes_total: z.number().optional() }),
});

/** `FileDto<int>`: the fields we use. `pureContentLength` is the size in bytes. */
export const FileDto = z.object({
  id: z.number().int(),
  title: z.string(),
  folderId: z.number().int(),
  pureContentLength: z.number().int().optional(),
  version: z.number().int().optional(),
  viewUrl: z.string().optional(),
  webUrl: z.string().optional(),
  createdBy: z.object({ displayName: z.string().optional() }).passthrough().nullish(),
});
export type FileDto = z.infer<typeof FileDto>;

/** A file in a folder, as the client hands it out. */
export interface DocspaceFile {
  id: number;
  title: string;
  folderId: number;
  /** Bytes; `undefined` when the server did not say. */
  size: number | undefined;
}

/** One file as `GET files/file/{id}` describes it: where it opens, and who made it. */
export interface DocspaceFileInfo extends DocspaceFile {
  /** The editor or viewer page (`webUrl`), else the download handler (`viewUrl`). */
  url: string | undefined;
  /** The author's display name, when the server says. */
  createdBy: string | undefined;
}

export function toFile(dto: FileDto): DocspaceFile {
  return { id: dto.id, title: dto.title, folderId: dto.folderId, size: dto.pureContentLength };
}

/** The chunk handler's own answer: `{success, data, message}`, failures with HTTP 200. */
export const ChunkAnswer = z.object({
  success: z.boolean(),
  message: z.string().optional(),
  data: z.unknown().optional(),
});

/** The 201 answer to the last chunk: the file. */
export const UploadedFile = z.object({ id: z.number().int(), title: z.string(), file: FileDto });

/**
 * Reads exactly `n` bytes at a time from a byte stream of any piece sizes, keeping what is left
 * over for the next read. Pieces are passed through, never joined, so memory holds one piece.
 */
export class ByteSlicer {
  private readonly it: AsyncIterator<Uint8Array>;
  private rest: Uint8Array | undefined;
  /** Bytes handed out so far. */
  taken = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** The next `n` bytes as pieces; throws when the source ends before them. */
  async *take(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      let piece = this.rest;
      this.rest = undefined;
      if (piece === undefined) {
        const next = await this.it.next();
        if (next.done) throw new RangeError(`the file ended after ${this.taken} bytes, before the size it announced`);
        piece = next.value;
      }
      if (piece.length > left) {
        this.rest = piece.subarray(left);
        piece = piece.subarray(0, left);
      }
      left -= piece.length;
      this.taken += piece.length;
      if (piece.length > 0) yield piece;
    }
  }

  /** True when the source holds more bytes (then the announced size was wrong). */
  async hasMore(): Promise<boolean> {
    if (this.rest && this.rest.length > 0) return true;
    for (;;) {
      const next = await this.it.next();
      if (next.done) return false;
      if (next.value.length > 0) {
        this.rest = next.value;
        return true;
      }
    }
  }

  /** Lets the source release its connection when we stop early. */
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/** One chunk as a `multipart/form-data` body with a single file part, and its exact length. */
export function chunkBody(
  pieces: AsyncIterable<Uint8Array>,
  length: number,
  opts: { beforeEnd?: () => Promise<void> } = {},
): { contentType: string; contentLength: number; body: AsyncIterable<Uint8Array> } {
  const boundary = `----ticket-rooms-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* pieces;
    // Checked before the closing boundary, so a failed check leaves the server a cut-off chunk it drops.
    await opts.beforeEnd?.();
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + length + tail.length,
    body: body(),
  };
}

/**
 * A file name as DocSpace will store it: the title rules of a folder (165 characters), but a name
 * that is too long loses the end of its base name, not its extension (`ReplaceInvalidCharsAndTruncate`).
 */
export function sanitizeFileTitle(name: string): string {
  const limit = TITLE_LIMITS.folder;
  const clean = sanitizeTitle(name.length > limit * 4 ? name.slice(0, limit * 4) : name, 'room');
  if (clean.length <= limit) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  return sanitizeTitle(clean.slice(0, limit - ext.length), 'folder') + ext;
}
