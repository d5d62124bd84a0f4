import { describe, expect, it } from 'vitest';
import { backoffMs, codeForStatus, isRetryableStatus, parseRetryAfter, VendorError } from './errors';

describe('retry classification', () => {
  it.each([408, 425, 429, 500, 502, 503, 504, 599])('retries %i', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });
  it.each([400, 401, 402, 403, 404, 409, 410, 422])('does not retry %i', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
  it('names the common statuses', () => {
    expect(codeForStatus(401)).toBe('UNAUTHORIZED');
    expect(codeForStatus(429)).toBe('RATE_LIMITED');
    expect(codeForStatus(502)).toBe('SERVER_ERROR');
  });
  it('marks network failures and timeouts retryable', () => {
    for (const code of ['NETWORK', 'TIMEOUT'] as const) {
      expect(new VendorError({ vendor: 'x', code, message: 'm', method: 'GET', path: '/' }).retryable).toBe(true);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => expect(parseRetryAfter('3')).toBe(3000));
  it('reads an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });
  it('ignores garbage', () => {
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('grows exponentially and stops at the cap', () => {
    const opts = { baseMs: 1000, capMs: 60_000, random: () => 1 };
    expect(backoffMs(1, opts)).toBe(1000);
    expect(backoffMs(2, opts)).toBe(2000);
    expect(backoffMs(3, opts)).toBe(4000);
    expect(backoffMs(20, opts)).toBe(60_000);
  });
  it('jitters between half and all of the step', () => {
    expect(backoffMs(3, { baseMs: 1000, capMs: 60_000, random: () => 0 })).toBe(2000);
  });
});
