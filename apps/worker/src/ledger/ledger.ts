import { ledgerKey, type RedisClient, type TicketRef, ticketKey } from '@ticket-rooms/core';
import { decodeEntry, encodeUpdate, FIELDS, stageField } from './codec';
import { type LedgerEntry, type LedgerUpdate, STAGES, type TicketState } from './entry';

/**
 * Writes the fields of one update and recomputes the ticket's overall state in the same script,
 * so the rooms queue and a notes queue checkpointing the same ticket at once never leave a stale
 * `state` behind. The identity fields are set once, on the first write.
 *
 * Given a job's keys too (KEYS[2..5]), the same script appends the stage's line to the job's log
 * and sets the job's progress, exactly as BullMQ's own `addLog` and `updateProgress` scripts do
 * (with the key names BullMQ's queue reports): a checkpoint, its log line and the next stage's
 * progress cost one round trip and one script instead of three.
 *
 * ARGV: key, source, tenant, ticketId, createdAt, #set, #del, jobId, logRow, keepLogs, progress,
 * then the fields to set (name, value, …), then the fields to delete.
 */
const WRITE_SCRIPT = `
local k = KEYS[1]
if redis.call('HSETNX', k, '${FIELDS.key}', ARGV[1]) == 1 then
  redis.call('HSET', k, '${FIELDS.source}', ARGV[2], '${FIELDS.tenant}', ARGV[3], '${FIELDS.ticketId}', ARGV[4], '${FIELDS.createdAt}', ARGV[5])
end
local nset = tonumber(ARGV[6])
local ndel = tonumber(ARGV[7])
if nset > 0 then redis.call('HSET', k, unpack(ARGV, 12, 11 + nset)) end
if ndel > 0 then redis.call('HDEL', k, unpack(ARGV, 12 + nset, 11 + nset + ndel)) end
local states = redis.call('HMGET', k, ${STAGES.map((s) => `'${stageField(s)}'`).join(', ')})
local state = 'done'
for _, s in ipairs(states) do
  if s == 'failed' then state = 'failed' break end
  if s ~= 'done' and s ~= 'skipped' then state = 'in-progress' end
end
redis.call('HSET', k, '${FIELDS.state}', state)
if #KEYS == 5 and redis.call('EXISTS', KEYS[2]) == 1 then
  if ARGV[9] ~= '' then
    redis.call('RPUSH', KEYS[3], ARGV[9])
    if ARGV[10] ~= '' then redis.call('LTRIM', KEYS[3], -tonumber(ARGV[10]), -1) end
  end
  if ARGV[11] ~= '' then
    local maxEvents = redis.call('HGET', KEYS[5], 'opts.maxLenEvents') or 10000
    redis.call('HSET', KEYS[2], 'progress', ARGV[11])
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', maxEvents, '*', 'event', 'progress', 'jobId', ARGV[8], 'data', ARGV[11])
  end
end
return state
`;

/** The job a checkpoint belongs to: its log line and, when the job goes on, its next progress. */
export interface CheckpointTrail {
  /** BullMQ's key names for the job, from its queue (`queue.toKey(id)`, `queue.keys`). */
  keys: { job: string; events: string; meta: string };
  jobId: string;
  log?: string;
  /** `job.opts.keepLogs`. */
  keepLogs?: number;
  progress?: object;
}

type LedgerRedis = RedisClient & {
  ticketRoomsLedgerWrite(numKeys: number, ...keysAndArgs: string[]): Promise<string>;
};

/**
 * The ticket ledger: one Redis hash per ticket, written after every stage. It is the pipeline's
 * checkpoint store and has no expiry, so it outlives job retention: a duplicate delivery months
 * later, or a later lifecycle event, still finds the room through it.
 */
export class Ledger {
  private readonly redis: LedgerRedis;
  /** Ticket keys hash their triple; a job asks for the same ticket's key at every stage. */
  private readonly keys = new WeakMap<TicketRef, string>();

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (!('ticketRoomsLedgerWrite' in redis)) {
      redis.defineCommand('ticketRoomsLedgerWrite', { lua: WRITE_SCRIPT });
    }
    this.redis = redis as LedgerRedis;
  }

  keyOf(ref: TicketRef): string {
    return ledgerKey(this.prefix, this.ticketKeyOf(ref));
  }

  private ticketKeyOf(ref: TicketRef): string {
    let key = this.keys.get(ref);
    if (key === undefined) {
      key = ticketKey(ref);
      this.keys.set(ref, key);
    }
    return key;
  }

  async read(ref: TicketRef): Promise<LedgerEntry | undefined> {
    return decodeEntry(await this.redis.hgetall(this.keyOf(ref)));
  }

  /**
   * Applies one stage's result and returns the ticket's overall state afterwards. With a trail,
   * the job's log line and progress are written by the same script (skipped if the job is gone).
   */
  async write(ref: TicketRef, update: LedgerUpdate, trail?: CheckpointTrail): Promise<TicketState> {
    const now = this.now();
    const { set, del } = encodeUpdate(update, now);
    const keys = trail
      ? [this.keyOf(ref), trail.keys.job, `${trail.keys.job}:logs`, trail.keys.events, trail.keys.meta]
      : [this.keyOf(ref)];
    const state = await this.redis.ticketRoomsLedgerWrite(
      keys.length,
      ...keys,
      this.ticketKeyOf(ref),
      ref.source,
      ref.tenant,
      ref.ticketId,
      now.toISOString(),
      String(set.length),
      String(del.length),
      trail?.jobId ?? '',
      trail?.log ?? '',
      // As BullMQ's addLog: no trimming unless a positive count is set (LTRIM refuses `-0`).
      trail?.keepLogs !== undefined && trail.keepLogs > 0 ? String(trail.keepLogs) : '',
      trail?.progress === undefined ? '' : JSON.stringify(trail.progress),
      ...set,
      ...del,
    );
    return state as TicketState;
  }
}
