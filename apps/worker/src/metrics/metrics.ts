import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Job outcomes as operators count them. `rate_limited` and `delayed` used no attempt. */
export type JobOutcome = 'completed' | 'failed' | 'retried' | 'rate_limited' | 'delayed' | 'stalled';

/**
 * The worker's Prometheus metrics, on a registry of its own so that a receiver in the same
 * process (`pnpm start`) keeps its own `/metrics`.
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly redisEvents = new Counter({
    name: 'ticket_rooms_worker_redis_events_total',
    help: 'Redis connection events: reconnect (connection lost), ready (back), failover (back on another primary or cluster node).',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly jobs = new Counter({
    name: 'ticket_rooms_worker_jobs_total',
    help: 'Jobs by queue and outcome (failed = failed for good; retried = an attempt used).',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly stageDuration = new Histogram({
    name: 'ticket_rooms_worker_stage_duration_seconds',
    help: 'Time a stage took, by stage and result (done, skipped, error).',
    labelNames: ['stage', 'result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly vendorCalls = new Counter({
    name: 'ticket_rooms_worker_vendor_calls_total',
    help: 'HTTP calls to DocSpace and the helpdesks by vendor, method and status (network, timeout when no answer).',
    labelNames: ['vendor', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'ticket_rooms_worker_retries_total',
    help: 'Stage errors that will be tried again, by stage and error code.',
    labelNames: ['queue', 'stage', 'code'] as const,
    registers: [this.registry],
  });

  readonly roomChanges = new Counter({
    name: 'ticket_rooms_worker_room_changes_total',
    help: 'Changes made to rooms to follow their tickets (archived, unarchived, renamed).',
    labelNames: ['change'] as const,
    registers: [this.registry],
  });

  readonly routed = new Counter({
    name: 'ticket_rooms_worker_routed_total',
    help: 'Tickets routed, by the routing rule they got and whether it gives them a room (skip="true": none).',
    labelNames: ['rule', 'skip'] as const,
    registers: [this.registry],
  });

  readonly finalFailures = new Counter({
    name: 'ticket_rooms_worker_final_failures_total',
    help: 'Jobs that failed for good, by stage: each one needs an operator.',
    labelNames: ['queue', 'stage'] as const,
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'ticket_rooms_worker_' });
  }
}
