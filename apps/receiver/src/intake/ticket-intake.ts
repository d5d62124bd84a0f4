import {
  ledgerKey,
  type RedisClient,
  ROOM_JOB_NAME,
  type RoomJobData,
  roomJobOptions,
  type TicketEvent,
  ticketKey,
} from '@ticket-rooms/core';
import type { Queue } from 'bullmq';
import { ReceiverError } from '../http/errors';
import { withDeadline } from './deadline';

/** Redis key of the "this ticket was seen" marker that makes duplicates detectable for weeks. */
export function seenKey(prefix: string, key: string): string {
  return `${prefix}:seen:${key}`;
}

export interface IntakeResult {
  /** The BullMQ job id, which is the ticket key. */
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
 * Turns an accepted ticket event into exactly one room job.
 *
 * The job id alone dedupes only while the job is retained, so an atomic marker
 * (`SET … NX EX`) remembers each ticket for the dedupe window. The marker is written before the
 * job, so a crash between the two leaves a marker without a job; the next delivery of that ticket
 * notices and enqueues it. `queue.add` with the ticket key as job id is itself idempotent, so two
 * deliveries racing through that repair still make one job.
 */
export function createTicketIntake(opts: TicketIntakeOptions): TicketIntake {
  const { redis, rooms, prefix, dedupeWindowSeconds, timeoutMs } = opts;

  const enqueue = async (key: string, event: TicketEvent): Promise<void> => {
    await rooms.add(ROOM_JOB_NAME, { event }, { ...roomJobOptions(), jobId: key });
  };

  const run = async (event: TicketEvent): Promise<IntakeResult> => {
    const key = ticketKey(event);
    // 1. Claim the ticket: exactly one delivery, however many race, sees 'OK'.
    const claimed = await redis.set(seenKey(prefix, key), event.deliveryId, 'EX', dedupeWindowSeconds, 'NX');
    if (claimed === 'OK') {
      // 2. First sight: the job must exist before we answer 202.
      await enqueue(key, event);
      return { jobId: key, duplicate: false, repaired: false };
    }
    // 3. Seen before: the ticket is safe if its job or its ledger (written by the worker, kept for
    //    as long as the room exists) is in Redis. One EXISTS counts both (same hash tag).
    const present = (await redis.exists(rooms.toKey(key), ledgerKey(prefix, key))) > 0;
    if (present) return { jobId: key, duplicate: true, repaired: false };
    // 4. Seen but neither exists: the delivery that claimed it never enqueued. Do it now.
    await enqueue(key, event);
    return { jobId: key, duplicate: true, repaired: true };
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
