import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testPrefix, testRedisUrl } from '../src/index';

describe('the Redis the tests get', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  it('is a real Redis that answers', async () => {
    expect(await redis.ping()).toBe('PONG');
    const key = `${testPrefix()}:probe`;
    await redis.set(key, 'x', 'EX', 10);
    expect(await redis.get(key)).toBe('x');
  });

  it('never evicts queue data and, when started here, keeps an AOF', async () => {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    expect(policy).toBe('noeviction');
    if (!process.env.REDIS_URL) {
      const [, aof] = (await redis.config('GET', 'appendonly')) as [string, string];
      expect(aof).toBe('yes');
    }
  });

  it('gives each test its own prefix', () => {
    expect(testPrefix()).not.toBe(testPrefix());
  });
});
