import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two strings or byte strings of any length. Both sides are hashed
 * first, so neither the position of the first difference nor the expected length leaks.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** True when `given` equals any of `candidates`. Every candidate is compared, match or not. */
export function safeEqualsAny(given: string | Buffer, candidates: readonly (string | Buffer)[]): boolean {
  let found = false;
  for (const candidate of candidates) if (safeEqual(given, candidate)) found = true;
  return found;
}

/**
 * Constant-time check that the signature text `given` (as the sender wrote it, in `encoding`) is
 * one of the `expected` digests (raw HMAC bytes, all `digestBytes` long). The digests are compared
 * as bytes, so nothing is hashed on top of the HMAC; text of the wrong length, or that is not the
 * canonical encoding of a digest, is still compared in full (as zeros) and fails, so neither its length nor
 * its content changes the work done.
 */
export function signatureMatchesAny(
  given: string,
  encoding: 'base64' | 'hex',
  expected: readonly Buffer[],
  digestBytes = 32,
): boolean {
  const textLength = encoding === 'hex' ? digestBytes * 2 : Math.ceil(digestBytes / 3) * 4;
  const decoded = given.length === textLength ? Buffer.from(given, encoding) : undefined;
  // Canonical text only: base64 has spare bits in its last character, and a signature that
  // differs there is not the one that was sent. (Both sides of this check are the sender's own.)
  const wellFormed = decoded !== undefined && decoded.length === digestBytes && decoded.toString(encoding) === given;
  const probe = wellFormed ? decoded : Buffer.alloc(digestBytes);
  let found = false;
  for (const candidate of expected) {
    if (timingSafeEqual(probe, candidate.length === digestBytes ? candidate : Buffer.alloc(digestBytes)) && wellFormed)
      found = true;
  }
  return found;
}
