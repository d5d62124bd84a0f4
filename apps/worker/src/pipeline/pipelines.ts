import type { EventKind } from '@ticket-rooms/core';
import { archiveStage } from '../stages/archive-stage';
import type { StageDefinition } from '../stages/context';
import { foldersStage } from '../stages/folders-stage';
import { linkStage } from '../stages/link-stage';
import { noteStage } from '../stages/note-stage';
import { renameStage } from '../stages/rename-stage';
import { roomStage } from '../stages/room-stage';
import { routeStage } from '../stages/route-stage';
import { shareStage } from '../stages/share-stage';

/**
 * The pipeline of each job kind: its stages in the order they run. Step numbers, "step N of M",
 * the ledger's fields and schemas, and when a ticket counts as done all derive from these lists,
 * so adding a stage is its file plus one line here.
 */
/**
 * Every event of a ticket picks its routing rule once (recorded, so a rule change applies to new
 * tickets only), then brings its room to what the ticket says now: made (unless it has one),
 * furnished, shared and linked once, then renamed and archived or unarchived whenever the
 * ticket's latest subject and status differ from the room, and the link posted on the ticket
 * once. The order of events does not matter: each job reconciles to the ledger's latest state.
 */
const TICKET = [
  routeStage,
  roomStage,
  foldersStage,
  shareStage,
  linkStage,
  renameStage,
  archiveStage,
  noteStage,
] as const;

export const PIPELINES = {
  'ticket.created': TICKET,
  'ticket.status_changed': TICKET,
  'ticket.subject_changed': TICKET,
  'ticket.deleted': TICKET,
  // The room is checked against DocSpace first (room-processor.ts); what is gone is made again.
  'ticket.repair': TICKET,
  // The room first; the new files are then listed and copied on the attachments queue.
  'ticket.attachment_added': TICKET,
} as const satisfies Record<EventKind, readonly StageDefinition[]>;

export type PipelineKind = keyof typeof PIPELINES;
export type Pipeline = (typeof PIPELINES)[PipelineKind];

/** Every stage of every pipeline, once each, in the order first met. */
type AllStages = Pipeline[number];
export const ALL_STAGES: readonly AllStages[] = [...new Set(Object.values(PIPELINES).flat())];

export type StageName = AllStages['name'];
export const STAGE_NAMES: readonly StageName[] = ALL_STAGES.map((s) => s.name);

/** The stages of a ticket's creation, by name: what the demo and the ticket lookup show. */
export const STAGES: readonly StageName[] = PIPELINES['ticket.created'].map((s) => s.name);

/** Whether a stage reconciles (runs on every event and acts only on a change) rather than runs once. */
export function isReconciling(name: StageName): boolean {
  return (ALL_STAGES as readonly StageDefinition[]).some((s) => s.name === name && s.reconcile === true);
}

/** How a reader knows a stage: its label, else its name. */
export function stageLabel(name: StageName): string {
  const stage: StageDefinition | undefined = ALL_STAGES.find((s) => s.name === name);
  return stage?.label ?? name;
}

/** Each stage's result type, by the ledger field it is kept in. */
export type StageResults = {
  [S in AllStages as S['field']]?: S extends StageDefinition<string, string, infer R> ? R : never;
};

/** The pipeline of a job kind; `undefined` for a name no pipeline has (a job from a newer release). */
export function pipelineOf(kind: string): Pipeline | undefined {
  return Object.hasOwn(PIPELINES, kind) ? PIPELINES[kind as PipelineKind] : undefined;
}

/** Where a stage sits in its pipeline, for the progress Bull Board shows: step `step` of `of`. */
export function stepOf(pipeline: Pipeline, stage: StageDefinition): { step: number; of: number } {
  return { step: pipeline.indexOf(stage as never) + 1, of: pipeline.length };
}
