import {
  ledgerKey,
  prepareDesiredState,
  type RedisClient,
  recordAndRead,
  type TicketEvent,
  type TicketRef,
  ticketKey,
} from '@ticket-rooms/core';
import type { Pipeline } from '../pipeline/pipelines';
import { type CheckpointTrail, TRAIL_ARGS, trailArgs, trailKeys, trailLua } from './bullmq-trail';
import { decodeEntry, encodeUpdate, FIELDS, reasonField, stageField } from './codec';
import { DEFAULT_SCOPE, type LedgerEntry, type LedgerUpdate, type TicketState } from './entry';

export type { CheckpointTrail } from './bullmq-trail';

/**
 * Writes the fields of one update and recomputes the ticket's overall state from the stages of
 * the writer's pipeline in the same script, so the rooms queue and a notes queue checkpointing
 * the same ticket at once never leave a stale `state` behind. The identity fields are set once,
 * on the first write. Given a job's keys too (KEYS[2..5]), the same script writes the job's log
 * line and progress (see `bullmq-trail.ts`).
 *
 * ARGV: key, source, tenant, ticketId, createdAt, #set, #del, #scope, then the trail's six
 * (jobId, log lines, keepLogs, progress, lock token, lock duration), then the fields to set
 * (name, value, …), the fields to delete, and the stage-state fields of the pipeline that decides
 * the ticket's state (`?` before a reconciling stage's: it counts only once it has acted).
 * Returns the state and whether the job's lock is still ours (see `trailLua`).
 */
const WRITE_SCRIPT = `
local k = KEYS[1]
local F = ${9 + TRAIL_ARGS}
if redis.call('HSETNX', k, '${FIELDS.key}', ARGV[1]) == 1 then
  redis.call('HSET', k, '${FIELDS.source}', ARGV[2], '${FIELDS.tenant}', ARGV[3], '${FIELDS.ticketId}', ARGV[4], '${FIELDS.createdAt}', ARGV[5])
end
local nset = tonumber(ARGV[6])
local ndel = tonumber(ARGV[7])
local nscope = tonumber(ARGV[8])
if nset > 0 then redis.call('HSET', k, unpack(ARGV, F, F - 1 + nset)) end
if ndel > 0 then redis.call('HDEL', k, unpack(ARGV, F + nset, F - 1 + nset + ndel)) end
local state = 'done'
for i = F + nset + ndel, F - 1 + nset + ndel + nscope do
  local field = ARGV[i]
  local optional = string.sub(field, 1, 1) == '?'
  if optional then field = string.sub(field, 2) end
  local s = redis.call('HGET', k, field)
  if s == 'failed' then state = 'failed' break end
  if not (optional and not s) and s ~= 'done' and s ~= 'skipped' then state = 'in-progress' end
end
redis.call('HSET', k, '${FIELDS.state}', state)
${trailLua(2, 9)}
return {state, owned}
`;

/** The job's trail alone (progress, log, lock), for a stage's start: KEYS and ARGV as `trailLua` reads them. */
const TRAIL_SCRIPT = `
${trailLua(1, 1)}
return owned
`;

type LedgerRedis = RedisClient & {
  ticketRoomsLedgerWrite(numKeys: number, ...keysAndArgs: string[]): Promise<[string, number]>;
  ticketRoomsJobTrail(numKeys: number, ...keysAndArgs: string[]): Promise<number>;
};

/**
 * The ticket ledger: one Redis hash per ticket, written after every stage. It is the pipelines'
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
      redis.defineCommand('ticketRoomsJobTrail', { lua: TRAIL_SCRIPT });
    }
    prepareDesiredState(redis);
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

  /**
   * The ticket's entry, each stage result checked by its schema; `undefined` when the ticket has
   * no ledger. Throws `LedgerCorruptError` (naming the field) when the hash does not read back.
   */
  async read(ref: TicketRef): Promise<LedgerEntry | undefined> {
    return decodeEntry(await this.redis.hgetall(this.keyOf(ref)));
  }

  /**
   * Records what the event says the ticket is now (each changed field, if newer than the ledger's),
   * then reads the entry back, in one round trip: how a job starts. An event that changes nothing
   * is a plain read.
   */
  async observe(event: TicketEvent): Promise<LedgerEntry | undefined> {
    if (!event.changed?.length) return this.read(event);
    return decodeEntry(await recordAndRead(this.redis, this.prefix, event));
  }

  /**
   * Applies one stage's result and returns the ticket's overall state afterwards, judged by the
   * stages of `pipeline`. With a trail, the job's log line and progress are written by the same
   * script (skipped if the job is gone).
   */
  async write(
    ref: TicketRef,
    update: LedgerUpdate,
    trail?: CheckpointTrail,
    pipeline: Pipeline = DEFAULT_SCOPE,
  ): Promise<TicketState> {
    return (await this.checkpoint(ref, [update], trail, pipeline)).state;
  }

  /**
   * Applies the results of one or more stages in one script, with the job's trail; `owned` is
   * whether the job's lock was still this worker's (and is renewed), when the trail asks.
   */
  async checkpoint(
    ref: TicketRef,
    updates: readonly LedgerUpdate[],
    trail?: CheckpointTrail,
    pipeline: Pipeline = DEFAULT_SCOPE,
  ): Promise<{ state: TicketState; owned: boolean | undefined }> {
    const now = this.now();
    // Field by field, a later update wins over an earlier one (null: delete the field).
    const fields = new Map<string, string | null>();
    for (const update of updates) {
      const encoded = encodeUpdate(update, now);
      for (let i = 0; i < encoded.set.length; i += 2)
        fields.set(encoded.set[i] as string, encoded.set[i + 1] as string);
      for (const field of encoded.del) fields.set(field, null);
    }
    const set: string[] = [];
    const del: string[] = [];
    for (const [field, value] of fields) {
      if (value === null) del.push(field);
      else set.push(field, value);
    }
    const scope = pipeline.map((s) => `${s.reconcile ? '?' : ''}${stageField(s.name)}`);
    const keys = trail ? [this.keyOf(ref), ...trailKeys(trail)] : [this.keyOf(ref)];
    const [state, owned] = await this.redis.ticketRoomsLedgerWrite(
      keys.length,
      ...keys,
      this.ticketKeyOf(ref),
      ref.source,
      ref.tenant,
      ref.ticketId,
      now.toISOString(),
      String(set.length),
      String(del.length),
      String(scope.length),
      ...trailArgs(trail),
      ...set,
      ...del,
      ...scope,
    );
    return { state: state as TicketState, owned: owned === -1 ? undefined : owned === 1 };
  }

  /**
   * Writes a job's trail without touching the ledger (a stage's progress as it starts), and says
   * whether the job's lock is still this worker's when the trail asks.
   */
  async trail(trail: CheckpointTrail): Promise<boolean | undefined> {
    const keys = trailKeys(trail);
    const owned = await this.redis.ticketRoomsJobTrail(keys.length, ...keys, ...trailArgs(trail));
    return owned === -1 ? undefined : owned === 1;
  }

  /**
   * Forgets what the named stages did (state, reason and result), so the next run of a pipeline
   * does them again: how a repair rebuilds a room that was deleted by hand. The ticket's state is
   * judged again by the next write.
   */
  async forget(ref: TicketRef, stages: ReadonlyArray<{ name: string; field: string }>): Promise<void> {
    const fields = stages.flatMap((s) => [stageField(s.name), reasonField(s.name), s.field]);
    await this.redis.hdel(this.keyOf(ref), ...fields, FIELDS.lastError);
  }
}
