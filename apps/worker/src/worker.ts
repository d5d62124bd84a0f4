import {
  allPrefixes,
  createLogger,
  createRedisClient,
  describeTopology,
  isCluster,
  type Logger,
  type NotesQueueName,
  notesQueueFor,
  QUEUE_NAMES,
  type QueueName,
  shardLayout,
  TicketEvent,
  ticketKey,
  watchRedis,
} from '@ticket-rooms/core';
import { createDocspaceClient, roomTypeName } from '@ticket-rooms/docspace-client';
import { type Job, Queue, Worker, type WorkerOptions } from 'bullmq';
import { AttachmentLedger } from './attachments/attachment-ledger';
import { createAttachmentProcessor } from './attachments/processor';
import { type WorkerConfig, WRITE_BACK_VARIABLES, type WriteBackVendor } from './config/config';
import { FindingsLedger } from './findings/findings-ledger';
import { createFindingsNoteProcessor, withFindingsNotes } from './findings/findings-note-processor';
import { createRoomFileProcessor } from './findings/room-file-processor';
import { createAttachmentReaders, createHelpdeskWriters } from './helpdesks';
import type { JobKeys } from './ledger/bullmq-trail';
import { Ledger } from './ledger/ledger';
import { RedisEpoch } from './ledger/redis-epoch';
import { knownRate, SharedRateLimiter } from './limits/shared-rate-limiter';
import { createVendorFetch, type RequestLimiter, type VendorFetch } from './limits/vendor-fetch';
import { WorkerMetrics } from './metrics/metrics';
import { type MetricsServer, startMetricsServer } from './metrics/server';
import { createNoteProcessor } from './pipeline/note-processor';
import { pipelineOf, STAGE_NAMES, type StageName } from './pipeline/pipelines';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, vendorBackoff } from './pipeline/retry-policy';
import { createRoomProcessor } from './pipeline/room-processor';
import type { RunnerDeps } from './pipeline/runner';
import { TicketLocks } from './pipeline/ticket-lock';
import type { HelpdeskPort, Lane, RoutingPort } from './stages/context';

export interface StartWorkerOptions {
  logger?: Logger;
  /** Overrides of the retry delays (tests shorten them). */
  retryPolicy?: Partial<RetryPolicy>;
  /** Open the metrics port; default true. */
  metricsServer?: boolean;
  /** Work only these queues; default all of them. */
  queues?: readonly QueueName[];
  /** Per-request timeout of the helpdesk write-back calls; default 10 s. */
  helpdeskTimeoutMs?: number;
}

export interface RunningWorker {
  readonly metrics: WorkerMetrics;
  /** `http://host:port` of `/metrics`, when the metrics port is open. */
  readonly metricsUrl: string | undefined;
  /**
   * Stops taking jobs; each job in hand finishes its current stage, is checkpointed and handed
   * back to the queue for the next worker. Then every connection closes.
   */
  close(): Promise<void>;
}

/** How many times a job may be found stalled (its worker died) before it fails: crashes must not fail tickets. */
const MAX_STALLED_COUNT = 50;

/**
 * BullMQ only checks a queue's rate-limit key when the worker has a limiter; this one never
 * limits by itself, it only lets `queue.rateLimit(ms)` (a vendor's 429) hold the queue.
 */
const PASSIVE_LIMITER = { max: 1_000_000, duration: 1_000 };

