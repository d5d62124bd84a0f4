import { ledgerKey, type TicketRef, ticketKey } from '@ticket-rooms/core';
import type { Redis } from 'ioredis';
import { decodeEntry, encodeUpdate, FIELDS, stageField } from './codec';
import { type LedgerEntry, type LedgerUpdate, STAGES, type TicketState } from './entry';

/**
 * Writes the fields of one update and recomputes the ticket's overall state in the same script,
 * so the rooms queue and a notes queue checkpointing the same ticket at once never leave a stale
 * `state` behind. The identity fields are set once, on the first write.
 */
const WRITE_SCRIPT = `
local k = KEYS[1]
if redis.call('HSETNX', k, '${FIELDS.key}', ARGV[1]) == 1 then
  redis.call('HSET', k, '${FIELDS.source}', ARGV[2], '${FIELDS.tenant}', ARGV[3], '${FIELDS.ticketId}', ARGV[4], '${FIELDS.createdAt}', ARGV[5])
end
local nset = tonumber(ARGV[6])
if nset > 0 then redis.call('HSET', k, unpack(ARGV, 7, 6 + nset)) end
if #ARGV > 6 + nset then redis.call('HDEL', k, unpack(ARGV, 7 + nset, #ARGV)) end
local states = redis.call('HMGET', k, ${STAGES.map((s) => `'${stageField(s)}'`).join(', ')})
local state = 'done'
for _, s in ipairs(states) do
  if s == 'failed' then state = 'failed' break end
  if s ~= 'done' and s ~= 'skipped' then state = 'in-progress' end
end
redis.call('HSET', k, '${FIELDS.state}', state)
return state
`;

type LedgerRedis = Redis & {
  ticketRoomsLedgerWrite(key: string, ...args: string[]): Promise<string>;
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
    redis: Redis,
    private readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (!('ticketRoomsLedgerWrite' in redis)) {
      redis.defineCommand('ticketRoomsLedgerWrite', { numberOfKeys: 1, lua: WRITE_SCRIPT });
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

  /** Applies one stage's result and returns the ticket's overall state afterwards. */
  async write(ref: TicketRef, update: LedgerUpdate): Promise<TicketState> {
    const now = this.now();
    const { set, del } = encodeUpdate(update, now);
    const state = await this.redis.ticketRoomsLedgerWrite(
      this.keyOf(ref),
      this.ticketKeyOf(ref),
      ref.source,
      ref.tenant,
      ref.ticketId,
      now.toISOString(),
      String(set.length),
      ...set,
      ...del,
    );
    return state as TicketState;
  }
}
