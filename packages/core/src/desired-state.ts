import { ledgerKey } from './jobs';
import type { RedisClient } from './redis-topology';
import type { TicketEvent, TrackedField } from './ticket-event';
import { ticketKey } from './ticket-key';

/**
 * The part of the ticket ledger that says what the ticket is now, as opposed to what was done
 * about it: for each tracked field (status, subject) its latest value and the vendor's time of
 * that change. A change older than the one recorded changes nothing, so any order of the same
 * events leaves the same record, and the worker brings the room to it (reconciling, not
 * replaying edges). The receiver records it before it queues a job, so a burst of changes is
 * already folded into one state when the first of their jobs runs; the worker records it again
 * (a no-op then) for jobs that came another way.
 */

/** The identity fields every writer of a ledger hash sets once, on its first write. */
export const LEDGER_IDENTITY = ['key', 'source', 'tenant', 'ticketId', 'createdAt'] as const;

/** The hash field of a tracked field's latest value: JSON `{value, at, delivery}`. */
export function desiredField(field: TrackedField): string {
  return `want:${field}`;
}

export interface DesiredValue {
  value: string;
  /** When the vendor says the change happened (ISO 8601, UTC, milliseconds). */
  at: string;
  /** The delivery that carried it: breaks ties between changes made in the same millisecond. */
  delivery: string;
}

/**
 * When the event's change happened, as a sortable UTC string: the vendor's time if it has a
 * readable one, else when the receiver accepted it.
 */
export function eventTime(event: Pick<TicketEvent, 'occurredAt' | 'receivedAt'>): string {
  for (const candidate of [event.occurredAt, event.receivedAt]) {
    if (candidate === undefined) continue;
    const ms = Date.parse(candidate);
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  return new Date(0).toISOString();
}

/** The values this event records: each field it says it changes, with the event's time. */
export function desiredValues(event: TicketEvent): Array<[TrackedField, DesiredValue]> {
  const at = eventTime(event);
  const out: Array<[TrackedField, DesiredValue]> = [];
  for (const field of event.changed ?? []) {
    const value = field === 'status' ? event.status : event.subject;
    if (value === undefined) continue;
    out.push([field, { value, at, delivery: event.deliveryId }]);
  }
  return out;
}

/**
 * KEYS[1] the ledger hash. ARGV: key, source, tenant, ticketId, now, read-back flag, then pairs of
 * (field, JSON value). A value replaces the recorded one only if it is newer by (at, delivery).
 * Returns the whole hash when asked to read back, else the number of fields that changed.
 */
const RECORD_SCRIPT = `
local k = KEYS[1]
if redis.call('HSETNX', k, 'key', ARGV[1]) == 1 then
  redis.call('HSET', k, 'source', ARGV[2], 'tenant', ARGV[3], 'ticketId', ARGV[4], 'createdAt', ARGV[5])
end
local changed = 0
for i = 7, #ARGV, 2 do
  local incoming = cjson.decode(ARGV[i + 1])
  local current = redis.call('HGET', k, ARGV[i])
  local newer = true
  if current then
    local cur = cjson.decode(current)
    newer = (incoming.at .. '|' .. incoming.delivery) > (cur.at .. '|' .. cur.delivery)
  end
  if newer then
    redis.call('HSET', k, ARGV[i], ARGV[i + 1])
    changed = changed + 1
  end
end
if ARGV[6] == '1' then return redis.call('HGETALL', k) end
return changed
`;

type RecordingRedis = RedisClient & {
  ticketRoomsRecordDesired(numKeys: number, ...keysAndArgs: string[]): Promise<number | string[]>;
};

/**
 * Defines the recording script on a connection. Call it when the connection is set up, before any
 * command is sent: ioredis's auto-pipelines copy a connection's scripts when they are opened, and
 * one opened before the script existed fails every command queued on it.
 */
export function prepareDesiredState(redis: RedisClient): void {
  if (!('ticketRoomsRecordDesired' in redis)) redis.defineCommand('ticketRoomsRecordDesired', { lua: RECORD_SCRIPT });
}

function withScript(redis: RedisClient): RecordingRedis {
  prepareDesiredState(redis);
  return redis as RecordingRedis;
}

function args(prefix: string, event: TicketEvent, readBack: boolean): string[] {
  const key = ticketKey(event);
  const fields = desiredValues(event).flatMap(([f, v]) => [desiredField(f), JSON.stringify(v)]);
  return [
    ledgerKey(prefix, key),
    key,
    event.source,
    event.tenant,
    event.ticketId,
    new Date().toISOString(),
    readBack ? '1' : '0',
    ...fields,
  ];
}

/** Records what the event says the ticket is now; returns how many fields it changed (0: older news). */
export async function recordDesired(redis: RedisClient, prefix: string, event: TicketEvent): Promise<number> {
  return (await withScript(redis).ticketRoomsRecordDesired(1, ...args(prefix, event, false))) as number;
}

/** Records what the event says, then reads the ticket's whole ledger hash back, in one round trip. */
export async function recordAndRead(
  redis: RedisClient,
  prefix: string,
  event: TicketEvent,
): Promise<Record<string, string>> {
  const flat = (await withScript(redis).ticketRoomsRecordDesired(1, ...args(prefix, event, true))) as string[];
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  return hash;
}
