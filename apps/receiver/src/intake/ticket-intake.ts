import {
  jobSpecOf,
  ledgerKey,
  prepareDesiredState,
  type RedisClient,
  type RoomJobData,
  recordDesired,
  type TicketEvent,
  ticketKey,
} from '@ticket-rooms/core';
import type { Queue } from 'bullmq';
import { ReceiverError } from '../http/errors';
import { withDeadline } from './deadline';

/**
 * Redis key of the "this delivery was seen" marker that makes duplicates detectable for weeks,
 * keyed by the job id (for a creation, the ticket key).
 */
export function seenKey(prefix: string, key: string): string {
  return `${prefix}:seen:${key}`;
}

export interface IntakeResult {
  /** The BullMQ job id: the ticket key for a creation, per vendor event for later kinds. */
  jobId: string;
  /** The ticket had already been delivered (earlier, or concurrently by another request). */
  duplicate: boolean;
  /**
   * The ticket had been seen but its job was missing (a crash between the marker and the enqueue,
   * or an operator removed it), so this delivery enqueued it again.
   */
  repaired: boolean;
}

export interface TicketIntakeOptions {
  redis: RedisClient;
  /** The `rooms` queue, on the same connection. */
  rooms: Queue<RoomJobData>;
  prefix: string;
  dedupeWindowSeconds: number;
  /** Bound on the whole Redis exchange of one delivery. */
  timeoutMs: number;
}

export interface TicketIntake {
  /** Resolves only once Redis holds the job. Throws `RCV_ERR_REDIS_UNAVAILABLE` otherwise. */
  accept(event: TicketEvent): Promise<IntakeResult>;
}

/**
 * Turns an accepted ticket event into exactly one job, as the job catalogue says for its kind:
 * the job's name is the kind, and its id is what makes a delivery of that kind unique.
 *
 * The job id alone dedupes only while the job is retained, so an atomic marker
 * (`SET … NX EX`) remembers each delivery for the dedupe window. The marker is written before the
 * job, so a crash between the two leaves a marker without a job; the next delivery of that ticket
 * notices and enqueues it. `queue.add` with the ticket key as job id is itself idempotent, so two
 * deliveries racing through that repair still make one job.
 */
export function createTicketIntake(opts: TicketIntakeOptions): TicketIntake {
  const { redis, rooms, prefix, dedupeWindowSeconds, timeoutMs } = opts;
  prepareDesiredState(redis);

  const enqueue = async (jobId: string, event: TicketEvent): Promise<void> => {
    await rooms.add(event.kind, { event }, { ...jobSpecOf(event.kind).options(), jobId });
  };

  const run = async (event: TicketEvent): Promise<IntakeResult> => {
    const spec = jobSpecOf(event.kind);
    const jobId = spec.jobId(event);
    // 0. What the ticket says now goes to its ledger first (newer news only), so a burst of
    //    changes is folded into one state before the first of their jobs runs. Idempotent: a
    //    redelivery, or a retry after a 503, records nothing new.
    if (event.changed?.length) await recordDesired(redis, prefix, event);
    // 1. Claim the delivery: exactly one, however many race, sees 'OK'.
    const claimed = await redis.set(seenKey(prefix, jobId), event.deliveryId, 'EX', dedupeWindowSeconds, 'NX');
    if (claimed === 'OK') {
      // 2. First sight: the job must exist before we answer 202.
      await enqueue(jobId, event);
      return { jobId, duplicate: false, repaired: false };
    }
    // 3. Seen before: the delivery is safe if its job is in Redis, or (for kinds the ledger
    //    settles) the ticket's ledger, which the worker keeps for as long as the room exists.
    //    One EXISTS counts both (same hash tag).
    const keys = spec.ledgerSettlesIt
      ? [rooms.toKey(jobId), ledgerKey(prefix, ticketKey(event))]
      : [rooms.toKey(jobId)];
    const present = (await redis.exists(...keys)) > 0;
    if (present) return { jobId, duplicate: true, repaired: false };
    // 4. Seen but neither exists: the delivery that claimed it never enqueued. Do it now.
    await enqueue(jobId, event);
    return { jobId, duplicate: true, repaired: true };
  };

  return {
    async accept(event) {
      try {
        return await withDeadline(run(event), timeoutMs, () =>
          ReceiverError.of(
            'REDIS_UNAVAILABLE',
            `Redis did not accept the job within ${timeoutMs} ms (Redis is slow or unreachable, or this receiver is overloaded); retry later.`,
          ),
        );
      } catch (err) {
        if (err instanceof ReceiverError) throw err;
        throw ReceiverError.of(
          'REDIS_UNAVAILABLE',
          'Redis is unreachable, so the delivery was not accepted; retry later.',
          err,
        );
      }
    },
  };
}
