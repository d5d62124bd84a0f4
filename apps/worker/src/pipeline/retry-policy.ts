import { backoffMs } from '@ticket-rooms/core';
import { StageError } from './stage-error';

export interface RetryPolicy {
  /** First retry delay; doubles per attempt up to `capMs`, half of it jittered. */
  baseMs: number;
  capMs: number;
  /** Pause of the queue after a 429 that names no `Retry-After`: short, it holds every job. */
  rateLimitBaseMs: number;
  rateLimitCapMs: number;
  /**
   * A rate-limited attempt uses no attempt, so a job could otherwise wait forever: once it is
   * older than this and has been started more often than it has attempts, it fails.
   */
  rateLimitMaxAgeMs: number;
  /** Errors that are not vendor errors (a bug, say) are retried only this many times. */
  unexpectedAttempts: number;
}

/**
 * With `roomJobOptions().attempts` (300) these delays cover well over 24 hours of a vendor
 * outage even when every jitter comes out at its minimum (see `minimumRetryWindowMs`).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  baseMs: 2_000,
  capMs: 15 * 60_000,
  rateLimitBaseMs: 1_000,
  rateLimitCapMs: 30_000,
  rateLimitMaxAgeMs: 72 * 3_600_000,
  unexpectedAttempts: 5,
});

/** What the queue should do with a job whose stage threw. */
export type Decision =
  /** Hold the whole queue for `delayMs` and put the job back, without using an attempt. */
  | { kind: 'rate-limit'; delayMs: number }
  /** Use an attempt; the `vendor` backoff decides when the next one runs. */
  | { kind: 'retry'; error: StageError }
  /** Fail the job now, with `reason` as its failed reason. */
  | { kind: 'fail'; reason: string; error: StageError };

export interface AttemptInfo {
  attemptsMade: number;
  attemptsStarted: number;
  /** Total attempts the job was added with. */
  attempts: number;
  /** When the job was added (ms). */
  timestamp: number;
}

/**
 * The one place that turns an error into queue behaviour. Classification is by code and flags,
 * never by message text:
 * - not retryable (401, 403, 404, 400 …, bad job data, missing configuration): fail now;
 * - rate limited, or any answer with `Retry-After`: wait exactly that long, no attempt used;
 * - other retryable errors: use an attempt and back off;
 * - unexpected errors: retried a few times, then failed, so a bug does not loop for a day.
 */
export function decide(error: StageError, job: AttemptInfo, policy: RetryPolicy, nowMs: number): Decision {
  if (!error.retryable) return { kind: 'fail', reason: error.message, error };
  if (error.code === 'RATE_LIMITED' || error.retryAfterMs !== undefined) {
    const age = nowMs - job.timestamp;
    if (age > policy.rateLimitMaxAgeMs && job.attemptsStarted > job.attempts) {
      const hours = Math.round(age / 3_600_000);
      return { kind: 'fail', reason: `${error.message} (still rate limited after ${hours} h; gave up)`, error };
    }
    const delayMs =
      error.retryAfterMs ??
      backoffMs(Math.min(job.attemptsStarted, 30), { baseMs: policy.rateLimitBaseMs, capMs: policy.rateLimitCapMs });
    // `Retry-After: 0` means "now"; Redis refuses a zero expiry, so hold the queue for 1 ms.
    return { kind: 'rate-limit', delayMs: Math.max(1, delayMs) };
  }
  if (error.code === 'UNEXPECTED' && job.attemptsMade + 1 >= policy.unexpectedAttempts) {
    return { kind: 'fail', reason: error.message, error };
  }
  return { kind: 'retry', error };
}

/**
 * The `vendor` backoff strategy registered on every worker: capped exponential with jitter, or
 * exactly the vendor's `Retry-After` when the error carries one. The exponent is the failing
 * stage's own count of failures in a row when the error carries it (the job's attempts otherwise),
 * so one 502 at the folders stage after an hour-long outage at the room stage waits seconds, not
 * the cap. The job's attempts stay one budget for all its stages.
 */
export function vendorBackoff(policy: RetryPolicy): (attemptsMade: number, type?: string, err?: Error) => number {
  return (attemptsMade, _type, err) => {
    if (err instanceof StageError && err.retryAfterMs !== undefined) return err.retryAfterMs;
    const n = err instanceof StageError && err.stageFailures !== undefined ? err.stageFailures : attemptsMade;
    return backoffMs(n, { baseMs: policy.baseMs, capMs: policy.capMs });
  };
}

/**
 * A stage's failed attempts in a row after this one. The count in the ledger's last error carries
 * on only when it is the same stage's and was left by this job's previous attempt (the job's
 * `attemptsMade` then is what it is now): a new job for the ticket, or a job whose attempts an
 * operator reset, starts over. Only attempts that are retried (not rate limits) add to it.
 */
export function stageFailuresAfter(
  previous: { stage: string; failures?: number; attemptsMade?: number } | undefined,
  stage: string,
  decision: Decision['kind'],
  attemptsMade: number,
): number {
  const continues = previous?.stage === stage && previous.attemptsMade === attemptsMade;
  const before = continues ? (previous?.failures ?? 0) : 0;
  return decision === 'retry' ? before + 1 : before;
}

/** The shortest time `attempts` attempts can span: every jitter at its minimum. */
export function minimumRetryWindowMs(attempts: number, policy: RetryPolicy): number {
  let total = 0;
  for (let n = 1; n < attempts; n++)
    total += backoffMs(n, { baseMs: policy.baseMs, capMs: policy.capMs, random: () => 0 });
  return total;
}
