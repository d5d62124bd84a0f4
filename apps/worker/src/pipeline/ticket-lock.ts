import type { Logger, RedisClient } from '@ticket-rooms/core';

const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type LockRedis = RedisClient & {
  ticketRoomsLockAcquire(key: string, holder: string, ttlMs: string): Promise<number>;
  ticketRoomsLockRenew(key: string, holder: string, ttlMs: string): Promise<number>;
  ticketRoomsLockRelease(key: string, holder: string): Promise<number>;
};

export interface HeldTicket {
  /** Gives the ticket back (only if this holder still has it). */
  release(): Promise<void>;
}

/**
 * One job of a ticket at a time on the rooms queue, across every worker: a lock in Redis per
 * ticket, held by a job id, kept alive while the job runs and expiring on its own when a worker
 * dies. BullMQ's own locks are per job; two jobs of one ticket (a creation and a status change,
 * say) would otherwise run side by side and race on the same room.
 */
export class TicketLocks {
  private readonly redis: LockRedis;
  /** Tickets held by jobs of this process, by job id, until the job is finished. */
  private readonly held = new Map<string, HeldTicket>();

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
    /** How long a lock outlives its last renewal: a dead worker's ticket waits at most this long. */
    private readonly ttlMs: number,
    private readonly logger?: Logger,
  ) {
    if (!('ticketRoomsLockAcquire' in redis)) {
      redis.defineCommand('ticketRoomsLockAcquire', { numberOfKeys: 1, lua: ACQUIRE });
      redis.defineCommand('ticketRoomsLockRenew', { numberOfKeys: 1, lua: RENEW });
      redis.defineCommand('ticketRoomsLockRelease', { numberOfKeys: 1, lua: RELEASE });
    }
    this.redis = redis as LockRedis;
  }

  keyOf(ticketKey: string): string {
    return `${this.prefix}:ticket-lock:${ticketKey}`;
  }

  /**
   * Gives back the ticket a job holds, if any. Called once BullMQ has finished the job (its
   * `completed` and `failed` events), so the next job of the ticket starts after the last one
   * is recorded as finished, and when a job goes back to the queue unfinished.
   */
  async release(holder: string): Promise<void> {
    const ticket = this.held.get(holder);
    this.held.delete(holder);
    if (!ticket) return;
    // Logged before the lock goes, so a reader of the log never sees the next holder first.
    this.logger?.debug({ jobId: holder, ticketLock: 'released' }, `job ${holder} gives its ticket back`);
    await ticket.release().catch(() => {});
  }

  /** Gives back every ticket this process holds (shutdown). */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.held.keys()].map((holder) => this.release(holder)));
  }

  /** The ticket for `holder` (a job id), or `undefined` while another job has it. */
  async acquire(ticketKey: string, holder: string): Promise<HeldTicket | undefined> {
    const existing = this.held.get(holder);
    if (existing) return existing;
    const key = this.keyOf(ticketKey);
    const ttl = String(this.ttlMs);
    if ((await this.redis.ticketRoomsLockAcquire(key, holder, ttl)) !== 1) return undefined;
    // Renewed well within its lifetime; a renewal that finds the lock gone stops renewing.
    const timer = setInterval(
      () => {
        this.redis.ticketRoomsLockRenew(key, holder, ttl).then(
          (held) => {
            if (held !== 1) clearInterval(timer);
          },
          () => {},
        );
      },
      Math.max(100, Math.floor(this.ttlMs / 3)),
    );
    timer.unref();
    const ticket: HeldTicket = {
      release: async () => {
        clearInterval(timer);
        await this.redis.ticketRoomsLockRelease(key, holder);
      },
    };
    this.held.set(holder, ticket);
    this.logger?.debug({ jobId: holder, ticket: ticketKey, ticketLock: 'held' }, `job ${holder} holds its ticket`);
    return ticket;
  }
}
