import type { DesiredValue, TicketEvent, TicketStatus, TrackedField } from '@ticket-rooms/core';
import type { DocspaceClient, RoomOptions, RoomType } from '@ticket-rooms/docspace-client';
import type { NoteWriter } from '@ticket-rooms/helpdesk';
import type { z } from 'zod';
import type { FolderNode } from './folder-plan';
import type { ShareTarget } from './share-plan';
import type { ShareResolver } from './share-resolver';

/** The part of the DocSpace client the stages use. */
export type DocspacePort = Pick<
  DocspaceClient,
  | 'findRoomsByTag'
  | 'createRoom'
  | 'listFolders'
  | 'createFolder'
  | 'setRoomAccess'
  | 'findUserByEmail'
  | 'findGroups'
  | 'getPrimaryLink'
  | 'listRoomLinks'
  | 'setRoomLink'
  | 'roomPortalUrl'
  | 'archiveRoom'
  | 'unarchiveRoom'
  | 'renameRoom'
>;

/** How a room follows its ticket after it is made. */
export interface LifecycleSettings {
  /** Statuses that archive the room (`ROOM_ARCHIVE_ON`); any other known status unarchives it. */
  archiveOn: ReadonlySet<TicketStatus>;
  /** Rename the room when the ticket's subject changes (`ROOM_RENAME`). */
  rename: boolean;
  /** What a deleted ticket does to its room (`ROOM_ON_TICKET_DELETED`). */
  onDeleted: 'archive' | 'keep';
  /** An update for a ticket with no room makes the room first (`ROOM_CREATE_ON_UPDATE`). */
  createOnUpdate: boolean;
}

export interface RoomSettings {
  type: RoomType;
  titleTemplate: string;
  folders: readonly FolderNode[];
  share: readonly ShareTarget[];
  /** Settings stored with every new room (ROOM_INDEXING, ROOM_DENY_DOWNLOAD, ROOM_COLOR, …). */
  options?: RoomOptions;
  lifecycle: LifecycleSettings;
  /** The routing rule these settings come from (`default` without one); see `routing/`. */
  rule?: string;
  /** The rule gives the ticket no room: every stage after the route is skipped. */
  skip?: boolean;
  /** Whether the room is archived when its ticket is solved; unset: the lifecycle's default. */
  archiveOnSolve?: boolean;
}

/** The routing rules as stages see them: the rule a new ticket gets, and a recorded rule's settings. */
export interface RoutingPort {
  pick(event: TicketEvent): { name: string; settings: RoomSettings };
  settingsFor(rule: string | undefined): RoomSettings;
}

/**
 * Where a stage runs: `docspace` stages on the rooms queue, `helpdesk` stages on the ticket's
 * vendor's notes queue, so a 429 at one side never holds up the other.
 */
export type Lane = 'docspace' | 'helpdesk';

export type StageState = 'pending' | 'done' | 'skipped' | 'failed';

/** The helpdesk a ticket came from, as its write-back stages see it. */
export interface HelpdeskPort {
  vendor: string;
  /** `undefined` when the vendor's write-back variables are not set. */
  writer: NoteWriter | undefined;
  /** The variables that configure the write-back, for the message when they are missing. */
  variables: readonly string[];
}

/** The room a docspace lane hands to the helpdesk lane with the job (its id, title and link). */
export interface HandoffRoom {
  id: number;
  title: string;
  url: string;
  /** No attempt before this one can have posted the room's note (see `note-processor.ts`). */
  fresh?: boolean;
}

export interface StageContext {
  event: TicketEvent;
  /** What the ticket is now, as the ledger records it (latest value of each tracked field). */
  desired: Partial<Record<TrackedField, DesiredValue>>;
  /** The ticket's idempotency key. */
  key: string;
  /** What an earlier stage recorded in the ledger, validated by its schema; `undefined` before it ran. */
  resultOf<R>(stage: StageDefinition<string, string, R>): R | undefined;
  /** The stage finished earlier in this same run (so, for example, a room made now is known to be empty). */
  ranThisRun(stage: StageDefinition): boolean;
  docspace: DocspacePort;
  /** Turns `ROOM_SHARE` emails and group names into ids, remembering them across jobs. */
  shareResolver: ShareResolver;
  /** The settings of the routing rule recorded for the ticket (the default's before the route stage). */
  settings: RoomSettings;
  routing: RoutingPort;
  /** The ticket's helpdesk; `undefined` for sources with nothing to write back to. */
  helpdesk: HelpdeskPort | undefined;
  /** The room handed over with a helpdesk-lane job. */
  handoff: HandoffRoom | undefined;
  /**
   * Called right before every request that creates something. It throws when this worker no
   * longer owns the job (its lock expired and another worker may be running it), so two workers
   * never create the same thing side by side. It checks with Redis once per stage.
   */
  beforeCreate(): Promise<void>;
}

/** What a stage did. `result` goes to the stage's ledger field; `summary` to the job log. */
export type StageOutcome<R> =
  | {
      state: 'done';
      result: R;
      summary: string;
      details?: Record<string, unknown>;
      /** Something an operator should look at, though the stage succeeded. */
      warning?: string;
      /** What the stage changed in other stages' records (a renamed or archived room). */
      also?: Readonly<Record<string, unknown>>;
      /** Decided without calling anyone: its checkpoint may go out with the next stage's. */
      local?: boolean;
    }
  | { state: 'skipped'; reason: string; result?: R; details?: Record<string, unknown>; local?: boolean }
  /** A reconciling stage found the room as the ticket wants it: nothing written, nothing logged. */
  | { state: 'in-sync'; warning?: string }
  /** The pipeline stops here for this job (nothing to act on yet); nothing is recorded for the stage. */
  | { state: 'halt'; reason: string };

/**
 * A stage as one value: its name, the ledger field and zod schema of its result, where it runs,
 * and `run`. Everything numbered or counted about stages derives from the pipeline lists that
 * hold these values (see `pipeline/pipelines.ts`).
 */
export interface StageDefinition<N extends string = string, F extends string = string, R = unknown> {
  readonly name: N;
  /** What a reader calls it, where that differs from its name (the demo's progress line). */
  readonly label?: string;
  /** The ledger field its result is kept in (one JSON field per stage). */
  readonly field: F;
  /** Checks the result when the ledger is read back, so a corrupt entry never reaches a stage. */
  readonly result: z.ZodType<R>;
  readonly lane: Lane;
  /**
   * A reconciling stage runs in every job of its pipeline, done or not, and compares the ticket's
   * desired state with the room; it counts towards the ticket's state only once it has acted.
   */
  readonly reconcile?: boolean;
  /**
   * Calls nobody (it decides from the event and the settings alone): its checkpoint follows at
   * once and carries the next stage's progress, so it writes no progress of its own.
   */
  readonly local?: boolean;
  run(ctx: StageContext): Promise<StageOutcome<R>>;
}

/** Declares a stage, keeping its literal name and field for the types derived from pipelines. */
export function defineStage<const N extends string, const F extends string, R>(
  stage: StageDefinition<N, F, R>,
): StageDefinition<N, F, R> {
  return stage;
}

/** A skipped outcome, decided before calling anyone: the reason is the job log line too. */
export function skipped(reason: string): StageOutcome<never> {
  return { state: 'skipped', reason, local: true };
}
