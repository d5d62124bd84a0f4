import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { knownRate, type RateOptions, SharedRateLimiter } from './shared-rate-limiter';

/**
 * The schedule's decisions on a real Redis, on a clock the test moves: every figure is exact, and
 * nothing depends on how fast this machine is.
 */
describe('the shared DocSpace rate limit', () => {
  // Two connections stand for two worker processes on the same Redis.
  const a = new Redis(testRedisUrl());
  const b = new Redis(testRedisUrl());
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });

  /** Two processes' limiters on one key, and the clock they share (ms). */
  function pair(opts: RateOptions = {}) {
    const clock = { now: 1_000_000 };
    const key = `${testPrefix('rate')}:docspace-rate`;
    const options = { ...opts, clock: () => clock.now };
    return { clock, key, one: new SharedRateLimiter(a, key, options), two: new SharedRateLimiter(b, key, options) };
  }

  /** `n` answered calls reported by `limiter`, carried by its next reservation. */
  function answer(limiter: SharedRateLimiter, n: number) {
    for (let i = 0; i < n; i++) limiter.answered();
  }

  it('takes a new schedule when the old one expired after a cut, instead of waking its callers for ever', async () => {
    const { key, one } = pair(knownRate(100));
    const first = await one.reserve();
    expect(await one.refused(first)).toBe(true);
    expect((await one.reserve()).epoch).toBe(1);
    // Ten quiet minutes (or a Redis that lost it): the key is gone, and the epoch starts at 0.
    await a.del(key);
    const permit = await Promise.race([
      one.acquire(),
      new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 2_000)),
    ]);
    expect(permit).toEqual({ waitMs: 0, epoch: 0 });
  });

  describe('with the rate known', () => {
    it('gives every process its slot on one schedule at that rate', async () => {
      const { one, two } = pair(knownRate(50));
      const waits: number[] = [];
      for (let i = 0; i < 6; i++) waits.push((await (i % 2 ? two : one).reserve()).waitMs);
      expect(waits).toEqual([0, 20, 40, 60, 80, 100]);
    });

    it('lets a caller go at once once the schedule has passed, and leaves nothing for long', async () => {
      const { clock, key, one } = pair(knownRate(50));
      await one.reserve();
      await one.reserve();
      clock.now += 1_000;
      expect((await one.reserve()).waitMs).toBe(0);
      const ttl = await a.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600_000);
    });

    it('never changes its rate, but a 429 cancels the slots booked ahead and holds the schedule five slots', async () => {
      const { clock, one, two } = pair(knownRate(100));
      const permits = [];
      for (let i = 0; i < 20; i++) permits.push(await one.reserve());
      // The 20th waits 190 ms; refused at +5 ms, the schedule restarts 5 slots (50 ms) from then.
      clock.now += 5;
      expect(await two.refused(permits[0])).toBe(true);
      expect(await two.refused(permits[1])).toBe(false);
      expect(await one.reserve()).toEqual({ waitMs: 50, epoch: 1 });
      expect((await one.state())?.perSecond).toBe(100);
    });
  });

  describe('with the rate learnt', () => {
    it('grows in slow start by one request a second per caller that queued, and not while nobody queues', async () => {
      const { clock, one } = pair({ initialPerSecond: 20 });
      await one.reserve();
      expect((await one.state())?.perSecond).toBe(20);
      for (let i = 0; i < 10; i++) await one.reserve();
      expect(await one.state()).toEqual({ perSecond: 30, epoch: 0, learnt: false });
      clock.now += 10_000;
      await one.reserve();
      expect((await one.state())?.perSecond).toBe(30);
    });

    it('cuts once per epoch to just under the rate answered in the last half second, whoever saw the 429', async () => {
      const { clock, one, two } = pair({ initialPerSecond: 100, margin: 0.9 });
      // 40 calls answered over the last half second, reported by both processes: 80 a second.
      for (let i = 0; i < 5; i++) {
        answer(i % 2 ? two : one, 8);
        await (i % 2 ? two : one).reserve();
        clock.now += 100;
      }
      const p1 = await one.reserve();
      const p2 = await two.reserve();
      expect(await two.refused(p1)).toBe(true);
      // Booked before the cut: says nothing about the new rate.
      expect(await one.refused(p2)).toBe(false);
      const state = await one.state();
      expect(state?.epoch).toBe(1);
      expect(state?.learnt).toBe(true);
      expect(state?.perSecond).toBeCloseTo(72, 3);
    });

    it('never cuts by more than half, nor below its floor, nor less than a little', async () => {
      // Nothing answered: half the rate (the classic halving) ...
      const halved = pair({ initialPerSecond: 100 });
      await halved.one.refused(await halved.one.reserve());
      expect((await halved.one.state())?.perSecond).toBe(50);
      // ... never below the floor ...
      const floor = pair({ initialPerSecond: 4, minPerSecond: 3 });
      await floor.one.refused(await floor.one.reserve());
      expect((await floor.one.state())?.perSecond).toBe(3);
      // ... and a 429 with more answered than the rate still slows down by maxCut.
      const busy = pair({ initialPerSecond: 10, maxCut: 0.9 });
      answer(busy.one, 100);
      await busy.one.reserve();
      busy.clock.now += 100;
      await busy.one.refused(await busy.one.reserve());
      expect((await busy.one.state())?.perSecond).toBeCloseTo(9, 3);
    });

    it('cancels the slots booked at the old rate: the next caller is booked one slot from now', async () => {
      const { clock, one } = pair({ initialPerSecond: 100, slowStartGrowth: 0 });
      const permits = [];
      for (let i = 0; i < 30; i++) permits.push(await one.reserve());
      expect(permits.at(-1)?.waitMs).toBe(290);
      clock.now += 10;
      await one.refused(permits[0]);
      // Halved to 50 a second (nothing answered): one slot is 20 ms, not behind the old 300 ms.
      expect(await one.reserve()).toEqual({ waitMs: 20, epoch: 1 });
    });

    it('probes slowly after a cut that measured the rate, and climbs back within seconds after one that could not', async () => {
      const { clock, one } = pair({ initialPerSecond: 100, margin: 0.8, maxCut: 0.9, growth: 0.01, recovery: 1 });
      // Slow start ends: 100 a second answered, cut to 80.
      for (let i = 0; i < 5; i++) {
        answer(one, 10);
        await one.reserve();
        clock.now += 100;
      }
      await one.refused(await one.reserve());
      expect((await one.state())?.perSecond).toBeCloseTo(80, 3);
      // 80 a second answered, the rate the schedule allowed: cut to 64, and only `growth` after.
      for (let i = 0; i < 5; i++) {
        answer(one, 8);
        await one.reserve();
        clock.now += 100;
      }
      await one.refused(await one.reserve());
      expect((await one.state())?.perSecond).toBeCloseTo(64, 3);
      for (let i = 0; i < 100; i++) await one.reserve();
      expect((await one.state())?.perSecond).toBeCloseTo(65, 1);
      // A stall: a tenth of that answered. Cut by maxCut only, then most of the gap back in a
      // second of queued callers (about 58 of them).
      clock.now += 2_000;
      answer(one, 3);
      await one.reserve();
      clock.now += 100;
      await one.refused(await one.reserve());
      const cut = (await one.state())?.perSecond ?? 0;
      expect(cut).toBeCloseTo(65 * 0.9, 0);
      for (let i = 0; i < 58; i++) await one.reserve();
      const recovered = (await one.state())?.perSecond ?? 0;
      expect(recovered).toBeGreaterThan(cut + 3);
      expect(recovered).toBeLessThan(66);
    });

    it('wakes a caller asleep on a slot a cut cancelled, and books it again at the new rate', async () => {
      const { clock, one } = pair({ initialPerSecond: 1, slowStartGrowth: 0, holdSlots: 0 });
      const first = await one.reserve();
      // The next slot is a second away; a cut (with no hold here) must not leave it waiting for it.
      const waiting = one.acquire();
      await new Promise((resolve) => setImmediate(resolve));
      clock.now += 1;
      await one.refused(first);
      const permit = await waiting;
      expect(permit.epoch).toBe(1);
    });

    it('wakes a caller again at every cut, so it never keeps a cancelled slot beside the callers booked after one', async () => {
      const { one } = pair({ initialPerSecond: 1, minPerSecond: 1, slowStartGrowth: 0 });
      let permit = await one.reserve();
      // A second away on the limiter's clock, which stands still: only a cut can wake it early.
      const waiting = one.acquire();
      for (let cuts = 1; cuts <= 5; cuts++) {
        expect(await one.refused(permit)).toBe(true);
        if (cuts < 5) permit = await one.reserve();
      }
      // Woken by each of the five cuts, it holds a slot of the last epoch.
      expect((await waiting).epoch).toBe(5);
    });
  });
});
