import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { PartSink } from './multipart';

export interface StoredBlob {
  id: string;
  size: number;
  sha256: string;
}

/** A blob being written: a `PartSink` that hashes and counts what it stores. */
export interface BlobWriter extends PartSink {
  readonly id: string;
  /** Resolves once the bytes are on disk. */
  done(): Promise<StoredBlob>;
  /** Removes a blob that will not be committed. */
  discard(): void;
}

/**
 * A simulator's file bytes, on disk in a temp directory of its own (removed on close), so a
 * 200 MB attachment is never one Buffer. Writes apply backpressure; reads are streams.
 */
export class BlobStore {
  private readonly dir = mkdtempSync(join(tmpdir(), 'ticket-rooms-sim-'));
  private readonly blobs = new Map<string, StoredBlob>();

  writer(): BlobWriter {
    const id = randomUUID();
    const path = join(this.dir, id);
    const hash = createHash('sha256');
    let size = 0;
    const out: WriteStream = createWriteStream(path);
    // Kept so a failed or discarded write never surfaces as an unhandled stream error.
    let failure: Error | undefined;
    out.on('error', (err) => {
      failure ??= err;
    });
    let finished: Promise<StoredBlob> | undefined;
    const store = this.blobs;
    return {
      id,
      async write(chunk) {
        if (failure) throw failure;
        hash.update(chunk);
        size += chunk.length;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      },
      async end() {
        finished ??= new Promise<StoredBlob>((resolve, reject) => {
          if (failure) {
            reject(failure);
            return;
          }
          out.once('error', reject);
          out.end(() => {
            const blob = { id, size, sha256: hash.digest('hex') };
            store.set(id, blob);
            resolve(blob);
          });
        });
        await finished;
      },
      async done() {
        if (!finished) await this.end();
        return finished as Promise<StoredBlob>;
      },
      discard() {
        failure ??= new Error('the blob was discarded');
        out.destroy();
        store.delete(id);
        rmSync(path, { force: true });
      },
    };
  }

  /** Stores a whole stream. */
  async put(body: AsyncIterable<Buffer> | Readable): Promise<StoredBlob> {
    const w = this.writer();
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) await w.write(chunk);
      await w.end();
      return await w.done();
    } catch (err) {
      w.discard();
      throw err;
    }
  }

  get(id: string): StoredBlob | undefined {
    return this.blobs.get(id);
  }

  /** Appends one blob's bytes to another writer (a chunked upload's parts into its file). */
  read(id: string, range?: { start: number; end: number }): Readable {
    return createReadStream(join(this.dir, id), range);
  }

  delete(id: string): void {
    this.blobs.delete(id);
    rmSync(join(this.dir, id), { force: true });
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
