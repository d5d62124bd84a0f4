import type { RedisClient, RoomJobData, TicketEvent } from '@ticket-rooms/core';
import { Job, type JobsOptions, type Queue } from 'bullmq';
import { addStandardJob } from 'bullmq/dist/cjs/scripts/addStandardJob-9.js';

/** What the delivery's marker said: first sight, seen with its job (or ledger) in place, or seen without. */
export type Claim = 'new' | 'duplicate' | 'repaired';

/** The marker a delivery claims: its key, the value it holds (the delivery id) and its lifetime. */
export interface Marker {
  key: string;
  value: string;
  ttlSeconds: number;
}

/**
 * The claim and BullMQ's own `addStandardJob` in one script, so a delivery costs one Redis round
 * trip instead of two (marker, then job), and no crash can fall between the two any more:
 *
 * 1. `SET marker NX EX`: exactly one delivery of a job id, however many race, claims it.
 * 2. Seen before: the delivery is settled when one of the keys after the marker exists (the job,
 *    and for kinds the ledger settles, the ticket's ledger). Nothing is added.
 * 3. Otherwise (first sight, or seen but neither exists: a marker left without its job), BullMQ's
 *    script runs unchanged, as `queue.add` would run it: the job exists when the script returns.
 *
 * BullMQ's script is taken from the installed BullMQ (the version the workspace catalogue pins),
 * not copied, and reads only its own keys and arguments, which come first. KEYS: BullMQ's, the
 * marker, the keys that settle a seen delivery. ARGV: BullMQ's, the marker's value, its lifetime.
 */
const CLAIM_AND_ADD_LUA = `
local bullKeys = ${addStandardJob.keys}
local claim = 'new'
if not redis.call('SET', KEYS[bullKeys + 1], ARGV[#ARGV - 1], 'EX', ARGV[#ARGV], 'NX') then
  for i = bullKeys + 2, #KEYS do
    if redis.call('EXISTS', KEYS[i]) == 1 then return {'duplicate', ''} end
  end
  claim = 'repaired'
end
local function add()
${addStandardJob.content}
end
return {claim, add()}
`;

const COMMAND = 'ticketRoomsClaimAndAdd';

type ClaimingRedis = RedisClient & {
  /** The key count, the keys, then the arguments, in one array (ioredis sends it flattened). */
  [COMMAND](numKeysKeysAndArgs: Array<string | number | Buffer>): Promise<[Claim, string | number]>;
};

/** The part of a Redis client `job.addJob` uses: BullMQ hands it the script name and its keys and arguments. */
interface ScriptRunner {
  runCommand(name: string, args: Array<string | Buffer>): Promise<string | number>;
}

/** A room job as `queue.add` takes it. */
export interface RoomJob {
  name: TicketEvent['kind'];
  data: RoomJobData;
  opts: JobsOptions;
  jobId: string;
}

/**
 * Claims `marker` and, unless the delivery is settled by one of `settledBy`, adds `job`, in one
 * round trip. Rejects when Redis does (or BullMQ refuses the job).
 */
export type ClaimAndAdd = (job: RoomJob, marker: Marker, settledBy: readonly string[]) => Promise<Claim>;

/** Defines the script on `redis` (the connection `rooms` uses) and returns the call that runs it. */
export function claimAndAdd(redis: RedisClient, rooms: Queue<RoomJobData>): ClaimAndAdd {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { lua: CLAIM_AND_ADD_LUA });
  const client = redis as ClaimingRedis;
  const scriptName = `${addStandardJob.name}:`;

  return async ({ name, data, opts, jobId }, marker, settledBy) => {
    let claim: Claim = 'new';
    // BullMQ builds the job (its data, options and keys) and passes them to `runCommand`, which
    // runs them inside the claim instead of on their own.
    const runner: ScriptRunner = {
      async runCommand(command, args) {
        if (!command.startsWith(scriptName)) {
          // Options that make BullMQ pick another script (delay, priority, a parent) are not
          // room-job options; a change that adds one must extend this script first.
          throw new Error(`The receiver adds jobs with ${addStandardJob.name} only, not ${command}.`);
        }
        // BullMQ's keys, ours, BullMQ's arguments, ours.
        const keyCount = addStandardJob.keys + 1 + settledBy.length;
        const argv: Array<string | number | Buffer> = [keyCount];
        for (let i = 0; i < addStandardJob.keys; i++) argv.push(args[i] as string | Buffer);
        argv.push(marker.key, ...settledBy);
        for (let i = addStandardJob.keys; i < args.length; i++) argv.push(args[i] as string | Buffer);
        argv.push(marker.value, marker.ttlSeconds);
        const [found, result] = await client[COMMAND](argv);
        claim = found;
        return found === 'duplicate' ? jobId : result;
      },
    };
    const job = new Job(rooms, name, data, { ...rooms.defaultJobOptions, ...opts, jobId }, jobId);
    await job.addJob(runner as unknown as Parameters<typeof job.addJob>[0]);
    return claim;
  };
}
