import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { ReceiverError } from '../http/errors';
import { withDeadline } from '../intake/deadline';

export interface HealthRoutesOptions {
  redis: Redis;
  timeoutMs: number;
}

/** `/healthz`: the process answers. `/readyz`: it can accept deliveries, i.e. Redis answers. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { redis, timeoutMs }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    try {
      await withDeadline(redis.ping(), timeoutMs, () => new Error(`no PONG within ${timeoutMs} ms`));
    } catch (err) {
      throw ReceiverError.of('REDIS_UNAVAILABLE', 'Redis is unreachable, so deliveries would be refused.', err);
    }
    return { status: 'ready' };
  });
};
