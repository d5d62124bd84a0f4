import { Source } from '@ticket-rooms/core';
import {
  type LedgerEntry,
  type LedgerUpdate,
  overallState,
  STAGES,
  type StageName,
  type StageState,
  type TicketState,
} from './entry';

/**
 * How a ledger entry is laid out in its Redis hash. One field per stage state and one JSON field
 * per stage result, so each stage writes only its own fields and two queues (rooms and notes) can
 * checkpoint the same ticket without overwriting each other.
 */
export const FIELDS = {
  key: 'key',
  source: 'source',
  tenant: 'tenant',
  ticketId: 'ticketId',
  state: 'state',
  room: 'room',
  folders: 'folders',
  share: 'share',
  link: 'link',
  note: 'note',
  lastError: 'lastError',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
} as const;

export function stageField(stage: StageName): string {
  return `stage:${stage}`;
}

export function reasonField(stage: StageName): string {
  return `reason:${stage}`;
}

/** Hash fields for an update, as a flat `[field, value, …]` list ready for HSET. */
export function encodeUpdate(update: LedgerUpdate, now: Date): { set: string[]; del: string[] } {
  const set: string[] = [FIELDS.updatedAt, now.toISOString()];
  const del: string[] = [];
  if (update.stage) {
    set.push(stageField(update.stage.name), update.stage.state);
    if (update.stage.reason !== undefined) set.push(reasonField(update.stage.name), update.stage.reason);
    else del.push(reasonField(update.stage.name));
  }
  for (const name of ['room', 'folders', 'share', 'link', 'note'] as const) {
    const value = update[name];
    if (value !== undefined) set.push(FIELDS[name], JSON.stringify(value));
  }
  if (update.lastError === null) del.push(FIELDS.lastError);
  else if (update.lastError !== undefined) set.push(FIELDS.lastError, JSON.stringify(update.lastError));
  return { set, del };
}

function parseJson<T>(raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

const STAGE_STATES: readonly string[] = ['pending', 'done', 'skipped', 'failed'];

/** Reads a hash back into an entry; `undefined` when the ticket has no ledger yet. */
export function decodeEntry(hash: Record<string, string>): LedgerEntry | undefined {
  const key = hash[FIELDS.key];
  const source = Source.safeParse(hash[FIELDS.source]);
  if (!key || !source.success) return undefined;
  const stages = {} as Record<StageName, StageState>;
  const reasons: LedgerEntry['reasons'] = {};
  for (const stage of STAGES) {
    const raw = hash[stageField(stage)];
    stages[stage] = raw !== undefined && STAGE_STATES.includes(raw) ? (raw as StageState) : 'pending';
    const reason = hash[reasonField(stage)];
    if (reason !== undefined) reasons[stage] = reason;
  }
  const entry: LedgerEntry = {
    key,
    source: source.data,
    tenant: hash[FIELDS.tenant] ?? '',
    ticketId: hash[FIELDS.ticketId] ?? '',
    state: (hash[FIELDS.state] as TicketState | undefined) ?? overallState(stages),
    stages,
    reasons,
    createdAt: hash[FIELDS.createdAt] ?? '',
    updatedAt: hash[FIELDS.updatedAt] ?? '',
  };
  const room = parseJson<LedgerEntry['room']>(hash[FIELDS.room]);
  if (room) entry.room = room;
  const folders = parseJson<LedgerEntry['folders']>(hash[FIELDS.folders]);
  if (folders) entry.folders = folders;
  const share = parseJson<LedgerEntry['share']>(hash[FIELDS.share]);
  if (share) entry.share = share;
  const link = parseJson<LedgerEntry['link']>(hash[FIELDS.link]);
  if (link) entry.link = link;
  const note = parseJson<LedgerEntry['note']>(hash[FIELDS.note]);
  if (note) entry.note = note;
  const lastError = parseJson<LedgerEntry['lastError']>(hash[FIELDS.lastError]);
  if (lastError) entry.lastError = lastError;
  return entry;
}
