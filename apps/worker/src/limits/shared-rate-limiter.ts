import type { RedisClient } from '@ticket-rooms/core';

/** Answered calls are counted in bins of this many ms, in a ring of RING bins. */
const BIN_MS = 100;
const RING = 16;
/** A cut looks at the calls answered in the last WINDOW whole bins. */
const WINDOW = 5;

/** `ARGV[1]` is the caller's clock in ms (tests inject one), or empty for Redis's own. */
const NOW = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local bin = math.floor(now / ${BIN_MS})
`;

/**
 * One request schedule shared through Redis by every worker process: GCRA with reservations on
 * one clock. Each call books the next free slot and is told how long to wait for it; nobody
 * polls. The state is one hash that expires ten minutes after it was last used.
 *
 * With the rate unknown the schedule learns it. Each reservation brings the calls its process
 * saw answered (not 429) since its last one, counted per 100 ms. The rate grows only while
 * callers queue for it (an idle limiter learns nothing): by `slowStartGrowth` per reservation
 * until the first 429, then by `growth`, doubled for every two seconds without a cut. A 429 cuts
 * the rate once per epoch. When the calls answered in the last half second kept up with the
 * schedule (and always at the end of slow start), the rate is set to `margin` times that
 * answered rate: with the portal's bucket empty that is the portal's own rate, so one cut lands
 * just under it however far slow start overshot. When under three quarters of what the schedule
 * allowed were answered, the calls were not sent (a stall, or too few jobs) and the refusal came
 * from a bunch of them, not from the rate: the rate is cut by `maxCut` only, and closes
 * `recovery` of the gap a second back to where it was before the stall.
 * With the rate known, growth and cut are off and a 429 only holds the schedule.
 *
 * Either way a cut restarts the schedule `holdSlots` slots from now: slots booked ahead at the
 * old rate are cancelled, and their callers (told through the epoch in every reply) book again.
 * A refusal of a request booked before the last cut says nothing about the schedule now.
 */
const RESERVE_SCRIPT = `${NOW}
local initial, maxRate, slowStart, growth = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local recovery, answered = tonumber(ARGV[6]), tonumber(ARGV[7])
local stampField, countField = 't' .. (bin % ${RING}), 'n' .. (bin % ${RING})
local s = redis.call('HMGET', KEYS[1], 'rate', 'tat', 'epoch', 'learnt', 'ceiling', stampField, 'cutAt')
local rate = tonumber(s[1]) or initial
local tat = tonumber(s[2]) or 0
local epoch = tonumber(s[3]) or 0
local queued = tat > now
if not queued then tat = now end
local wait = tat - now
tat = tat + 1000 / rate
if queued then
  if not s[4] then
    rate = rate + slowStart
  else
    local ceiling = tonumber(s[5]) or rate
    if rate < ceiling then rate = rate + recovery * (ceiling - rate) / rate end
    -- The probe doubles every two seconds without a cut: careful just after one, quick to find
    -- a budget that has grown (or one a stall made it undershoot).
    -- (The exponent is capped: hours without a cut would make it infinite, and 0 * inf NaN.)
    local since = now - (tonumber(s[7]) or now)
    rate = rate + math.min(slowStart, growth * 2 ^ math.min(since / 2000, 30))
  end
  if rate > maxRate then rate = maxRate end
end
redis.call('HSET', KEYS[1], 'rate', string.format('%.4f', rate), 'tat', string.format('%.3f', tat), 'epoch', epoch)
if answered > 0 then
  if tonumber(s[6]) == bin then
    redis.call('HINCRBY', KEYS[1], countField, answered)
  else
    redis.call('HSET', KEYS[1], stampField, bin, countField, answered)
  end
