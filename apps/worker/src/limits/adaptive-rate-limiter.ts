import type { RedisClient } from '@ticket-rooms/core';

/**
 * A request rate learnt from the vendor's 429s, shared through Redis by every worker process.
 *
 * Reservations are GCRA slots on Redis's clock, as in `SharedRateLimiter`, at the learnt rate.
 * The rate grows only while callers queue behind it (an idle limiter learns nothing): by half a
 * request a second per reservation until the first 429 (slow start, about 1.5 times a
 * second), then by `growth` of a request per reservation (about 2 % a second). A 429 cuts it
 * once per epoch: the permit names the epoch its slot was booked in, and a refusal of a request
 * booked before the last cut says nothing about the rate now, so it changes nothing.
 */
const RESERVE_SCRIPT = `
local initial, maxRate, growth = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local s = redis.call('HMGET', KEYS[1], 'rate', 'tat', 'epoch', 'learnt')
local rate = tonumber(s[1]) or initial
local tat = tonumber(s[2]) or 0
local epoch = tonumber(s[3]) or 0
local queued = tat > now
if not queued then tat = now end
local wait = tat - now
tat = tat + 1000 / rate
if queued then
  if s[4] then rate = rate + growth else rate = rate + 0.5 end
  if rate > maxRate then rate = maxRate end
end
redis.call('HSET', KEYS[1], 'rate', string.format('%.4f', rate), 'tat', string.format('%.3f', tat), 'epoch', epoch)
redis.call('PEXPIRE', KEYS[1], 600000)
return {math.ceil(wait), epoch}
`;

const REFUSED_SCRIPT = `
local epoch, cut, firstCut, minRate = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local s = redis.call('HMGET', KEYS[1], 'rate', 'epoch', 'learnt')
if s[1] == false or tonumber(s[2]) ~= epoch then return 0 end
local factor = cut
if not s[3] then factor = firstCut end
local rate = math.max(minRate, tonumber(s[1]) * factor)
redis.call('HSET', KEYS[1], 'rate', string.format('%.4f', rate), 'epoch', epoch + 1, 'learnt', 1)
return 1
`;

type AdaptiveRedis = RedisClient & {
  ticketRoomsAdaptiveReserve(key: string, ...args: string[]): Promise<[number, number]>;
  ticketRoomsAdaptiveRefused(key: string, ...args: string[]): Promise<number>;
};

export interface AdaptiveRateOptions {
  /** Requests per second before anything is learnt. */
  initialPerSecond?: number;
  minPerSecond?: number;
  maxPerSecond?: number;
  /** Requests a second added per reservation that had to queue, once a 429 has been seen. */
  growth?: number;
  /** The rate is multiplied by this on a 429 ... */
  cut?: number;
  /** ... and by this on the first one (the end of slow start overshoots further). */
  firstCut?: number;
}

export interface AdaptivePermit {
  waitMs: number;
  epoch: number;
}

export interface AdaptiveState {
  perSecond: number;
  epoch: number;
  learnt: boolean;
}

export class AdaptiveRateLimiter {
  private readonly redis: AdaptiveRedis;
  private readonly reserveArgs: string[];
  private readonly refusedArgs: (epoch: number) => string[];

  constructor(
    redis: RedisClient,
    private readonly key: string,
    opts: AdaptiveRateOptions = {},
  ) {
    if (!('ticketRoomsAdaptiveReserve' in redis)) {
      redis.defineCommand('ticketRoomsAdaptiveReserve', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
      redis.defineCommand('ticketRoomsAdaptiveRefused', { numberOfKeys: 1, lua: REFUSED_SCRIPT });
    }
    this.redis = redis as AdaptiveRedis;
    const min = opts.minPerSecond ?? 1;
    this.reserveArgs = [
      String(opts.initialPerSecond ?? 20),
      String(opts.maxPerSecond ?? 10_000),
      String(opts.growth ?? 0.02),
    ];
    const cut = String(opts.cut ?? 0.85);
    const firstCut = String(opts.firstCut ?? 0.7);
    this.refusedArgs = (epoch) => [String(epoch), cut, firstCut, String(min)];
  }

  /** Resolves when this caller may send its request, with the permit to report a 429 with. */
  async acquire(): Promise<AdaptivePermit> {
    const [waitMs, epoch] = await this.redis.ticketRoomsAdaptiveReserve(this.key, ...this.reserveArgs);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return { waitMs: Math.max(0, waitMs), epoch };
  }

  /** The vendor refused a request sent on `permit`: whether that cut the rate. */
  async refused(permit: unknown): Promise<boolean> {
    const epoch = (permit as Partial<AdaptivePermit> | undefined)?.epoch;
    if (epoch === undefined) return false;
    return (await this.redis.ticketRoomsAdaptiveRefused(this.key, ...this.refusedArgs(epoch))) === 1;
  }

  /** What the limiter has learnt so far (for metrics, tests and benchmarks). */
  async state(): Promise<AdaptiveState | undefined> {
    const [rate, epoch, learnt] = await this.redis.hmget(this.key, 'rate', 'epoch', 'learnt');
    if (rate === null) return undefined;
    return { perSecond: Number(rate), epoch: Number(epoch), learnt: learnt !== null };
  }
}