/** Starts the worker: the rooms queue and one notes queue per helpdesk. */
export async function startWorker(
  config: Readonly<WorkerConfig>,
  opts: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const logger = opts.logger ?? createLogger({ name: 'worker', level: config.logLevel });
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retryPolicy };
  const metrics = new WorkerMetrics();
  const queuesToRun = new Set<QueueName>(
    opts.queues ?? [
      QUEUE_NAMES.rooms,
      ...(Object.values(QUEUE_NAMES.notes) as NotesQueueName[]),
      QUEUE_NAMES.attachments,
      QUEUE_NAMES.roomFiles,
    ],
  );
  // The metrics port first: if it is taken, nothing else has been opened that would need closing.
  let metricsServer: MetricsServer | undefined;
  if (opts.metricsServer ?? true) {
    metricsServer = await startMetricsServer(metrics.registry, config.metrics);
  }
  // Auto-pipelining: the commands of many concurrent jobs in one event-loop turn go out as one
  // write. Measured with bench/pipeline.ts it cuts Redis's own CPU per ticket by about a quarter;
  // the worker's side comes out about even, as each pipeline copies the scripts BullMQ defines.
  const topology = config.redisTopology ?? { kind: 'standalone', url: config.redisUrl };
  const redis = createRedisClient(topology, {
    role: 'worker',
    connectionName: 'ticket-rooms-worker',
    autoPipelining: true,
  });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error; reconnecting'));
  watchRedis(redis, { logger, name: 'worker', onEvent: (event) => metrics.redisEvents.inc({ event }) });
  const epoch = new RedisEpoch(redis);
  // Every shard of the current layout, then the former layouts' (their jobs must still finish).
  const prefixes = allPrefixes(
    shardLayout(config.queuePrefix, config.queueShards ?? 1, config.queueShardsPrevious ?? [], {
      cluster: isCluster(redis),
    }),
  );

  // 1. Vendor clients, each under a fetch that counts its calls (and, for DocSpace, waits for
  //    the rate shared by every worker on this Redis: one key for every shard, one budget). The
  //    rate is the configured one, or else learnt from DocSpace's 429s; a refused call is sent
  //    again by the fetch, so a 429 costs the call a wait, not the rooms queue a pause.
  const limiter: RequestLimiter =
    config.docspace.rateLimitPerSecond === undefined
      ? new SharedRateLimiter(redis, `${config.queuePrefix}:docspace-adaptive-rate`)
      : new SharedRateLimiter(
          redis,
          `${config.queuePrefix}:docspace-rate-schedule`,
          knownRate(config.docspace.rateLimitPerSecond),
        );
  const fetches: VendorFetch[] = [];
  const vendorFetch = (vendor: string, connectTimeoutMs: number | undefined, withLimiter?: RequestLimiter) => {
    const f = createVendorFetch({
      vendor,
      metrics,
      connections: Math.max(16, config.concurrency * 2),
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      ...(withLimiter ? { limiter: withLimiter } : {}),
    });
    fetches.push(f);
    return f.fetch;
  };
  const docspace = createDocspaceClient({
    baseUrl: config.docspace.baseUrl,
    apiKey: config.docspace.apiKey,
    timeoutMs: config.docspace.timeoutMs,
    fetch: vendorFetch('docspace', config.docspace.timeoutMs, limiter),
    logger: logger.child({ component: 'docspace' }),
  });
  const writers = createHelpdeskWriters(config, {
    fetchFor: (vendor) => vendorFetch(vendor, opts.helpdeskTimeoutMs),
    ...(opts.helpdeskTimeoutMs === undefined ? {} : { timeoutMs: opts.helpdeskTimeoutMs }),
  });

  // Readers of the tickets' attachments, under the same counted fetch as each vendor's writer.
  const readers = config.attachments.enabled
    ? createAttachmentReaders(config, {
        fetchFor: (vendor) => vendorFetch(vendor, opts.helpdeskTimeoutMs),
        ...(opts.helpdeskTimeoutMs === undefined ? {} : { timeoutMs: opts.helpdeskTimeoutMs }),
      })
    : {};

  // 2-3. Per shard (one shard: the prefix exactly as configured), the same queues and workers.
  let stopping = false;
  const workers: Worker[] = [];
  // What every lane's runner shares: the vendors, the room settings and where each lane runs.
  const helpdesks = new Map<string, HelpdeskPort>(
    (Object.keys(WRITE_BACK_VARIABLES) as WriteBackVendor[]).map((vendor) => [
      vendor,
      { vendor, writer: writers[vendor], variables: WRITE_BACK_VARIABLES[vendor] },
    ]),
  );
  // The rule each new ticket gets, counted; later stages take the settings of the recorded rule.
  const routing: RoutingPort = {
    pick(event) {
      const rule = config.routing.pick(event);
      metrics.routed.inc({ rule: rule.name, skip: String(rule.settings.skip === true) });
      return rule;
    },
    settingsFor: (rule) => config.routing.settingsFor(rule),
  };
  const shared = {
    metrics,
    policy,
    docspace,
    routing,
    helpdeskOf: (source: string) => helpdesks.get(source),
    queueOf: (lane: Lane, source: Parameters<typeof notesQueueFor>[0]) =>
      lane === 'docspace' ? QUEUE_NAMES.rooms : notesQueueFor(source),
    stopping: () => stopping,
    lockDurationMs: config.lockDurationMs,
    onChange: (change: string) => metrics.roomChanges.inc({ change }),
    redisEpoch: () => epoch.get(),
  } satisfies Partial<RunnerDeps>;
  const ownQueues: Queue[] = [];
  // Each prefix's notes queues and findings record: a room file's ticket may be under any prefix.
  const findingsShards = new Map<string, { findings: FindingsLedger; notes: Record<NotesQueueName, Queue> }>();
  const findings = { folders: ['Findings'], batchSeconds: 60, ...config.findings };
  for (const prefix of prefixes) {
    // 2. Queues: the rooms queue (to pause it on a DocSpace 429) and the notes queues (to hand notes on).
    const ledger = new Ledger(redis, prefix);
    const queue = (name: QueueName) => {
      const q = new Queue(name, { connection: redis, prefix });
      // Without a listener BullMQ prints each connection error with its stack to stderr; the
      // connection's own error handler already logs the outage.
      q.on('error', (err) => logger.debug({ queue: name, err: err.message }, 'queue error'));
      return q;
    };
    const roomsQueue = queue(QUEUE_NAMES.rooms);
    const attachmentsQueue = queue(QUEUE_NAMES.attachments);
    const notesQueues = Object.fromEntries(
      (Object.values(QUEUE_NAMES.notes) as NotesQueueName[]).map((name) => [name, queue(name)]),
    ) as Record<NotesQueueName, Queue>;
    const laneDeps = (name: QueueName, q: Queue): RunnerDeps => ({
      ...shared,
      ledger,
      queue: name,
      logger: logger.child({ queue: name }),
      rateLimit: (ms) => q.rateLimit(ms),
      jobKeys: jobKeysOf(q),
    });

    const firstWorker = workers.length;
    // 3. Workers. Short locks and frequent stall checks: a killed worker's job is taken over by
    //    another within about lockDuration + stalledInterval.
    const common: Omit<WorkerOptions, 'concurrency'> = {
      connection: redis,
      prefix,
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: MAX_STALLED_COUNT,
      limiter: PASSIVE_LIMITER,
      settings: { backoffStrategy: vendorBackoff(policy) },
      autorun: false,
    };
    if (queuesToRun.has(QUEUE_NAMES.rooms)) {
      // One job of a ticket at a time on the rooms queue: they all change the same room.
      const ticketLocks = new TicketLocks(
        redis,
        prefix,
        config.lockDurationMs,
        logger.child({ queue: QUEUE_NAMES.rooms }),
      );
      const processor = createRoomProcessor({
        ...laneDeps(QUEUE_NAMES.rooms, roomsQueue),
        notesQueues,
        ticketLocks,
        repairDocspace: docspace,
        ...(config.attachments.enabled
          ? { attachments: { queue: attachmentsQueue, copies: (source: string) => source in readers } }
          : {}),
      });
      const rooms = new Worker(QUEUE_NAMES.rooms, processor, { ...common, concurrency: config.concurrency });
      // A job's ticket is given back once BullMQ has recorded it finished, not before.
      const giveBack = (job: Job | undefined) => {
        if (job?.id !== undefined) void ticketLocks.release(job.id);
      };
      rooms.on('completed', giveBack);
      rooms.on('failed', giveBack);
      rooms.on('closed', () => void ticketLocks.releaseAll());
      workers.push(rooms);
    }
    const findingsLedger = new FindingsLedger(redis, prefix);
    findingsShards.set(prefix, { findings: findingsLedger, notes: notesQueues });
    for (const name of Object.values(QUEUE_NAMES.notes) as NotesQueueName[]) {
      if (!queuesToRun.has(name)) continue;
      const deps = laneDeps(name, notesQueues[name]);
      const processor = withFindingsNotes(
        createNoteProcessor(deps),
        createFindingsNoteProcessor({ ...deps, findings: findingsLedger }),
      );
      workers.push(new Worker(name, processor, { ...common, concurrency: config.notesConcurrency }));
    }
    if (config.attachments.enabled && queuesToRun.has(QUEUE_NAMES.attachments)) {
      const processor = createAttachmentProcessor({
        ledger,
        copies: new AttachmentLedger(redis, prefix),
        docspace,
        readerOf: (source) => readers[source as WriteBackVendor],
        writerOf: (source) => writers[source as WriteBackVendor],
        queue: attachmentsQueue,
        folderPath: config.attachments.folder,
        maxBytes: config.attachments.maxBytes,
        logger: logger.child({ queue: QUEUE_NAMES.attachments }),
      });
      workers.push(
        new Worker(QUEUE_NAMES.attachments, processor, { ...common, concurrency: config.attachments.concurrency }),
      );
    }
    if (queuesToRun.has(QUEUE_NAMES.roomFiles)) {
      const processor = createRoomFileProcessor({
        docspace,
        redis,
        prefixes,
        shardOf: (p) => {
          const shard = findingsShards.get(p);
          if (!shard) throw new Error(`no queues for prefix ${p} in this worker`);
          return {
            findings: shard.findings,
            notesQueue: (source) => {
              const name = notesQueueFor(source);
              return name ? shard.notes[name] : undefined;
            },
          };
        },
        folders: findings.folders,
        batchMs: findings.batchSeconds * 1_000,
        logger: logger.child({ queue: QUEUE_NAMES.roomFiles }),
      });
      workers.push(new Worker(QUEUE_NAMES.roomFiles, processor, { ...common, concurrency: config.notesConcurrency }));
    }
    for (const worker of workers.slice(firstWorker)) watch(worker, { logger, metrics, ledger });
    ownQueues.push(roomsQueue, attachmentsQueue, ...Object.values(notesQueues));
  }

  // 4. Start taking jobs.
  for (const worker of workers) void worker.run();
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  const missing = (Object.keys(writers) as WriteBackVendor[]).filter((v) => !writers[v]);
  logger.info(
    {
      queues: [...new Set(workers.map((w) => w.name))],
      prefixes,
      redis: describeTopology(topology),
      concurrency: config.concurrency,
      notesConcurrency: config.notesConcurrency,
      roomType: roomTypeName(config.room.type),
      folders: config.room.folders.map((f) => f.path),
      share: config.room.share.length,
      routing: config.routingFile
        ? { file: config.routingFile, rules: config.routing.rules.map((r) => r.name) }
        : 'none (ROOM_* for every ticket)',
      docspaceRateLimit: config.docspace.rateLimitPerSecond ?? 'none',
      metrics: metricsServer?.url,
    },
    'worker started',
  );
  if (config.attachments.off) logger.warn(`attachments are not copied into rooms: ${config.attachments.off}`);
  for (const vendor of missing) {
    logger.warn(
      `${vendor} write-back is not configured (${WRITE_BACK_VARIABLES[vendor].join(', ')}): ${vendor} tickets get rooms, but their notes fail visibly until it is`,
    );
  }

  let closed: Promise<void> | undefined;
  async function close(): Promise<void> {
    stopping = true;
    const graceful = Promise.all(workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), config.shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      logger.warn(
        `jobs did not hand back within ${config.shutdownTimeoutMs} ms; closing anyway (they resume after their locks expire)`,
      );
      await Promise.all(workers.map((w) => w.close(true)));
    }
    await Promise.all(ownQueues.map((q) => q.close()));
    await docspace.close();
    await Promise.all(Object.values(writers).map((w) => w?.close()));
    await Promise.all(Object.values(readers).map((r) => r?.close()));
    await Promise.all(fetches.map((f) => f.close()));
    await metricsServer?.close();
    await redis.quit().catch(() => redis.disconnect());
    logger.info('worker stopped');
  }

  return {
    metrics,
    metricsUrl: metricsServer?.url,
    close: () => {
      closed ??= close();
      return closed;
    },
  };
}

