import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { SharedRateLimiter } from '../src/limits/shared-rate-limiter';

describe('the shared DocSpace rate limit', () => {
  // Two connections stand for two worker processes on the same Redis.
  const a = new Redis(testRedisUrl());
  const b = new Redis(testRedisUrl());
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });

  it('spaces requests from several processes to the configured rate, together', async () => {
    const key = `${testPrefix('rate')}:docspace-rate`;
    const rate = 20;
    const limiters = [new SharedRateLimiter(a, key, rate), new SharedRateLimiter(b, key, rate)];
    const sentAt: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await limiters[i % 2]?.acquire();
        sentAt.push(performance.now());
      }),
    );
    sentAt.sort((x, y) => x - y);
    // Any `rate` consecutive requests span at least a second (less a little timer slack):
    // never more than `rate` requests in one second, whichever process sent them.
    for (let i = 0; i + rate < sentAt.length; i++) {
      expect((sentAt[i + rate] as number) - (sentAt[i] as number)).toBeGreaterThanOrEqual(1_000 - 50);
    }
  });

  it('lets the first request through at once and leaves nothing behind when idle', async () => {
    const key = `${testPrefix('rate')}:docspace-rate`;
    const limiter = new SharedRateLimiter(a, key, 50);
    // The slot Redis booked for it is now: no wait at all.
    expect(await limiter.acquire()).toBe(0);
    const ttl = await a.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_100);
  });
});
