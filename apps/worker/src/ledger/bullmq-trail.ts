/**
 * The job's side of a checkpoint: its log line and its progress, written in the ledger's own
 * script so a stage costs one round trip instead of three. These lines write BullMQ's keys
 * directly, so they mirror BullMQ's own scripts exactly, as shipped in the version pinned by the
 * workspace catalogue (`pnpm-workspace.yaml`):
 *
 * - `addLog-2.lua`: RPUSH the line onto `<job key>:logs` if the job hash exists; LTRIM to the
 *   newest `keepLogs` when that is set (a positive count: LTRIM refuses `-0`).
 * - `updateProgress-3.lua`: HSET `progress` on the job hash and XADD a `progress` event to the
 *   queue's event stream, capped at `opts.maxLenEvents` from the queue's meta key (10000 when
 *   unset, as `getOrSetMaxEvents` does).
 * - `extendLock-2.lua`, when the trail carries the job's lock token: if `<job key>:lock` still
 *   holds the token, SET it again with the lock duration and SREM the job from the queue's
 *   stalled set; otherwise the job is no longer ours.
 *
 * `test/bullmq-trail.test.ts` reads both back through BullMQ's API (`getJobLogs`, `job.progress`,
 * the events stream) and fails if an upgrade changes what BullMQ expects.
 */

/** BullMQ's key names for one job, from its queue (`queue.toKey(id)`, `queue.keys`). */
export interface JobKeys {
  job: string;
  events: string;
  meta: string;
  /** The queue's stalled set; needed only to check the job's lock. */
  stalled?: string;
}

/** The job a checkpoint belongs to: its log lines and, when the job goes on, its next progress. */
export interface CheckpointTrail {
  keys: JobKeys;
  jobId: string;
  /** One line, or several (one per stage the checkpoint records), each its own log entry. */
  log?: string | readonly string[];
  /** `job.opts.keepLogs`. */
  keepLogs?: number;
  progress?: object;
  /**
   * Check and renew the job's lock in the same script, as `job.extendLock` does: the answer says
   * whether this worker still owns the job, so a create right after needs no round trip of its own.
   */
  lock?: { token: string; durationMs: number };
}

/** The trail's keys, in the order `TRAIL_LUA` reads them after the caller's own keys. */
export function trailKeys(trail: CheckpointTrail): string[] {
  const keys = [trail.keys.job, `${trail.keys.job}:logs`, trail.keys.events, trail.keys.meta];
  if (trail.lock) {
    if (trail.keys.stalled === undefined) throw new Error('checking a job lock needs the stalled key');
    keys.push(`${trail.keys.job}:lock`, trail.keys.stalled);
  }
  return keys;
}

/** How many arguments `trailArgs` gives. */
export const TRAIL_ARGS = 6;

/** The trail's arguments, in the order `TRAIL_LUA` reads them: jobId, log lines, keepLogs, progress, lock token and duration. */
export function trailArgs(trail: CheckpointTrail | undefined): string[] {
  const lines = trail?.log === undefined ? [] : typeof trail.log === 'string' ? [trail.log] : trail.log;
  return [
    trail?.jobId ?? '',
    lines.length === 0 ? '' : JSON.stringify(lines),
    // As BullMQ's addLog: no trimming unless a positive count is set.
    trail?.keepLogs !== undefined && trail.keepLogs > 0 ? String(trail.keepLogs) : '',
    trail?.progress === undefined ? '' : JSON.stringify(trail.progress),
    trail?.lock?.token ?? '',
    trail?.lock === undefined ? '' : String(trail.lock.durationMs),
  ];
}

/**
 * Lua for the trail, given the index of its first key and first argument in the enclosing
 * script. Does nothing when the job is gone (removed by an operator, say): the checkpoint stands.
 * Sets `owned`: 1 when the job's lock was ours and is renewed, 0 when it is not ours, -1 when not asked.
 */
export function trailLua(k: number, a: number): string {
  return `
local owned = -1
if #KEYS >= ${k + 3} and redis.call('EXISTS', KEYS[${k}]) == 1 then
  if ARGV[${a + 1}] ~= '' then
    redis.call('RPUSH', KEYS[${k + 1}], unpack(cjson.decode(ARGV[${a + 1}])))
    if ARGV[${a + 2}] ~= '' then redis.call('LTRIM', KEYS[${k + 1}], -tonumber(ARGV[${a + 2}]), -1) end
  end
  if ARGV[${a + 3}] ~= '' then
    local maxEvents = redis.call('HGET', KEYS[${k + 3}], 'opts.maxLenEvents') or 10000
    redis.call('HSET', KEYS[${k}], 'progress', ARGV[${a + 3}])
    redis.call('XADD', KEYS[${k + 2}], 'MAXLEN', '~', maxEvents, '*', 'event', 'progress', 'jobId', ARGV[${a}], 'data', ARGV[${a + 3}])
  end
end
if #KEYS >= ${k + 5} and ARGV[${a + 4}] ~= '' then
  owned = 0
  if redis.call('GET', KEYS[${k + 4}]) == ARGV[${a + 4}] then
    redis.call('SET', KEYS[${k + 4}], ARGV[${a + 4}], 'PX', ARGV[${a + 5}])
    redis.call('SREM', KEYS[${k + 5}], ARGV[${a}])
    owned = 1
  end
end
`;
}
