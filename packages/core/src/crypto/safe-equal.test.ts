import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { safeEqual, safeEqualsAny, signatureMatchesAny } from './safe-equal';

describe('constant-time comparisons', () => {
  it('safeEqual compares secrets of any length', () => {
    expect(safeEqual('token-a', 'token-a')).toBe(true);
    expect(safeEqual('token-a', 'token-b')).toBe(false);
    expect(safeEqual('short', 'a much longer token')).toBe(false);
    expect(safeEqualsAny('b', ['a', 'b', 'c'])).toBe(true);
    expect(safeEqualsAny('d', ['a', 'b', 'c'])).toBe(false);
  });

  const digest = (key: string) => createHmac('sha256', key).update('body').digest();

  it('signatureMatchesAny finds a base64 or hex signature among the digests', () => {
    const [a, b] = [digest('a'), digest('b')];
    expect(signatureMatchesAny(a.toString('base64'), 'base64', [b, a])).toBe(true);
    expect(signatureMatchesAny(a.toString('hex'), 'hex', [a])).toBe(true);
    expect(signatureMatchesAny(a.toString('base64'), 'base64', [b])).toBe(false);
    expect(signatureMatchesAny(a.toString('base64'), 'base64', [])).toBe(false);
  });

  it('refuses text of the wrong length or alphabet, even when it starts with the right digest', () => {
    const a = digest('a');
    const b64 = a.toString('base64');
    expect(signatureMatchesAny(`${b64}${b64}`, 'base64', [a])).toBe(false);
    expect(signatureMatchesAny(b64.slice(0, -4), 'base64', [a])).toBe(false);
    expect(signatureMatchesAny(`${a.toString('hex').slice(0, -2)}zz`, 'hex', [a])).toBe(false);
    expect(signatureMatchesAny('', 'base64', [a])).toBe(false);
    // Same length and the same 32 bytes once decoded, but not what was signed: base64's last
    // character before the padding has two spare bits, and this one differs only there.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(b64.charAt(42));
    const spare = `${b64.slice(0, 42)}${alphabet.charAt(last ^ 1)}=`;
    expect(Buffer.from(spare, 'base64').equals(a)).toBe(true);
    expect(signatureMatchesAny(spare, 'base64', [a])).toBe(false);
  });
});
