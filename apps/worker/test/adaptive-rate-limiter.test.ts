import { createDocspaceSimulator } from '@ticket-rooms/simulators';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter } from '../src/limits/adaptive-rate-limiter';
import { createVendorFetch } from '../src/limits/vendor-fetch';
import { WorkerMetrics } from '../src/metrics/metrics';

/** Decisions of the rate learnt from DocSpace's 429s, on a real Redis; counts, never times. */
describe('the adaptive DocSpace rate limit', () => {
  // Two connections stand for two worker processes on the same Redis.
  const a = new Redis(testRedisUrl());
  const b = new Redis(testRedisUrl());
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });
  const key = () => `${testPrefix('adaptive')}:docspace-adaptive-rate`;

  it('starts at its initial rate and, until a 429, adds half a request a second per queued caller', async () => {
    const k = key();
    const limiter = new AdaptiveRateLimiter(a, k, { initialPerSecond: 200 });
    // All 20 arrive together: the first goes at once, the other 19 queue behind it.
    const permits = await Promise.all(Array.from({ length: 20 }, () => limiter.acquire()));
    expect(permits.filter((p) => p.waitMs === 0).length).toBeGreaterThanOrEqual(1);
    expect(await limiter.state()).toEqual({ perSecond: 209.5, epoch: 0, learnt: false });
  });

  it('learns nothing while callers do not queue', async () => {
    const k = key();
    const limiter = new AdaptiveRateLimiter(a, k, { initialPerSecond: 1_000 });
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      // Sequential callers 10 ms apart find their slot free at a rate of 1,000 a second.
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await limiter.state())?.perSecond).toBe(1_000);
  });

  it('cuts the rate once per epoch, shared by every process, and grows slowly after', async () => {
    const k = key();
    const first = new AdaptiveRateLimiter(a, k, { initialPerSecond: 100, firstCut: 0.5, cut: 0.8, growth: 0.1 });
    const second = new AdaptiveRateLimiter(b, k, { initialPerSecond: 100, firstCut: 0.5, cut: 0.8, growth: 0.1 });
    const p1 = await first.acquire();
    const p2 = await second.acquire();
    expect(p1.epoch).toBe(0);
    expect(p2.epoch).toBe(0);
    const booked = (await first.state())?.perSecond ?? 0;
    // Both requests booked at that rate are refused: one cut (the first, by half), not two.
    expect(await first.refused(p1)).toBe(true);
    expect(await second.refused(p2)).toBe(false);
    expect(await first.state()).toEqual({ perSecond: booked * 0.5, epoch: 1, learnt: true });
    // A request booked after the cut and refused cuts again, by the steady-state factor.
    const p3 = await second.acquire();
    expect(p3.epoch).toBe(1);
    const before = (await first.state())?.perSecond ?? 0;
    expect(await second.refused(p3)).toBe(true);
    const cut = (await first.state())?.perSecond ?? 0;
    expect(cut).toBeCloseTo(before * 0.8, 3);
    // Past slow start, each queued caller adds `growth`, not a whole request a second: 11 callers
    // together, of which at least 10 queue.
    await Promise.all(Array.from({ length: 11 }, () => first.acquire()));
    const grown = (await first.state())?.perSecond ?? 0;
    expect(grown).toBeGreaterThanOrEqual(cut + 1 - 1e-6);
    expect(grown).toBeLessThanOrEqual(cut + 1.1 + 1e-6);
  });

  it('never cuts below its floor', async () => {
    const k = key();
    const limiter = new AdaptiveRateLimiter(a, k, { initialPerSecond: 4, minPerSecond: 2, cut: 0.5, firstCut: 0.5 });
    for (let i = 0; i < 5; i++) {
      const permit = await limiter.acquire();
      await limiter.refused(permit);
    }
    expect((await limiter.state())?.perSecond).toBe(2);
  });

  it('hears about every 429 DocSpace answers through the vendor fetch, and about nothing else', async () => {
    const sim = await createDocspaceSimulator({
      apiKey: 'sk-adaptive',
      faults: { rateLimit: { perSecond: 0.001, burst: 2 } },
    });
    const base = await sim.listen({ port: 0, host: '127.0.0.1' });
    const limiter = new AdaptiveRateLimiter(a, key(), { initialPerSecond: 1_000 });
    const vendor = createVendorFetch({ vendor: 'docspace', metrics: new WorkerMetrics(), limiter });
    try {
      const call = async () =>
        (
          await vendor.fetch(`${base}/api/2.0/people/@self`, {
            method: 'GET',
            headers: { authorization: 'Bearer sk-adaptive' },
            timeoutMs: 5_000,
          })
        ).status;
      expect([await call(), await call()]).toEqual([200, 200]);
      expect((await limiter.state())?.epoch).toBe(0);
      expect(await call()).toBe(429);
      expect(await limiter.state()).toMatchObject({ epoch: 1, learnt: true });
    } finally {
      await vendor.close();
      await sim.close();
    }
  });
});
