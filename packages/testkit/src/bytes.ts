import { createCipheriv, createHash } from 'node:crypto';

const PIECE = 64 * 1024;

/**
 * `size` deterministic pseudo-random bytes for `seed`, produced 64 KiB at a time (AES-CTR over
 * zeros), so a test can make a 200 MB file without holding it or committing a fixture.
 */
export async function* seededBytes(seed: string, size: number): AsyncGenerator<Buffer> {
  const key = createHash('sha256').update(`key:${seed}`).digest().subarray(0, 16);
  const iv = createHash('sha256').update(`iv:${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const zeros = Buffer.alloc(PIECE);
  let left = size;
  while (left > 0) {
    const n = Math.min(PIECE, left);
    yield cipher.update(n === PIECE ? zeros : zeros.subarray(0, n));
    left -= n;
  }
}

/** The hex SHA-256 of a byte stream, read piece by piece. */
export async function sha256Of(bytes: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of bytes) hash.update(piece);
  return hash.digest('hex');
}
