import type { DesiredValue, Source, TrackedField } from '@ticket-rooms/core';
import {
  ALL_STAGES,
  PIPELINES,
  type Pipeline,
  STAGE_NAMES,
  type StageName,
  type StageResults,
} from '../pipeline/pipelines';
import type { StageState } from '../stages/context';

export type { LedgerLink } from '../stages/link-stage';
export type { LedgerNote } from '../stages/note-stage';
export type { LedgerRoom } from '../stages/room-stage';
export type { LedgerShare } from '../stages/share-stage';
export type { StageName, StageState };

/** `in-progress` until every stage of its pipeline is done or skipped; `failed` as soon as one failed for good. */
export type TicketState = 'in-progress' | 'done' | 'failed';

export interface LedgerError {
  stage: string;
  message: string;
  code: string;
  at: string;
  /**
   * Failed attempts of this stage in a row (rate limits not counted): the stage's own retry count,
   * so its backoff starts over at the base delay however often an earlier stage failed.
   */
  failures?: number;
  /** The job's `attemptsMade` once this failure is counted: a later run continues the count only if it matches. */
  attemptsMade?: number;
}

/** Everything we know about one ticket: the checkpoint store of the pipelines. */
export type LedgerEntry = {
  key: string;
  source: Source;
  tenant: string;
  ticketId: string;
  state: TicketState;
  /** Every stage's state; stages that never ran are `pending`. */
  stages: Record<StageName, StageState>;
  /** Why a stage was skipped or failed, in words an operator understands. */
  reasons: Partial<Record<StageName, string>>;
  lastError?: LedgerError;
  /** What the ticket is now: each tracked field's latest value, by the vendor's event time. */
  desired: Partial<Record<TrackedField, DesiredValue>>;
  createdAt: string;
  updatedAt: string;
} & StageResults;

/** What a stage hands to the ledger when it finishes (or gives up). */
export type LedgerUpdate = {
  stage?: { name: StageName; state: StageState; reason?: string };
  lastError?: LedgerError | null;
} & StageResults;

export function isDone(state: StageState | undefined): boolean {
  return state === 'done' || state === 'skipped';
}

/** The pipeline a ledger write is judged by when the writer names none: the ticket's creation. */
export const DEFAULT_SCOPE: Pipeline = PIPELINES['ticket.created'];

/**
 * The ticket's state by the stages of one pipeline: one failure fails it, all finished finishes
 * it. Stages of other pipelines do not count, so a stage added to a new pipeline never leaves
 * tickets of the others "in progress".
 */
export function overallState(
  stages: Partial<Record<StageName, StageState>>,
  pipeline: Pipeline = DEFAULT_SCOPE,
): TicketState {
  // A reconciling stage counts only once it has acted: in step, it has nothing to finish.
  const states = pipeline
    .map((s) => ({ state: stages[s.name], optional: (s as { reconcile?: boolean }).reconcile === true }))
    .filter((s) => !(s.optional && (s.state === undefined || s.state === 'pending')))
    .map((s) => s.state);
  if (states.includes('failed')) return 'failed';
  return states.every(isDone) ? 'done' : 'in-progress';
}

/** A fresh entry for a ticket the ledger has not seen yet: every stage pending. */
export function emptyEntry(
  ref: { key: string; source: Source; tenant: string; ticketId: string },
  now: Date,
): LedgerEntry {
  const stages = Object.fromEntries(STAGE_NAMES.map((s) => [s, 'pending'])) as Record<StageName, StageState>;
  const at = now.toISOString();
  return { ...ref, state: 'in-progress', stages, reasons: {}, desired: {}, createdAt: at, updatedAt: at };
}

/** The entry as it is after `update` was written: what the runner carries from stage to stage. */
export function mergeUpdate(
  entry: LedgerEntry,
  update: LedgerUpdate,
  now: Date,
  pipeline: Pipeline = DEFAULT_SCOPE,
): LedgerEntry {
  const next: LedgerEntry = { ...entry, stages: { ...entry.stages }, reasons: { ...entry.reasons } };
  if (update.stage) {
    next.stages[update.stage.name] = update.stage.state;
    if (update.stage.reason !== undefined) next.reasons[update.stage.name] = update.stage.reason;
    else delete next.reasons[update.stage.name];
  }
  const results = next as Record<string, unknown>;
  for (const stage of ALL_STAGES) {
    const value = (update as Record<string, unknown>)[stage.field];
    if (value !== undefined) results[stage.field] = value;
  }
  if (update.lastError === null) delete next.lastError;
  else if (update.lastError) next.lastError = update.lastError;
  next.state = overallState(next.stages, pipeline);
  next.updatedAt = now.toISOString();
  return next;
}
