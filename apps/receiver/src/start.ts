import { createRedisClient, describeTopology, type Logger, type RedisClient } from '@ticket-rooms/core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import type { ReceiverConfig } from './config/config';
import { createReceiverLogger } from './observability/logger';

export interface StartReceiverOptions {
  /** Defaults to a pino logger named `receiver` at `config.logLevel`. */
  logger?: Logger;
  clock?: () => number;
}

export interface RunningReceiver {
  app: FastifyInstance;
  /** `http://host:port` it listens on (the real port when `config.port` is 0). */
  url: string;
  /**
   * Graceful shutdown: new requests get 503, in-flight deliveries finish, then the port and the
   * Redis connection close. Rejects if that takes longer than `config.shutdownTimeoutMs`.
   */
  close(): Promise<void>;
}

/** Builds the receiver with its own Redis connection and listens. Used by `main.ts` and `pnpm start`. */
export async function startReceiver(
  config: Readonly<ReceiverConfig>,
  opts: StartReceiverOptions = {},
): Promise<RunningReceiver> {
  const logger = opts.logger ?? createReceiverLogger({ name: 'receiver', level: config.logLevel });
  // No auto-pipelining: every pipeline ioredis builds copies the ~60 scripts BullMQ defines on the
  // connection, which cost more CPU per delivery than the writes it saves (bench/receiver.ts).
  const topology = config.redisTopology ?? { kind: 'standalone', url: config.redisUrl };
  const redis = createRedisClient(topology, { role: 'producer', connectionName: 'ticket-rooms-receiver' });

  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  let redisDown = false;
  redis.on('error', (err: Error) => {
    if (!redisDown)
      logger.warn(
        { err, redis: describeTopology(topology) },
        'Redis is unreachable; deliveries get 503 until it is back',
      );
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) logger.info({ redis: describeTopology(topology) }, 'Redis is back; accepting deliveries');
    redisDown = false;
  });

  // Give Redis a moment so the first deliveries after a start do not get 503; listen either way,
  // so /healthz answers and /readyz tells the truth while Redis is away.
  if (!(await connected(redis, config.enqueueTimeoutMs))) {
    logger.warn({ redis: describeTopology(topology) }, 'Redis is not reachable yet; deliveries get 503 until it is');
  }

  const app = buildApp({ config, redis, logger, processMetrics: true, ...(opts.clock ? { clock: opts.clock } : {}) });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close().catch(() => {});
    redis.disconnect();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      app.beginDrain();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`in-flight requests did not finish within ${config.shutdownTimeoutMs} ms`)),
          config.shutdownTimeoutMs,
        );
      });
      try {
        await Promise.race([app.close(), timeout]);
      } finally {
        clearTimeout(timer);
        await redis.quit().catch(() => redis.disconnect());
      }
    })();
    return closing;
  };
  return { app, url, close };
}

function connected(redis: RedisClient, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}
