import { roomJobOptions, VendorError } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, decide, minimumRetryWindowMs, stageFailuresAfter, vendorBackoff } from './retry-policy';
import { StageError } from './stage-error';

const vendorError = (code: VendorError['code'], extra: { statusCode?: number; retryAfterMs?: number } = {}) =>
  new VendorError({ vendor: 'docspace', code, message: `docspace said ${code}`, method: 'POST', path: '/x', ...extra });

const NOW = Date.parse('2026-11-27T12:00:00Z');
const job = (over: Partial<Parameters<typeof decide>[1]> = {}) => ({
  attemptsMade: 0,
  attemptsStarted: 1,
  attempts: 300,
  timestamp: NOW - 1_000,
  ...over,
});

describe('decide', () => {
  it.each(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST'] as const)(
    'fails %s at once, naming the stage',
    (code) => {
      const d = decide(StageError.from('room', vendorError(code)), job(), DEFAULT_RETRY_POLICY, NOW);
      expect(d).toMatchObject({ kind: 'fail', reason: `room: docspace said ${code}` });
    },
  );

  it('pauses the queue for exactly the Retry-After of a 429, using no attempt', () => {
    const err = StageError.from('folders', vendorError('RATE_LIMITED', { statusCode: 429, retryAfterMs: 7_000 }));
    expect(decide(err, job(), DEFAULT_RETRY_POLICY, NOW)).toEqual({ kind: 'rate-limit', delayMs: 7_000 });
  });

  it('honours the Retry-After of a 503 the same way', () => {
    const err = StageError.from('link', vendorError('SERVER_ERROR', { statusCode: 503, retryAfterMs: 2_000 }));
    expect(decide(err, job(), DEFAULT_RETRY_POLICY, NOW)).toEqual({ kind: 'rate-limit', delayMs: 2_000 });
  });

  it('treats Retry-After: 0 as the shortest pause Redis accepts', () => {
    const err = StageError.from('room', vendorError('RATE_LIMITED', { retryAfterMs: 0 }));
    expect(decide(err, job(), DEFAULT_RETRY_POLICY, NOW)).toEqual({ kind: 'rate-limit', delayMs: 1 });
  });

  it('pauses briefly for a 429 without Retry-After', () => {
    const d = decide(StageError.from('room', vendorError('RATE_LIMITED')), job(), DEFAULT_RETRY_POLICY, NOW);
    expect(d.kind).toBe('rate-limit');
    if (d.kind === 'rate-limit') expect(d.delayMs).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.rateLimitCapMs);
  });

  it('gives up on a job rate limited for days', () => {
    const old = job({ attemptsStarted: 5_000, timestamp: NOW - 73 * 3_600_000 });
    const d = decide(StageError.from('room', vendorError('RATE_LIMITED')), old, DEFAULT_RETRY_POLICY, NOW);
    expect(d.kind).toBe('fail');
  });

  it.each(['SERVER_ERROR', 'NETWORK', 'TIMEOUT'] as const)('retries %s with an attempt', (code) => {
    expect(decide(StageError.from('share', vendorError(code)), job(), DEFAULT_RETRY_POLICY, NOW).kind).toBe('retry');
  });

  it('retries an unexpected error only a few times', () => {
    const err = StageError.from('room', new TypeError('x is undefined'));
    expect(decide(err, job({ attemptsMade: 0 }), DEFAULT_RETRY_POLICY, NOW).kind).toBe('retry');
    expect(decide(err, job({ attemptsMade: 4 }), DEFAULT_RETRY_POLICY, NOW)).toMatchObject({
      kind: 'fail',
      reason: 'room: x is undefined',
    });
  });
});

describe('vendorBackoff', () => {
  const backoff = vendorBackoff(DEFAULT_RETRY_POLICY);

  it('grows with each attempt and stays under the cap', () => {
    const err = StageError.from('room', vendorError('SERVER_ERROR'));
    expect(backoff(1, 'vendor', err)).toBeLessThanOrEqual(2_000);
    expect(backoff(5, 'vendor', err)).toBeGreaterThanOrEqual(16_000);
    expect(backoff(200, 'vendor', err)).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.capMs);
  });

  it('counts from the failing stage’s own failures, not the job’s attempts, when it knows them', () => {
    const err = StageError.from('folders', vendorError('SERVER_ERROR'));
    err.stageFailures = 1;
    // The job has used 40 attempts (an earlier stage's outage); this stage failed once: base delay.
    expect(backoff(40, 'vendor', err)).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.baseMs);
    err.stageFailures = 40;
    expect(backoff(1, 'vendor', err)).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.capMs / 2);
  });

  it('uses the vendor’s Retry-After when there is one', () => {
    const err = StageError.from('room', vendorError('SERVER_ERROR', { retryAfterMs: 4_321 }));
    expect(backoff(3, 'vendor', err)).toBe(4_321);
  });
});

describe('stageFailuresAfter', () => {
  it('carries on the count of the same stage from the job’s previous attempt, and starts over otherwise', () => {
    expect(stageFailuresAfter(undefined, 'room', 'retry', 0)).toBe(1);
    expect(stageFailuresAfter({ stage: 'room', failures: 12, attemptsMade: 12 }, 'room', 'retry', 12)).toBe(13);
    expect(stageFailuresAfter({ stage: 'room', failures: 12, attemptsMade: 12 }, 'folders', 'retry', 12)).toBe(1);
    // A new job for the ticket, or one whose attempts were reset: the old count is not this run's.
    expect(stageFailuresAfter({ stage: 'room', failures: 12, attemptsMade: 12 }, 'room', 'retry', 0)).toBe(1);
    // A ledger error written before counts existed counts as none.
    expect(stageFailuresAfter({ stage: 'room' }, 'room', 'retry', 3)).toBe(1);
  });

  it('does not count rate limits or final failures as retries', () => {
    expect(stageFailuresAfter({ stage: 'share', failures: 3, attemptsMade: 3 }, 'share', 'rate-limit', 3)).toBe(3);
    expect(stageFailuresAfter({ stage: 'share', failures: 3, attemptsMade: 3 }, 'share', 'fail', 3)).toBe(3);
  });
});

describe('retry horizon', () => {
  it('covers at least 24 hours of outage with the shared job options, even at minimum jitter', () => {
    const window = minimumRetryWindowMs(roomJobOptions().attempts, DEFAULT_RETRY_POLICY);
    expect(window).toBeGreaterThanOrEqual(24 * 3_600_000);
  });
});
