import type { RedisClient } from '@ticket-rooms/core';

/**
 * GCRA with reservations, on Redis's clock so every worker process shares one schedule. Each call
 * books the next free slot and returns how long to wait for it; callers never poll. The key
 * expires soon after the last booked slot, so an idle limiter leaves nothing behind.
 */
const RESERVE_SCRIPT = `
local interval = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return math.ceil(tat - now)
`;

type LimiterRedis = RedisClient & { ticketRoomsReserveSlot(key: string, intervalMs: string): Promise<number> };

/** A request rate shared by every process that uses the same Redis key. */
export class SharedRateLimiter {
  private readonly redis: LimiterRedis;
  private readonly intervalMs: number;

  constructor(
    redis: RedisClient,
    private readonly key: string,
    requestsPerSecond: number,
  ) {
    if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be above 0');
    if (!('ticketRoomsReserveSlot' in redis)) {
      redis.defineCommand('ticketRoomsReserveSlot', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
    }
    this.redis = redis as LimiterRedis;
    this.intervalMs = 1000 / requestsPerSecond;
  }

  /** Resolves when this caller may send its request, with how long its slot made it wait (ms). */
  async acquire(): Promise<number> {
    const waitMs = await this.redis.ticketRoomsReserveSlot(this.key, this.intervalMs.toFixed(3));
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return Math.max(0, waitMs);
  }
}
