import type { FetchLike } from '@ticket-rooms/core';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerMetrics } from '../metrics/metrics';
import { SharedRateLimiter } from './shared-rate-limiter';
import { createVendorFetch } from './vendor-fetch';

type Init = Parameters<FetchLike>[1];

/** A vendor that answers with `statuses` in turn (then 200), and what each request carried. */
function vendor(statuses: number[], retryAfter = '0') {
  const seen: Array<string | undefined> = [];
  const fetch: FetchLike = async (_url, init) => {
    seen.push(typeof init.body === 'string' ? init.body : init.body === undefined ? undefined : 'stream');
    const status = statuses.shift() ?? 200;
    return {
      status,
      headers: { get: (name: string) => (name === 'retry-after' && status === 429 ? retryAfter : null) },
      text: async () => '',
    };
  };
  return { fetch, seen };
}

describe('the DocSpace fetch under the shared rate limit', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(async () => {
    await redis.quit();
  });
  const limiter = () => new SharedRateLimiter(redis, `${testPrefix('fetch')}:rate`, { initialPerSecond: 1_000 });
  const init = (body?: Init['body']): Init => ({
    method: 'POST',
    headers: {},
    timeoutMs: 1_000,
    ...(body === undefined ? {} : { body }),
  });

  it('sends a refused request again itself, so the caller sees the answer and the limiter hears of both', async () => {
    const rate = limiter();
    const v = vendor([429, 429]);
    const f = createVendorFetch({ vendor: 'docspace', metrics: new WorkerMetrics(), limiter: rate, fetch: v.fetch });
    const res = await f.fetch('http://docspace.test/api/2.0/files/rooms', init('{"title":"a"}'));
    expect(res.status).toBe(200);
    expect(v.seen).toEqual(['{"title":"a"}', '{"title":"a"}', '{"title":"a"}']);
    // The first refusal cut the rate; the second was booked under the new epoch and cut it again.
    expect((await rate.state())?.epoch).toBe(2);
  });

  it('hands the 429 to the caller once its retries are spent, when Retry-After is long, or when the body cannot be sent twice', async () => {
    const metrics = new WorkerMetrics();
    const spent = vendor([429, 429, 429]);
    const f1 = createVendorFetch({
      vendor: 'docspace',
      metrics,
      limiter: limiter(),
      fetch: spent.fetch,
      refusedRetries: 2,
    });
    expect((await f1.fetch('http://docspace.test/x', init())).status).toBe(429);
    expect(spent.seen).toHaveLength(3);

    const long = vendor([429], '60');
    const f2 = createVendorFetch({ vendor: 'docspace', metrics, limiter: limiter(), fetch: long.fetch });
    expect((await f2.fetch('http://docspace.test/x', init())).status).toBe(429);
    expect(long.seen).toHaveLength(1);

    const upload = vendor([429]);
    const f3 = createVendorFetch({ vendor: 'docspace', metrics, limiter: limiter(), fetch: upload.fetch });
    const stream = (async function* () {
      yield new Uint8Array([1]);
    })();
    expect((await f3.fetch('http://docspace.test/upload', init(stream))).status).toBe(429);
    expect(upload.seen).toEqual(['stream']);
  });

  it('leaves a vendor without a limiter to its caller: a 429 is returned as it came', async () => {
    const v = vendor([429]);
    const f = createVendorFetch({ vendor: 'zendesk', metrics: new WorkerMetrics(), fetch: v.fetch });
    expect((await f.fetch('http://zendesk.test/x', init())).status).toBe(429);
    expect(v.seen).toHaveLength(1);
  });
});
