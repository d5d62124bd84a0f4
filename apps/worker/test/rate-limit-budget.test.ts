import { createDocspaceSimulator } from '@ticket-rooms/simulators';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { knownRate, SharedRateLimiter } from '../src/limits/shared-rate-limiter';
import { createVendorFetch } from '../src/limits/vendor-fetch';
import { WorkerMetrics } from '../src/metrics/metrics';

/** The DocSpace fetch and its limiter against the simulator's request budget (a token bucket). */
describe('the DocSpace rate limit against a portal budget', () => {
  // Two connections stand for two worker processes on the same Redis.
  const a = new Redis(testRedisUrl());
  const b = new Redis(testRedisUrl());
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });
  const key = () => `${testPrefix('budget')}:docspace-rate`;

  async function portal(rateLimit: { perSecond: number; burst: number }) {
    const sim = await createDocspaceSimulator({ apiKey: 'sk-budget', faults: { rateLimit } });
    const base = await sim.listen({ port: 0, host: '127.0.0.1' });
    return { sim, self: `${base}/api/2.0/people/@self` };
  }
  const get = { method: 'GET', headers: { authorization: 'Bearer sk-budget' }, timeoutMs: 5_000 };

  it('hears about every 429 DocSpace answers, and hands back one whose Retry-After is too long to wait', async () => {
    // A token every 1,000 s: the burst of two, then only 429s with a Retry-After of 1,000 s.
    const { sim, self } = await portal({ perSecond: 0.001, burst: 2 });
    const limiter = new SharedRateLimiter(a, key(), { initialPerSecond: 1_000 });
    const vendor = createVendorFetch({ vendor: 'docspace', metrics: new WorkerMetrics(), limiter });
    try {
      const call = async () => (await vendor.fetch(self, get)).status;
      expect([await call(), await call()]).toEqual([200, 200]);
      expect((await limiter.state())?.epoch).toBe(0);
      expect(await call()).toBe(429);
      expect(await limiter.state()).toMatchObject({ epoch: 1, learnt: true });
      expect(sim.stats.total).toBe(3);
    } finally {
      await vendor.close();
      await sim.close();
    }
  });

  it('keeps two processes with the budget known under it together: every call is answered, none twice', async () => {
    // A budget of 20 a second, a burst of 2; each process alone would send as fast as it can.
    const { sim, self } = await portal({ perSecond: 20, burst: 2 });
    const k = key();
    const vendors = [a, b].map((redis) =>
      createVendorFetch({
        vendor: 'docspace',
        metrics: new WorkerMetrics(),
        limiter: new SharedRateLimiter(redis, k, knownRate(20)),
      }),
    );
    try {
      const statuses = await Promise.all(
        Array.from(
          { length: 30 },
          async (_, i) => (await (vendors[i % 2]?.fetch(self, get) ?? Promise.reject())).status,
        ),
      );
      // A 429 (a bunch of calls delayed on a loaded machine) is sent again by the fetch itself.
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(sim.stats.total - (sim.stats.toJSON().byStatus['429'] ?? 0)).toBe(30);
    } finally {
      await Promise.all(vendors.map((v) => v.close()));
      await sim.close();
    }
  });
});