end
redis.call('PEXPIRE', KEYS[1], 600000)
return {math.ceil(wait), epoch}
`;

const REFUSED_SCRIPT = `${NOW}
local epoch, margin, minCut, maxCut = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local minRate, hold = tonumber(ARGV[6]), tonumber(ARGV[7])
local fields = {'rate', 'epoch'}
for i = 1, ${WINDOW} do
  fields[#fields + 1] = 't' .. ((bin - i) % ${RING})
  fields[#fields + 1] = 'n' .. ((bin - i) % ${RING})
end
fields[#fields + 1] = 'ceiling'
fields[#fields + 1] = 'learnt'
local s = redis.call('HMGET', KEYS[1], unpack(fields))
local current = tonumber(s[2]) or 0
if s[1] == false or current ~= epoch then return {0, current} end
local answered = 0
for i = 1, ${WINDOW} do
  if tonumber(s[1 + 2 * i]) == bin - i then answered = answered + (tonumber(s[2 + 2 * i]) or 0) end
end
local rate = tonumber(s[1])
local measured = answered * 1000 / (${WINDOW} * ${BIN_MS})
local cut, ceiling
if s[#fields] and measured < rate * 0.75 then
  -- Fewer calls answered than the schedule allowed: they were not sent (a stall, or too few jobs),
  -- so the refusal came from a bunch of them, not from the rate. A small cut, and back soon.
  -- The 429s of one stall come in a row, each under the epoch the last one began: the rate
  -- goes back to where it was before the first of them, not before the last.
  cut = math.max(minRate, rate * maxCut)
  ceiling = math.max(rate, tonumber(s[#fields - 1]) or 0)
else
  if not s[#fields] then
    -- The end of slow start: the rate was still climbing in the half second measured, so its
    -- last fifth says better what the portal answers now (too high costs a 429 and a second cut;
    -- too low, a slow climb).
    local last = tonumber(s[1 + 2 * 1]) == bin - 1 and (tonumber(s[2 + 2 * 1]) or 0) or 0
    measured = math.max(measured, last * 1000 / ${BIN_MS})
  end
  cut = math.max(minRate, rate * minCut, math.min(rate * maxCut, measured * margin))
  ceiling = cut
end
redis.call('HSET', KEYS[1], 'rate', string.format('%.4f', cut), 'epoch', epoch + 1, 'learnt', 1,
  'tat', string.format('%.3f', now + hold * 1000 / cut), 'ceiling', string.format('%.4f', ceiling), 'cutAt', now)
return {1, epoch + 1}
`;

type LimiterRedis = RedisClient & {
  ticketRoomsRateReserve(key: string, ...args: string[]): Promise<[number, number]>;
  ticketRoomsRateRefused(key: string, ...args: string[]): Promise<[number, number]>;
};

export interface RateOptions {
  /** Requests per second before anything is learnt. */
  initialPerSecond?: number;
  minPerSecond?: number;
  maxPerSecond?: number;
  /** Requests a second added per reservation that had to queue, before the first 429 ... */
  slowStartGrowth?: number;
  /**
   * ... and after it (0.01: about 1 % a second while the queue is full), doubled for every two
   * seconds since the last cut (at most `slowStartGrowth`).
   */
  growth?: number;
  /** Share of the gap the rate closes a second after a cut that came from a bunch of calls. */
  recovery?: number;
  /** A cut sets the rate to this times the rate answered in the last half second ... */
  margin?: number;
  /** ... but to no less than this times the rate (say, when no answers were reported) ... */
  minCut?: number;
  /** ... and to no more than this times it: a 429 always slows the schedule down. */
  maxCut?: number;
  /** After a cut, the schedule starts again this many slots (at the new rate) from now. */
  holdSlots?: number;
  /** Milliseconds since some fixed point; Redis's clock when unset. */
  clock?: () => number;
}

/**
 * A known rate: never grows, and a 429 (a bunch of calls that reached the portal together, or
 * someone else spending the same budget) holds the schedule for five slots, so the portal's
 * bucket gets a few tokens back instead of staying empty, where any jitter is another 429.
 */
export function knownRate(perSecond: number): RateOptions {
  if (!(perSecond > 0)) throw new RangeError('perSecond must be above 0');
  return {
    initialPerSecond: perSecond,
    maxPerSecond: perSecond,
    minPerSecond: perSecond,
    slowStartGrowth: 0,
    growth: 0,
    minCut: 1,
    maxCut: 1,
    holdSlots: 5,
  };
}

export interface RatePermit {
  waitMs: number;
  epoch: number;
}

export interface RateState {
  perSecond: number;
  epoch: number;
  learnt: boolean;
}

/** A request rate shared by every process that uses the same Redis key, learnt unless given. */
export class SharedRateLimiter {
  private readonly redis: LimiterRedis;
  private readonly reserveArgs: string[];
  private readonly refusedArgs: string[];
  private readonly clock: (() => number) | undefined;
  /** Answered calls not yet reported; the next reservation carries them. */
  private unreported = 0;
  /** The newest epoch this process has heard of, and the callers asleep on slots of older ones. */
  private epoch = 0;
  private readonly sleepers = new Set<{ epoch: number; wake: () => void }>();

  constructor(
    redis: RedisClient,
    private readonly key: string,
    opts: RateOptions = {},
  ) {
    if (!('ticketRoomsRateReserve' in redis)) {
      redis.defineCommand('ticketRoomsRateReserve', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
      redis.defineCommand('ticketRoomsRateRefused', { numberOfKeys: 1, lua: REFUSED_SCRIPT });
    }
    this.redis = redis as LimiterRedis;
    this.clock = opts.clock;
    this.reserveArgs = [
      String(opts.initialPerSecond ?? 20),
      String(opts.maxPerSecond ?? 10_000),
      String(opts.slowStartGrowth ?? 1),
      String(opts.growth ?? 0.01),
      String(opts.recovery ?? 1),
    ];
    this.refusedArgs = [
      String(opts.margin ?? 0.97),
      String(opts.minCut ?? 0.5),
      String(opts.maxCut ?? 0.97),
      String(opts.minPerSecond ?? 1),
      String(opts.holdSlots ?? 1),
    ];
  }

  private now(): string {
    return this.clock ? this.clock().toFixed(3) : '';
  }

  /**
   * Any reply may bring news of a cut; callers asleep on older slots then book again at once. An
   * epoch lower than the last one heard means the schedule itself is new (its key expired after
   * ten quiet minutes, or Redis lost it): it is taken as it is. Replies on one connection come in
   * the order Redis ran them, and Redis only ever raises the epoch of a schedule it keeps.
   */
  private heard(epoch: number): void {
    if (epoch < this.epoch) {
      this.epoch = epoch;
      return;
    }
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    for (const sleeper of this.sleepers) {
      if (sleeper.epoch < epoch) sleeper.wake();
    }
  }

  /** Books the next slot without waiting for it. */
  async reserve(): Promise<RatePermit> {
    const answered = this.unreported;
    this.unreported = 0;
    let reply: [number, number];
    try {
      reply = await this.redis.ticketRoomsRateReserve(this.key, this.now(), ...this.reserveArgs, String(answered));
    } catch (err) {
      this.unreported += answered;
      throw err;
    }
    const [waitMs, epoch] = reply;
    this.heard(epoch);
    return { waitMs: Math.max(0, waitMs), epoch };
  }

  /** Resolves when this caller may send its request, with the permit to report its answer with. */
  async acquire(): Promise<RatePermit> {
    for (;;) {
      // The wait is counted from when the slot was asked for, so a slow reply is not added to it.
      const asked = performance.now();
      const permit = await this.reserve();
      // A cut moved the schedule back to now: a caller that kept its cancelled slot would go
      // beside the callers booked after the cut, over the rate. Each cut wakes a caller once.
      if (!(await this.sleep(asked + permit.waitMs, permit.epoch))) return permit;
    }
  }

  /** Sleeps until `until` (on `performance.now()`); true when a cut cancelled the slot first. */
  private sleep(until: number, epoch: number): Promise<boolean> {
    if (epoch < this.epoch) return Promise.resolve(true);
    const ms = until - performance.now();
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const sleeper = {
        epoch,
        wake: () => {
          clearTimeout(timer);
          this.sleepers.delete(sleeper);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.sleepers.delete(sleeper);
        resolve(false);
      }, ms);
      this.sleepers.add(sleeper);
    });
  }

  /** The vendor answered a request (anything but a 429); the next reservation reports it. */
  answered(): void {
    this.unreported += 1;
  }

  /** The vendor refused a request sent on `permit`: whether that cut the rate (or held it). */
  async refused(permit: unknown): Promise<boolean> {
    const epoch = (permit as Partial<RatePermit> | undefined)?.epoch;
    if (epoch === undefined) return false;
    const [cut, current] = await this.redis.ticketRoomsRateRefused(
      this.key,
      this.now(),
      String(epoch),
      ...this.refusedArgs,
    );
    this.heard(current);
    return cut === 1;
  }

  /** What the limiter has learnt so far (for metrics, tests and benchmarks). */
  async state(): Promise<RateState | undefined> {
    const [rate, epoch, learnt] = await this.redis.hmget(this.key, 'rate', 'epoch', 'learnt');
    if (rate === null) return undefined;
    return { perSecond: Number(rate), epoch: Number(epoch), learnt: learnt !== null };
  }
}
