import {
  confirmReplicas,
  ledgerKey,
  prefixFor,
  type RedisClient,
  type RoomJobData,
  type TicketEvent,
  ticketKey,
} from '@ticket-rooms/core';
import type { Queue } from 'bullmq';
import { ReceiverError } from '../http/errors';
import { withDeadline } from './deadline';
import { createTicketIntake, type IntakeResult, type TicketIntake } from './ticket-intake';

export interface Shard {
  prefix: string;
  /** The shard's `rooms` queue. */
  rooms: Queue<RoomJobData>;
}

export interface ShardedIntakeOptions {
  redis: RedisClient;
  /** The current layout, in shard order: a ticket goes to `shards[shardFor(key, shards.length)]`. */
  shards: readonly Shard[];
  /** The prefixes of each former layout (`QUEUE_SHARDS_PREVIOUS`) that may still know a ticket. */
  previous: readonly (readonly string[])[];
  dedupeWindowSeconds: number;
  timeoutMs: number;
  /** `REDIS_MIN_REPLICAS_ACK`: replicas that must hold the job before the delivery is accepted. */
  minReplicasAck: number;
}

/**
 * The intake over every shard, with two steps around the per-shard intake:
 *
 * 1. A ticket known under a former `QUEUE_SHARDS` (its job or ledger is in the shard the old
 *    layout gave it) is a duplicate: no second job, so no second room.
 * 2. With `REDIS_MIN_REPLICAS_ACK`, the answer waits until that many replicas hold the job (Redis
 *    `WAIT`, within what is left of the enqueue timeout); short of that it is a 503, and the
 *    sender's retry is a duplicate that waits again.
 *
 * With one shard, no former layout and no replica acknowledgement this is the plain intake.
 */
export function createShardedIntake(opts: ShardedIntakeOptions): TicketIntake {
  const { redis, shards, previous, timeoutMs, minReplicasAck } = opts;
  const intakes = new Map(
    shards.map((s) => [
      s.prefix,
      createTicketIntake({
        redis,
        rooms: s.rooms,
        prefix: s.prefix,
        dedupeWindowSeconds: opts.dedupeWindowSeconds,
        timeoutMs,
      }),
    ]),
  );
  const prefixes = shards.map((s) => s.prefix);
  const only = shards.length === 1 ? intakes.get(prefixes[0] as string) : undefined;
  if (only && previous.length === 0 && minReplicasAck === 0) return only;
  const roomsName = (shards[0] as Shard).rooms.name;

  // 1. Known under a former layout? One EXISTS per former layout, each within one hash tag.
  const knownElsewhere = async (key: string, current: string): Promise<boolean> => {
    for (const layout of previous) {
      const prefix = prefixFor(key, layout);
      if (prefix === current) continue;
      const found = await redis.exists(`${prefix}:${roomsName}:${key}`, ledgerKey(prefix, key));
      if (found > 0) return true;
    }
    return false;
  };

  const unavailable = (err: unknown) =>
    err instanceof ReceiverError
      ? err
      : ReceiverError.of(
          'REDIS_UNAVAILABLE',
          'Redis is unreachable, so the delivery was not accepted; retry later.',
          err,
        );

  return {
    async accept(event: TicketEvent): Promise<IntakeResult> {
      const started = Date.now();
      const key = ticketKey(event);
      const prefix = prefixFor(key, prefixes);
      let result: IntakeResult;
      if (previous.length > 0) {
        let known: boolean;
        try {
          known = await withDeadline(knownElsewhere(key, prefix), timeoutMs, () =>
            ReceiverError.of('REDIS_UNAVAILABLE', `Redis did not answer within ${timeoutMs} ms; retry later.`),
          );
        } catch (err) {
          throw unavailable(err);
        }
        result = known
          ? { jobId: key, duplicate: true, repaired: false }
          : await (intakes.get(prefix) as TicketIntake).accept(event);
      } else {
        result = await (intakes.get(prefix) as TicketIntake).accept(event);
      }
      if (minReplicasAck === 0) return result;

      // 2. Replicated? Also for duplicates: the copy they found may not be on a replica yet.
      const left = Math.max(1, timeoutMs - (Date.now() - started));
      let acked: number;
      try {
        acked = await withDeadline(
          confirmReplicas(redis, `${prefix}:replica-fence`, minReplicasAck, left),
          left + 250,
          () => ReceiverError.of('REDIS_UNAVAILABLE', `Redis did not answer WAIT within ${left} ms; retry later.`),
        );
      } catch (err) {
        throw unavailable(err);
      }
      if (acked < minReplicasAck) {
        throw ReceiverError.of(
          'NOT_REPLICATED',
          `Redis confirmed the job on ${acked} of the ${minReplicasAck} replicas REDIS_MIN_REPLICAS_ACK asks for within ${left} ms; retry later.`,
        );
      }
      return result;
    },
  };
}
