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
