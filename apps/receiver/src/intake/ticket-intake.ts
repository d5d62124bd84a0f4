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
import { claimAndAdd } from './claim-and-add';
import { withDeadline } from './deadline';
import { writeBatcher } from './write-batch';

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
 * (`SET … NX EX`) remembers each delivery for the dedupe window. Marker and job are written by one
 * script (`claimAndAdd`), in one round trip; a marker without its job (written by an earlier
 * version, which wrote the two apart, or whose job an operator removed) is noticed by the next
 * delivery of that ticket, which enqueues it.
 */
export function createTicketIntake(opts: TicketIntakeOptions): TicketIntake {
  const { redis, rooms, prefix, dedupeWindowSeconds, timeoutMs } = opts;
  prepareDesiredState(redis);
  const add = claimAndAdd(redis, rooms);
  const batchWrites = writeBatcher(redis);

  const run = async (event: TicketEvent): Promise<IntakeResult> => {
    const spec = jobSpecOf(event.kind);
    const key = ticketKey(event);
    const jobId = spec.jobId(event, key);
    // 0. What the ticket says now goes to its ledger first (newer news only), so a burst of
    //    changes is folded into one state before the first of their jobs runs. Idempotent: a
    //    redelivery, or a retry after a 503, records nothing new. Sent ahead of the claim on the
    //    same connection, so Redis runs it first, without waiting a round trip for it.
    batchWrites();
    const recorded = event.changed?.length ? recordDesired(redis, prefix, event) : undefined;
    // 1. Claim the delivery and, unless it was settled before, add its job: exactly one of any
    //    number of racing deliveries sees 'new'. A seen delivery is settled if its job is in
    //    Redis, or (for kinds the ledger settles) the ticket's ledger, which the worker keeps for
    //    as long as the room exists.
    const settledBy = spec.ledgerSettlesIt ? [rooms.toKey(jobId), ledgerKey(prefix, key)] : [rooms.toKey(jobId)];
    const claimed = add(
      { name: event.kind, data: { event }, opts: spec.options(), jobId },
      { key: seenKey(prefix, jobId), value: event.deliveryId, ttlSeconds: dedupeWindowSeconds },
      settledBy,
    );
    const [claim] = await Promise.all([claimed, recorded]);
    return { jobId, duplicate: claim !== 'new', repaired: claim === 'repaired' };
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
