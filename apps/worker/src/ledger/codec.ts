import {
  type DesiredValue,
  desiredField,
  LEDGER_FIELDS,
  reasonField,
  Source,
  stageField,
  TrackedField,
} from '@ticket-rooms/core';
import { z } from 'zod';
import { ALL_STAGES, type StageName } from '../pipeline/pipelines';
import type { StageState } from '../stages/context';
import { type LedgerEntry, type LedgerError, type LedgerUpdate, overallState, type TicketState } from './entry';

/**
 * How a ledger entry is laid out in its Redis hash lives in core (`LEDGER_FIELDS`, `stageField`,
 * `reasonField`), so the operator tools and the receiver's ticket lookup read the same layout.
 * One field per stage state and one JSON field per stage result (named by the stage), so each
 * stage writes only its own fields and two queues can checkpoint one ticket without overwriting.
 */
export const FIELDS = LEDGER_FIELDS;
export { reasonField, stageField };

const LedgerErrorSchema: z.ZodType<LedgerError> = z.object({
  stage: z.string(),
  message: z.string(),
  code: z.string(),
  at: z.string(),
  failures: z.number().int().optional(),
  attemptsMade: z.number().int().optional(),
});

const DesiredValueSchema: z.ZodType<DesiredValue> = z.object({
  value: z.string(),
  at: z.string(),
  delivery: z.string(),
});

const StageStateSchema = z.enum(['pending', 'done', 'skipped', 'failed']);
const TicketStateSchema = z.enum(['in-progress', 'done', 'failed']);

/** A ledger hash that does not read back as written: a bug, or a hand edit. Never retried. */
export class LedgerCorruptError extends Error {
  override readonly name = 'LedgerCorruptError';
  readonly code = 'LEDGER_CORRUPT';
  constructor(
    readonly ticket: string,
    readonly field: string,
    problem: string,
  ) {
    super(`the ledger of ticket ${ticket} is corrupt: field ${field} ${problem}; repair or delete that field`);
  }
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
  for (const stage of ALL_STAGES) {
    const value = (update as Record<string, unknown>)[stage.field];
    if (value !== undefined) set.push(stage.field, JSON.stringify(value));
  }
  if (update.lastError === null) del.push(FIELDS.lastError);
  else if (update.lastError !== undefined) set.push(FIELDS.lastError, JSON.stringify(update.lastError));
  return { set, del };
}

function decodeJson<T>(ticket: string, field: string, raw: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new LedgerCorruptError(ticket, field, 'is not JSON');
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  throw new LedgerCorruptError(ticket, field, `does not match its schema${at} (${issue?.message ?? 'invalid'})`);
}

/**
 * Reads a hash back into an entry, each stage's result checked by that stage's schema;
 * `undefined` when the ticket has no ledger yet. Throws `LedgerCorruptError` naming the field
 * when something does not read back as it was written.
 */
export function decodeEntry(hash: Record<string, string>): LedgerEntry | undefined {
  const key = hash[FIELDS.key];
  if (!key) return undefined;
  const source = Source.safeParse(hash[FIELDS.source]);
  if (!source.success) throw new LedgerCorruptError(key, FIELDS.source, 'is not a known source');
  const stages = {} as Record<StageName, StageState>;
  const reasons: LedgerEntry['reasons'] = {};
  const entry = {
    key,
    source: source.data,
    tenant: hash[FIELDS.tenant] ?? '',
    ticketId: hash[FIELDS.ticketId] ?? '',
    stages,
    reasons,
    desired: {},
    createdAt: hash[FIELDS.createdAt] ?? '',
    updatedAt: hash[FIELDS.updatedAt] ?? '',
  } as LedgerEntry;
  const results = entry as Record<string, unknown>;
  for (const stage of ALL_STAGES) {
    const raw = hash[stageField(stage.name)];
    if (raw === undefined) stages[stage.name] = 'pending';
    else {
      const state = StageStateSchema.safeParse(raw);
      if (!state.success) throw new LedgerCorruptError(key, stageField(stage.name), 'is not a stage state');
      stages[stage.name] = state.data;
    }
    const reason = hash[reasonField(stage.name)];
    if (reason !== undefined) reasons[stage.name] = reason;
    const result = hash[stage.field];
    if (result !== undefined)
      results[stage.field] = decodeJson(key, stage.field, result, stage.result as z.ZodType<unknown>);
  }
  const state = TicketStateSchema.safeParse(hash[FIELDS.state]);
  entry.state = state.success ? (state.data as TicketState) : overallState(stages);
  for (const field of TrackedField.options) {
    const raw = hash[desiredField(field)];
    if (raw !== undefined) entry.desired[field] = decodeJson(key, desiredField(field), raw, DesiredValueSchema);
  }
  const lastError = hash[FIELDS.lastError];
  if (lastError !== undefined) entry.lastError = decodeJson(key, FIELDS.lastError, lastError, LedgerErrorSchema);
  return entry;
}
