import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../src/token-bucket';

describe('the token bucket behind the simulated portal budget', () => {
  it('grants the burst at once, then one request per token earned', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    // Empty: the next token comes in 100 ms at 10 a second.
    expect(bucket.take()).toBe(100);
    now += 50;
    expect(bucket.take()).toBe(50);
    now += 50;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
  });

  it('saves up no more than the burst however long it sits idle', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 5, () => now);
    for (let i = 0; i < 5; i++) bucket.take();
    now += 60_000;
    const granted = Array.from({ length: 8 }, () => bucket.take()).filter((wait) => wait === 0).length;
    expect(granted).toBe(5);
  });

  it('grants exactly perSecond requests a second on average under a steady overload', () => {
    let now = 0;
    const bucket = new TokenBucket(50, 10, () => now);
    let granted = 0;
    // 200 requests a second offered for 10 simulated seconds.
    for (let i = 0; i < 2_000; i++) {
      if (bucket.take() === 0) granted += 1;
      now += 5;
    }
    expect(granted).toBeGreaterThanOrEqual(500);
    expect(granted).toBeLessThanOrEqual(510);
  });
});
