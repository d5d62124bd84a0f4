import type { Source } from '@ticket-rooms/core';

/** The stages of a ticket, in the order they run. `helpdesk` runs on the vendor's notes queue. */
export const STAGES = ['room', 'folders', 'share', 'link', 'helpdesk'] as const;
export type StageName = (typeof STAGES)[number];

/** The stages the rooms queue runs; the helpdesk note has its own queue per vendor. */
export const ROOM_STAGES = ['room', 'folders', 'share', 'link'] as const satisfies readonly StageName[];
export type RoomStageName = (typeof ROOM_STAGES)[number];

export type StageState = 'pending' | 'done' | 'skipped' | 'failed';
/** `in-progress` until every stage is done or skipped; `failed` as soon as one has failed for good. */
export type TicketState = 'in-progress' | 'done' | 'failed';

export interface LedgerRoom {
  id: number;
  title: string;
  roomType: number;
  archived: boolean;
  /** `created` by us, or `found` by its tag (a retry after a lost answer, or an old room). */
  origin: 'created' | 'found';
}

export interface LedgerShare {
  /** What DocSpace confirmed: subject id → access number. */
  granted: Record<string, number>;
  /** Subjects we asked for that DocSpace left out of its answer (unknown, hidden or removed). */
  dropped: string[];
  warning?: string;
}

export interface LedgerLink {
  url: string;
  /** `external`: a DocSpace share link; `portal`: the room's own URL, which needs a DocSpace login. */
  kind: 'external' | 'portal';
}

export interface LedgerNote {
  id: string;
  /** The ticket already carried the note (a retry after a lost answer, or a second run). */
  alreadyPresent: boolean;
}

export interface LedgerError {
  stage: StageName;
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

/** Everything we know about one ticket: the checkpoint store of the pipeline. */
export interface LedgerEntry {
  key: string;
  source: Source;
  tenant: string;
  ticketId: string;
  state: TicketState;
  stages: Record<StageName, StageState>;
  /** Why a stage was skipped or failed, in words an operator understands. */
  reasons: Partial<Record<StageName, string>>;
  room?: LedgerRoom;
  /** Folder path (`Logs/App`) → DocSpace folder id. */
  folders?: Record<string, number>;
  share?: LedgerShare;
  link?: LedgerLink;
  note?: LedgerNote;
  lastError?: LedgerError;
  createdAt: string;
  updatedAt: string;
}

/** What a stage hands to the ledger when it finishes (or gives up). */
export interface LedgerUpdate {
  stage?: { name: StageName; state: StageState; reason?: string };
  room?: LedgerRoom;
  folders?: Record<string, number>;
  share?: LedgerShare;
  link?: LedgerLink;
  note?: LedgerNote;
  lastError?: LedgerError | null;
}

export function isDone(state: StageState | undefined): boolean {
  return state === 'done' || state === 'skipped';
}

/** The ticket's overall state from its stages: one failure fails it, all finished finishes it. */
export function overallState(stages: Record<StageName, StageState>): TicketState {
  const states = STAGES.map((s) => stages[s]);
  if (states.includes('failed')) return 'failed';
  return states.every(isDone) ? 'done' : 'in-progress';
}

/** A fresh entry for a ticket the ledger has not seen yet: every stage pending. */
export function emptyEntry(
  ref: { key: string; source: Source; tenant: string; ticketId: string },
  now: Date,
): LedgerEntry {
  const stages = Object.fromEntries(STAGES.map((s) => [s, 'pending'])) as Record<StageName, StageState>;
  const at = now.toISOString();
  return { ...ref, state: 'in-progress', stages, reasons: {}, createdAt: at, updatedAt: at };
}

/** The entry as it is after `update` was written: what the processor carries from stage to stage. */
export function mergeUpdate(entry: LedgerEntry, update: LedgerUpdate, now: Date): LedgerEntry {
  const next: LedgerEntry = { ...entry, stages: { ...entry.stages }, reasons: { ...entry.reasons } };
  if (update.stage) {
    next.stages[update.stage.name] = update.stage.state;
    if (update.stage.reason !== undefined) next.reasons[update.stage.name] = update.stage.reason;
    else delete next.reasons[update.stage.name];
  }
  if (update.room) next.room = update.room;
  if (update.folders) next.folders = update.folders;
  if (update.share) next.share = update.share;
  if (update.link) next.link = update.link;
  if (update.note) next.note = update.note;
  if (update.lastError === null) delete next.lastError;
  else if (update.lastError) next.lastError = update.lastError;
  next.state = overallState(next.stages);
  next.updatedAt = now.toISOString();
  return next;
}
