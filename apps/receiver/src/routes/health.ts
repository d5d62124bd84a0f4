import { probeWritable, type RedisClient } from '@ticket-rooms/core';
import type { FastifyPluginAsync } from 'fastify';
import { ReceiverError } from '../http/errors';
import { withDeadline } from '../intake/deadline';

export interface HealthRoutesOptions {
  redis: RedisClient;
  timeoutMs: number;
  /** A key `/readyz` writes (it expires by itself): a replica or read-only primary refuses it. */
  probeKey: string;
}

/**
 * `/healthz`: the process answers. `/readyz`: it can accept deliveries, i.e. the primary that
 * takes our writes answers and accepts one (after a failover, only once we follow the new one).
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { redis, timeoutMs, probeKey }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    try {
      await withDeadline(
        probeWritable(redis, probeKey),
        timeoutMs,
        () => new Error(`no answer within ${timeoutMs} ms`),
      );
    } catch (err) {
      throw ReceiverError.of(
        'REDIS_UNAVAILABLE',
        'The Redis primary is unreachable or refuses writes, so deliveries would be refused.',
        err,
      );
    }
    return { status: 'ready' };
  });
};
