import type { RedisEvent, Source } from '@ticket-rooms/core';
import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What happened to one delivery, as counted and logged. */
export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected' | 'unavailable' | 'failed';

/** The job states worth watching on a queue-depth graph. */
const DEPTH_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

export interface ReceiverMetrics {
  readonly registry: Registry;
  delivery(source: Source, outcome: DeliveryOutcome): void;
  duplicate(source: Source): void;
  rejection(code: string): void;
  /** Seconds from the start of the Redis exchange to the job being stored. */
  enqueueSeconds(seconds: number): void;
  /** A reconnect, a reconnect that succeeded, or a failover of the Redis connection. */
  redisEvent(event: RedisEvent): void;
}

export interface ReceiverMetricsOptions {
  queues: readonly Queue[];
  /** Bound on the queue-depth read at scrape time, so a down Redis cannot stall /metrics. */
  depthTimeoutMs: number;
  /** Process metrics (RSS, event-loop lag, GC). Off in tests that build many apps in one process. */
  processMetrics: boolean;
}

/** One registry per app (not prom-client's global), so many apps can live in one process. */
export function createReceiverMetrics(opts: ReceiverMetricsOptions): ReceiverMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'receiver_' });

  const deliveries = new Counter({
    name: 'receiver_deliveries_total',
    help: 'Webhook deliveries by source and outcome.',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'receiver_duplicates_total',
    help: 'Deliveries of a ticket that had already been accepted.',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'receiver_rejections_total',
    help: 'Requests answered with an error, by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const enqueue = new Histogram({
    name: 'receiver_enqueue_duration_seconds',
    help: 'Time for Redis to accept a ticket (dedupe marker and job), in seconds.',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'receiver_queue_depth',
    help: 'Jobs per queue and state, read from Redis at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const reads = opts.queues.map(async (queue) => {
        const counts = await bounded(queue.getJobCounts(...DEPTH_STATES), opts.depthTimeoutMs);
        if (!counts) return;
        // Summed over the shards: each shard has a queue of each name.
        for (const state of DEPTH_STATES) this.inc({ queue: queue.name, state }, counts[state] ?? 0);
      });
      await Promise.all(reads);
    },
  });

  const redisEvents = new Counter({
    name: 'receiver_redis_events_total',
    help: 'Redis connection events: reconnect (connection lost), ready (back), failover (back on another primary or cluster node).',
    labelNames: ['event'] as const,
    registers: [registry],
  });

  return {
    registry,
    redisEvent: (event) => redisEvents.inc({ event }),
    delivery: (source, outcome) => deliveries.inc({ source, outcome }),
    duplicate: (source) => duplicates.inc({ source }),
    rejection: (code) => rejections.inc({ code }),
    enqueueSeconds: (seconds) => enqueue.observe(seconds),
  };
}

/** The value, or `undefined` when it failed or took too long: a scrape must not fail for it. */
async function bounded<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
