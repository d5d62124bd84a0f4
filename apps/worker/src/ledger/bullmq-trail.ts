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
 *
 * `test/bullmq-trail.test.ts` reads both back through BullMQ's API (`getJobLogs`, `job.progress`,
 * the events stream) and fails if an upgrade changes what BullMQ expects.
 */

/** BullMQ's key names for one job, from its queue (`queue.toKey(id)`, `queue.keys`). */
export interface JobKeys {
  job: string;
  events: string;
  meta: string;
}

/** The job a checkpoint belongs to: its log line and, when the job goes on, its next progress. */
export interface CheckpointTrail {
  keys: JobKeys;
  jobId: string;
  log?: string;
  /** `job.opts.keepLogs`. */
  keepLogs?: number;
  progress?: object;
}

/** The trail's keys, in the order `TRAIL_LUA` reads them after the caller's own keys. */
export function trailKeys(trail: CheckpointTrail): string[] {
  return [trail.keys.job, `${trail.keys.job}:logs`, trail.keys.events, trail.keys.meta];
}

/** The trail's arguments, in the order `TRAIL_LUA` reads them: jobId, log line, keepLogs, progress. */
export function trailArgs(trail: CheckpointTrail | undefined): string[] {
  return [
    trail?.jobId ?? '',
    trail?.log ?? '',
    // As BullMQ's addLog: no trimming unless a positive count is set.
    trail?.keepLogs !== undefined && trail.keepLogs > 0 ? String(trail.keepLogs) : '',
    trail?.progress === undefined ? '' : JSON.stringify(trail.progress),
  ];
}

/**
 * Lua for the trail, given the index of its first key and first argument in the enclosing
 * script. Does nothing when the job is gone (removed by an operator, say): the checkpoint stands.
 */
export function trailLua(k: number, a: number): string {
  return `
if #KEYS >= ${k + 3} and redis.call('EXISTS', KEYS[${k}]) == 1 then
  if ARGV[${a + 1}] ~= '' then
    redis.call('RPUSH', KEYS[${k + 1}], ARGV[${a + 1}])
    if ARGV[${a + 2}] ~= '' then redis.call('LTRIM', KEYS[${k + 1}], -tonumber(ARGV[${a + 2}]), -1) end
  end
  if ARGV[${a + 3}] ~= '' then
    local maxEvents = redis.call('HGET', KEYS[${k + 3}], 'opts.maxLenEvents') or 10000
    redis.call('HSET', KEYS[${k}], 'progress', ARGV[${a + 3}])
    redis.call('XADD', KEYS[${k + 2}], 'MAXLEN', '~', maxEvents, '*', 'event', 'progress', 'jobId', ARGV[${a}], 'data', ARGV[${a + 3}])
  end
end
`;
}