/** BullMQ's key names for a job of `queue`, as its own scripts use them. */
function jobKeysOf(queue: Queue): (jobId: string) => JobKeys {
  return (jobId) => ({
    job: queue.toKey(jobId),
    events: queue.keys.events as string,
    meta: queue.keys.meta as string,
    stalled: queue.keys.stalled as string,
  });
}

function stageOf(job: Job): StageName | 'unknown' {
  const progress = job.progress as { stage?: unknown } | undefined;
  const stage = typeof progress === 'object' && progress !== null ? progress.stage : undefined;
  return (STAGE_NAMES as readonly unknown[]).includes(stage) ? (stage as StageName) : 'unknown';
}

/** Metrics and the one error line per job that failed for good. */
function watch(worker: Worker, deps: { logger: Logger; metrics: WorkerMetrics; ledger: Ledger }): void {
  const queue = worker.name;
  worker.on('completed', () => deps.metrics.jobs.inc({ queue, outcome: 'completed' }));
  worker.on('stalled', (jobId) => {
    deps.metrics.jobs.inc({ queue, outcome: 'stalled' });
    deps.logger.warn({ queue, jobId }, `job ${jobId} stalled (its worker stopped answering); it is back in the queue`);
  });
  worker.on('error', (err) => deps.logger.error({ queue, err: err.message }, 'worker error'));
  worker.on('failed', (job) => {
    if (!job) return;
    // BullMQ sets `finishedOn` only when the job moved to the failed set for good.
    if (typeof job.finishedOn !== 'number') {
      deps.metrics.jobs.inc({ queue, outcome: 'retried' });
      return;
    }
    const stage = stageOf(job);
    const reason = job.failedReason;
    deps.metrics.jobs.inc({ queue, outcome: 'failed' });
    deps.metrics.finalFailures.inc({ queue, stage });
    const event = TicketEvent.safeParse((job.data as { event?: unknown } | undefined)?.event);
    const ticket = event.success ? ticketKey(event.data) : undefined;
    deps.logger.error(
      { queue, jobId: job.id, ticket, stage, attempts: job.attemptsMade, reason },
      `ticket ${ticket ?? job.id} failed at ${stage}: ${reason}`,
    );
    // Failures the processor did not see (stalled too often, …) still reach the ledger.
    if (event.success && stage !== 'unknown') {
      deps.ledger
        .write(event.data, { stage: { name: stage, state: 'failed', reason } }, undefined, pipelineOf(event.data.kind))
        .catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'could not record the failure in the ledger'));
    }
  });
}
