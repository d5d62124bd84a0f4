import {
  ALL_QUEUE_NAMES,
  allPrefixes,
  isCluster,
  type Logger,
  QUEUE_NAMES,
  type RedisClient,
  ROOM_FILES_QUEUE,
  type RoomFileJobData,
  type RoomJobData,
  shardLayout,
  watchRedis,
} from '@ticket-rooms/core';
import { Queue } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { ReceiverConfig } from './config/config';
import { isReceiverError, ReceiverError, toReceiverError } from './http/errors';
import { sendError } from './http/send-error';
import { createShardedIntake } from './intake/sharded-intake';
import { createReceiverMetrics, type DeliveryOutcome } from './observability/metrics';
import { DASHBOARD_PATH, dashboard } from './routes/dashboard';
import { docspaceWebhookRoute } from './routes/docspace-webhook';
import { healthRoutes } from './routes/health';
import { metricsRoute } from './routes/metrics';
import { ticketRoutes } from './routes/tickets';
import { WEBHOOK_ROUTES, webhookRoutes } from './routes/webhooks';
import './http/delivery-log';

/** `/webhooks/{a,b}` for the not-found sentence: every route prefix with its names, in registry order. */
const DELIVERY_PATHS = (() => {
  const byPrefix = new Map<string, string[]>();
  for (const { url } of WEBHOOK_ROUTES) {
    const cut = url.lastIndexOf('/');
    const names = byPrefix.get(url.slice(0, cut)) ?? [];
    names.push(url.slice(cut + 1));
    byPrefix.set(url.slice(0, cut), names);
  }
  return [...byPrefix]
    .map(([prefix, names]) => (names.length === 1 ? `${prefix}/${names[0]}` : `${prefix}/{${names.join(',')}}`))
    .join(' or ');
})();

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Starts a graceful shutdown: from now on every new request is answered 503 `SHUTTING_DOWN`,
     * while requests already in flight finish. `app.close()` calls it too.
     */
    beginDrain(): void;
  }
}

export interface ReceiverDeps {
  config: Readonly<ReceiverConfig>;
  /**
   * The producer connection (`createRedisClient(topology, {role: 'producer'})`): no offline
   * queue, so a delivery fails fast while Redis is down instead of waiting in memory. One Redis,
   * the primary Sentinel names, or a Cluster. The caller owns it.
   */
  redis: RedisClient;
  logger: Logger;
  /** Milliseconds since the epoch; injected so signature tolerance can be tested. */
  clock?: () => number;
  /** Register process metrics (RSS, event loop, GC). Leave off when building many apps in one process. */
  processMetrics?: boolean;
}

/**
 * The receiver as a Fastify instance that does not listen: tests drive it with `inject()` or
 * `listen({port: 0})`, `startReceiver` and `main.ts` run it for real.
 */
