import { createWriteStream } from 'node:fs';
import { ALL_QUEUE_NAMES, type QueueName } from '@ticket-rooms/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** A reader that rides out a Redis restart: it reconnects and its commands wait meanwhile. */
export function observer(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: () => 200,
    enableOfflineQueue: true,
    connectionName: 'chaos-observer',
  });
  redis.on('error', () => {});
  return redis;
}

const PENDING = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export interface QueueSnapshot {
  /** Jobs not finished yet, per queue. */
  pending: Record<string, number>;
  completed: Record<string, number>;
  failed: Record<string, number>;
  totalPending: number;
}

/** The BullMQ queues of a run, read with the observer connection. */
export class RunQueues {
  readonly queues: Queue[];

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.queues = ALL_QUEUE_NAMES.map((name) => {
      const q = new Queue(name, { connection: redis, prefix });
      // While Redis is down on purpose its connection errors are expected; BullMQ would print each.
      q.on('error', () => {});
      return q;
    });
  }

  queue(name: QueueName): Queue {
    return this.queues.find((q) => q.name === name) as Queue;
  }

  async snapshot(): Promise<QueueSnapshot> {
    const snap: QueueSnapshot = { pending: {}, completed: {}, failed: {}, totalPending: 0 };
    for (const q of this.queues) {
      const counts = await q.getJobCounts(...PENDING, 'completed', 'failed');
      const pending = PENDING.reduce((n, s) => n + (counts[s] ?? 0), 0);
      snap.pending[q.name] = pending;
      snap.completed[q.name] = counts.completed ?? 0;
      snap.failed[q.name] = counts.failed ?? 0;
      snap.totalPending += pending;
    }
    return snap;
  }

  /**
   * Resolves once no queue holds unfinished jobs (twice in a row, a poll apart), or `deadline`
   * passes. `onPoll` sees each snapshot (progress lines).
   */
  async waitForDrain(deadline: number, onPoll?: (s: QueueSnapshot) => void): Promise<QueueSnapshot> {
    let idle = 0;
    let last: QueueSnapshot | undefined;
    while (Date.now() < deadline) {
      last = await this.snapshot();
      onPoll?.(last);
      idle = last.totalPending === 0 ? idle + 1 : 0;
      if (idle >= 2) return last;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    return last ?? this.snapshot();
  }

  /**
   * The latest `finishedOn` of any completed job (when the last piece of work ended), and how
   * many attempts the completed jobs of each queue used.
   */
  async completions(): Promise<{ last: number | undefined; attempts: Record<string, Record<string, number>> }> {
    let last: number | undefined;
    const attempts: Record<string, Record<string, number>> = {};
    for (const q of this.queues) {
      const histogram: Record<string, number> = {};
      for (let start = 0; ; start += 1000) {
        const jobs = await q.getJobs(['completed'], start, start + 999);
        for (const j of jobs) {
          if (!j) continue;
          if (j.finishedOn && (last === undefined || j.finishedOn > last)) last = j.finishedOn;
          const n = String(j.attemptsMade);
          histogram[n] = (histogram[n] ?? 0) + 1;
        }
        if (jobs.length < 1000) break;
      }
      attempts[q.name] = histogram;
    }
    return { last, attempts };
  }

  /** Failed jobs with their reasons (first `limit`). */
  async failures(limit = 20): Promise<Array<{ queue: string; id: string | undefined; reason: string }>> {
    const out: Array<{ queue: string; id: string | undefined; reason: string }> = [];
    for (const q of this.queues) {
      for (const j of await q.getJobs(['failed'], 0, limit - 1)) {
        if (j) out.push({ queue: q.name, id: j.id, reason: j.failedReason });
      }
    }
    return out.slice(0, limit);
  }

  /** Every job id of a queue, whatever its state. */
  async jobIds(name: QueueName): Promise<string[]> {
    const ids: string[] = [];
    const q = this.queue(name);
    const states = [...PENDING, 'completed', 'failed'] as const;
    for (let start = 0; ; start += 1000) {
      const jobs = await q.getJobs([...states], start, start + 999);
      for (const j of jobs) if (j?.id) ids.push(j.id);
      if (jobs.length < 1000) break;
    }
    return ids;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.queues.map((q) => q.close()));
  }
}

/** Keys under `pattern`, by SCAN (never KEYS on a live server). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/**
 * Writes every key of the database and its whole value to `file`: every job of every queue in
 * every state, their logs, the ledger, the dedupe markers, the event streams. For the secret scan.
 */
export async function dumpRedis(redis: Redis, file: string): Promise<{ keys: number }> {
  const out = createWriteStream(file);
  const write = (line: string) =>
    new Promise<void>((resolve) => {
      if (out.write(`${line}\n`)) resolve();
      else out.once('drain', () => resolve());
    });
  const keys = await scanKeys(redis, '*');
  for (const key of keys) {
    const type = await redis.type(key);
    let value: unknown;
    switch (type) {
      case 'string':
        value = await redis.get(key);
        break;
      case 'hash':
        value = await redis.hgetall(key);
        break;
      case 'list':
        value = await redis.lrange(key, 0, -1);
        break;
      case 'set':
        value = await redis.smembers(key);
        break;
      case 'zset':
        value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        break;
      case 'stream':
        value = await redis.xrange(key, '-', '+');
        break;
      default:
        value = `(${type})`;
    }
    await write(`${key}\t${type}\t${JSON.stringify(value)}`);
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return { keys: keys.length };
}
