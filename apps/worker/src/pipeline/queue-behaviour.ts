import type { TicketRef } from '@ticket-rooms/core';
import { type Job, RateLimitError, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { LedgerError, StageName } from '../ledger/entry';
import type { Ledger } from '../ledger/ledger';
import type { WorkerMetrics } from '../metrics/metrics';
import type { Pipeline } from './pipelines';
import { type Decision, decide, type RetryPolicy, stageFailuresAfter } from './retry-policy';
import { StageError } from './stage-error';

export interface FailureContext {
  queue: string;
  ledger: Ledger;
  metrics: WorkerMetrics;
  logger: Logger;
  policy: RetryPolicy;
  /** Holds the whole queue (every worker) for `ms`: the vendor asked us to slow down. */
  rateLimit(ms: number): Promise<void>;
  now?: () => number;
}

/**
 * The one place where a stage's error becomes queue behaviour. It records the error in the ledger
 * (and the stage as failed when this is the end), then throws what BullMQ understands:
 * - `RateLimitError` after pausing the queue: no attempt is used;
 * - the `StageError` itself: an attempt is used and the `vendor` backoff picks the delay from the
 *   stage's own failures in a row (`previous` is the ledger's last error, when the processor has it);
 * - `UnrecoverableError` with "<stage>: <what the vendor said>": the job fails now.
 */
export async function failStage(
  err: unknown,
  stage: StageName,
  job: Job,
  ticket: TicketRef | undefined,
  ctx: FailureContext,
  previous?: LedgerError,
  pipeline?: Pipeline,
): Promise<never> {
  const error = StageError.from(stage, err);
  const attempts = job.opts.attempts ?? 1;
  const decision: Decision = decide(
    error,
    { attemptsMade: job.attemptsMade, attemptsStarted: job.attemptsStarted, attempts, timestamp: job.timestamp },
    ctx.policy,
    (ctx.now ?? Date.now)(),
  );
  const final = decision.kind === 'fail' || (decision.kind === 'retry' && job.attemptsMade + 1 >= attempts);
  const failures = stageFailuresAfter(previous, stage, decision.kind, job.attemptsMade);
  // BullMQ counts a retried (or finally failed) attempt once this throws; a rate limit uses none.
  const attemptsMade = job.attemptsMade + (decision.kind === 'rate-limit' ? 0 : 1);
  if (decision.kind === 'retry') error.stageFailures = failures;
  if (ticket) {
    await ctx.ledger.write(
      ticket,
      {
        ...(final
          ? {
              stage: {
                name: stage,
                state: 'failed',
                reason: decision.kind === 'fail' ? decision.reason : error.message,
              },
            }
          : {}),
        lastError: {
          stage,
          message: error.message,
          code: error.code,
          at: new Date().toISOString(),
          failures,
          attemptsMade,
        },
      },
      undefined,
      pipeline,
    );
  }
  switch (decision.kind) {
    case 'rate-limit':
      ctx.metrics.jobs.inc({ queue: ctx.queue, outcome: 'rate_limited' });
      ctx.logger.warn(
        { jobId: job.id, stage, code: error.code, delayMs: decision.delayMs },
        `${ctx.queue} paused for ${decision.delayMs} ms: ${error.message}`,
      );
      await job.log(`${stage}: rate limited, queue paused for ${decision.delayMs} ms (${error.message})`);
      await ctx.rateLimit(decision.delayMs);
      throw new RateLimitError();
    case 'retry':
      if (!final) {
        ctx.metrics.retries.inc({ queue: ctx.queue, stage, code: error.code });
        ctx.logger.warn(
          { jobId: job.id, stage, code: error.code, attempt: job.attemptsMade + 1, attempts },
          `${error.message}; will retry`,
        );
        await job.log(`${stage}: attempt ${job.attemptsMade + 1} of ${attempts} failed, will retry: ${error.message}`);
      }
      throw error;
    case 'fail':
      throw new UnrecoverableError(decision.reason);
  }
}