export function buildApp(deps: ReceiverDeps): FastifyInstance {
  const { config, redis, logger } = deps;
  const clock = deps.clock ?? Date.now;

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per delivery comes from the response hook below, not from Fastify's request logging,
    // and it names its request itself: no child logger is built for every request.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (base) => base,
    // While draining we answer 503 ourselves, in our error shape.
    return503OnClosing: false,
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: 60_000,
  });

  // 1. The queues, per shard (one shard: the prefix exactly as configured): `rooms` takes the
  //    jobs; all of them appear on the dashboard and in the metrics, former layouts' too, so
  //    operators see what is still draining there.
  const layout = shardLayout(config.queuePrefix, config.queueShards ?? 1, config.queueShardsPrevious ?? [], {
    cluster: isCluster(redis),
  });
  const queues = allPrefixes(layout).flatMap((prefix) =>
    ALL_QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection: redis, prefix });
      // Without a listener BullMQ prints each connection error with its stack to stderr; the
      // connection's own error handler already logs the outage once per attempt.
      queue.on('error', (err) => logger.debug({ queue: name, prefix, err: err.message }, 'queue error'));
      return queue;
    }),
  );
  const roomsOf = (prefix: string) =>
    queues.find((q) => q.name === QUEUE_NAMES.rooms && q.opts.prefix === prefix) as Queue<RoomJobData>;
  const intake = createShardedIntake({
    redis,
    shards: layout.prefixes.map((prefix) => ({ prefix, rooms: roomsOf(prefix) })),
    previous: layout.previous,
    dedupeWindowSeconds: config.dedupeWindowSeconds,
    timeoutMs: config.enqueueTimeoutMs,
    minReplicasAck: config.minReplicasAck ?? 0,
  });
  const metrics = createReceiverMetrics({
    queues,
    depthTimeoutMs: config.enqueueTimeoutMs,
    processMetrics: deps.processMetrics ?? false,
  });
  watchRedis(redis, { logger, name: 'receiver', onEvent: (event) => metrics.redisEvent(event) });

  // 2. Request bookkeeping and draining.
  let draining = false;
  app.decorate('beginDrain', () => {
    draining = true;
  });
  app.decorateRequest('delivery', null);
  app.decorateRequest('failure', null);
  // Callback-style hooks: they run on every request, and need no promise.
  app.addHook('onRequest', (req, reply, done) => {
    const source = req.routeOptions.config.source;
    if (source !== undefined) req.delivery = { source };
    if (!draining) return done();
    reply.header('connection', 'close');
    done(ReceiverError.of('SHUTTING_DOWN', 'The receiver is shutting down; retry in a few seconds.'));
  });
  app.addHook('preClose', async () => {
    draining = true;
  });

  // 3. Every error leaves in one shape, with a stable code.
  app.setErrorHandler(async (err, req, reply) => {
    const error = toReceiverError(err, config.bodyLimitBytes);
    return sendError(req, reply, error, isReceiverError(err) ? err.cause : err);
  });
  app.setNotFoundHandler(async (req) => {
    throw ReceiverError.of(
      'NOT_FOUND',
      `There is no route ${req.method} ${pathOf(req.url)}; deliveries go to POST ${DELIVERY_PATHS}.`,
    );
  });

  // 4. One log line per delivery (and per failed request), with the metrics that go with it.
  //    Lines below 500 hold only fields composed here (no headers, no bodies, no errors), so they
  //    skip the redaction pass, which otherwise runs over every field of every line; lines that
  //    carry an error keep it.
  const lines = logger.child({}, { redact: [] });
  app.addHook('onResponse', (req, reply, done) => {
    logOutcome(req, reply.statusCode, Math.round(reply.elapsedTime * 100) / 100);
    done();
  });
  function logOutcome(req: FastifyRequest, status: number, durationMs: number): void {
    const failure = req.failure;
    if (failure) metrics.rejection(failure.code);
    const record = req.delivery;
    if (record) {
      const outcome: DeliveryOutcome =
        record.outcome ?? (status === 503 ? 'unavailable' : status >= 500 ? 'failed' : 'rejected');
      metrics.delivery(record.source, outcome);
      if (outcome === 'duplicate') metrics.duplicate(record.source);
      const line = { reqId: req.id, ...record, outcome, status, code: failure?.code, durationMs };
      if (status >= 500) logger.error({ ...line, err: failure?.err }, `delivery ${outcome}`);
      else lines.info(line, `delivery ${outcome}`);
      return;
    }
    if (status >= 400) {
      const line = { reqId: req.id, method: req.method, url: pathOf(req.url), status, code: failure?.code, durationMs };
      if (status >= 500) logger.error({ ...line, err: failure?.err }, 'request failed');
      else lines.info(line, 'request refused');
    }
  }

  // 5. Routes.
  app.register(webhookRoutes, { config, intake, metrics, clock });
  // DocSpace's file deliveries go to the first shard's room-files queue (already opened above).
  const roomFiles = queues.find(
    (q) => q.name === ROOM_FILES_QUEUE && q.opts.prefix === layout.prefixes[0],
  ) as Queue<RoomFileJobData>;
  app.register(docspaceWebhookRoute, { config, queue: roomFiles, clock });
  app.register(healthRoutes, {
    redis,
    timeoutMs: config.enqueueTimeoutMs,
    probeKey: `${layout.prefixes[0] as string}:readyz`,
  });
  app.register(metricsRoute, {
    metrics,
    credentials: config.metricsRequireAuth ? config.dashboard : undefined,
  });
  if (config.dashboard) {
    const { readOnly, ...credentials } = config.dashboard;
    app.register(dashboard, { queues, credentials, readOnly });
    app.register(ticketRoutes, { redis, prefixes: allPrefixes(layout), queues, credentials, readOnly });
  } else {
    logger.info(
      `Bull Board is off: set DASHBOARD_USER and DASHBOARD_PASSWORD to serve it at ${DASHBOARD_PATH} (DASHBOARD_READ_ONLY=true makes it read-only).`,
    );
  }

  app.addHook('onClose', async () => {
    // The queues share the caller's connection; closing them does not close it.
    await Promise.allSettled(queues.map((q) => q.close()));
  });
  return app;
}

/** The path without the query (which may carry tokens), cut short: it is echoed and logged. */
function pathOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
