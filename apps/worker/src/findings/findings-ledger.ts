import type { RedisClient } from '@ticket-rooms/core';
import { z } from 'zod';

/** What a findings note says about one file. */
export const FindingFile = z.object({ title: z.string(), who: z.string().optional(), link: z.string() });
export type FindingFile = z.infer<typeof FindingFile>;

/** Where `add` put a file. */
export type AddOutcome =
  | { kind: 'batched'; batchId: string; opened: boolean }
  /** An earlier delivery already put the file in this batch (open, or closed and being posted). */
  | { kind: 'known'; batchId: string }
  /** Its note is on the ticket. */
  | { kind: 'noted'; noteId: string };

/**
 * ARGV: file id, file JSON. Fields of the ticket's hash (KEYS[1]): `open` (the batch new files
 * join), `seq` (the last batch id), `file:<id>` (the batch a file joined), `noted:<id>` (the note
 * that lists it). A batch's files are the hash KEYS[1]..':batch:'..id, which shares KEYS[1]'s hash
 * tag under a sharded prefix.
 */
const ADD_SCRIPT = `
local k = KEYS[1]
local noted = redis.call('HGET', k, 'noted:' .. ARGV[1])
if noted then return {'noted', noted} end
local known = redis.call('HGET', k, 'file:' .. ARGV[1])
if known then return {'known', known} end
local open = redis.call('HGET', k, 'open')
local opened = '0'
if not open then
  open = tostring(redis.call('HINCRBY', k, 'seq', 1))
  redis.call('HSET', k, 'open', open)
  opened = '1'
end
redis.call('HSET', k .. ':batch:' .. open, ARGV[1], ARGV[2])
redis.call('HSET', k, 'file:' .. ARGV[1], open)
return {'batched', open, opened}
`;

/** ARGV: batch id. Closes the batch if it is still the open one and returns its files (id, JSON, …). */
const CLOSE_SCRIPT = `
local k = KEYS[1]
if redis.call('HGET', k, 'open') == ARGV[1] then redis.call('HDEL', k, 'open') end
return redis.call('HGETALL', k .. ':batch:' .. ARGV[1])
`;

type FindingsRedis = RedisClient & {
  ticketRoomsFindingAdd(numKeys: number, ...keysAndArgs: string[]): Promise<string[]>;
  ticketRoomsFindingClose(numKeys: number, ...keysAndArgs: string[]): Promise<string[]>;
};

/**
 * The ticket ledger's findings record: per ticket, the batch new files join, each file's batch and
 * the note that listed it. Beside the ticket's entry and, like it, never expiring, so a file's
 * event redelivered months after its note still finds it noted.
 */
export class FindingsLedger {
  private readonly redis: FindingsRedis;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    if (!('ticketRoomsFindingAdd' in redis)) {
      redis.defineCommand('ticketRoomsFindingAdd', { lua: ADD_SCRIPT });
      redis.defineCommand('ticketRoomsFindingClose', { lua: CLOSE_SCRIPT });
    }
    this.redis = redis as FindingsRedis;
  }

  keyOf(ticketKey: string): string {
    return `${this.prefix}:findings:${ticketKey}`;
  }

  /** Puts the file in the ticket's open batch (opening one if none is), unless it is in one already. */
  async add(ticketKey: string, fileId: number, file: FindingFile): Promise<AddOutcome> {
    const [kind, id, opened] = await this.redis.ticketRoomsFindingAdd(
      1,
      this.keyOf(ticketKey),
      String(fileId),
      JSON.stringify(file),
    );
    if (kind === 'noted') return { kind, noteId: id as string };
    if (kind === 'known') return { kind, batchId: id as string };
    return { kind: 'batched', batchId: id as string, opened: opened === '1' };
  }

  /** Closes the batch (later files open the next one) and returns its files by id. */
  async close(ticketKey: string, batchId: string): Promise<Map<number, FindingFile>> {
    const flat = await this.redis.ticketRoomsFindingClose(1, this.keyOf(ticketKey), batchId);
    const files = new Map<number, FindingFile>();
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const parsed = FindingFile.safeParse(JSON.parse(flat[i + 1] as string));
      if (!parsed.success) throw new Error(`the findings batch ${batchId} of ${ticketKey} holds a corrupt file record`);
      files.set(Number(flat[i]), parsed.data);
    }
    return files;
  }

  /** The files of `ids` whose note is already on the ticket, with that note's id. */
  async notedOf(ticketKey: string, ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const values = await this.redis.hmget(this.keyOf(ticketKey), ...ids.map((id) => `noted:${id}`));
    const out = new Map<number, string>();
    ids.forEach((id, i) => {
      const v = values[i];
      if (v) out.set(id, v);
    });
    return out;
  }

  /** Records that `noteId` lists these files: no later delivery of them is noted again. */
  async recordNoted(ticketKey: string, ids: readonly number[], noteId: string): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.hset(this.keyOf(ticketKey), ...ids.flatMap((id) => [`noted:${id}`, noteId]));
  }
}
