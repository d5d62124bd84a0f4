import {
  NOTE_JOB_NAME,
  type NoteJobData,
  type NotesQueueName,
  notesQueueFor,
  RoomJobData,
  roomJobOptions,
  type TicketEvent,
  ticketKey,
} from '@ticket-rooms/core';
import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import { emptyEntry, isDone, type LedgerEntry, mergeUpdate, ROOM_STAGES, type RoomStageName } from '../ledger/entry';
import type { CheckpointTrail } from '../ledger/ledger';
import type { DocspacePort, RoomSettings, StageContext, StageResult } from '../stages/context';
import { runFoldersStage } from '../stages/folders-stage';
import { runLinkStage } from '../stages/link-stage';
import { runRoomStage } from '../stages/room-stage';
import { runShareStage } from '../stages/share-stage';
import { type FailureContext, failStage } from './queue-behaviour';

export interface RoomProcessorDeps extends FailureContext {
  docspace: DocspacePort;
  settings: RoomSettings;
  notesQueues: Record<NotesQueueName, Queue>;
  /** True once shutdown began: the job goes back to the queue before its next stage. */
  stopping(): boolean;
  lockDurationMs: number;
  /** BullMQ's Redis keys of a rooms job, for writing its log and progress with the checkpoint. */
  jobKeys(jobId: string): CheckpointTrail['keys'];
}

export interface RoomJobResult {
  key: string;
  roomId: number;
  url: string;
  /** The note job's id, or why there is none. */
  note: { jobId: string } | { skipped: string };
}

const NUMBER: Record<RoomStageName, number> = { room: 1, folders: 2, share: 3, link: 4 };

/** What the job shows in Bull Board as its progress. */
export interface RoomJobProgress {
  stage: RoomStageName | 'helpdesk';
  step: number;
  of: number;
  done: string[];
}

function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'data'}: ${i.message}`).join('; ');
}

/**
 * The rooms queue's processor: room → folders → share → link, checkpointed in the ticket ledger
 * after every stage, then the helpdesk note handed to the vendor's notes queue. A stage whose
 * result is in the ledger is skipped, so a retry, a restarted worker or an operator's "retry"
 * resumes where the last run stopped.
 */
export function createRoomProcessor(deps: RoomProcessorDeps) {
  return async function processRoomJob(job: Job, token?: string): Promise<RoomJobResult> {
    // 1. Read the job. Data that does not parse will never parse: fail at once.
    const parsed = RoomJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${describeIssues(parsed.error)}`);
    const event = parsed.data.event;
    const key = ticketKey(event);
    const log = deps.logger.child({ jobId: job.id, ticket: key, source: event.source, ticketId: event.ticketId });

    // 2. Resume from the ledger.
    let entry: LedgerEntry =
      (await deps.ledger.read(event)) ??
      emptyEntry({ key, source: event.source, tenant: event.tenant, ticketId: event.ticketId }, new Date());
    let freshRoom = false;

    // 3. Run each stage that is not in the ledger yet. The first stage's progress is written on
    //    its own; every later one's goes out with the checkpoint before it.
    let progressWritten: Promise<unknown> | undefined;
    for (const stage of ROOM_STAGES) {
      if (isDone(entry.stages[stage])) continue;
      if (deps.stopping()) {
        // Shutdown: the stage in hand is checkpointed; hand the job back without using an attempt.
        await job.log(`${stage}: worker shutting down; job handed back before this stage`);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (progressWritten === undefined) {
        // Shown in Bull Board while the stage runs; written alongside the stage's first call
        // rather than before it, which saves a round trip.
        progressWritten = job.updateProgress(progressOf(stage, entry));
      }
      const started = performance.now();
      let result: StageResult;
      let ownershipChecked = false;
      try {
        const ctx: StageContext = {
          event,
          entry,
          docspace: deps.docspace,
          settings: deps.settings,
          freshRoom,
          beforeCreate: async () => {
            // Once per stage, right before its first create: a lock lost later in the same stage
            // would need the event loop blocked for a whole lock duration in between.
            if (token === undefined || ownershipChecked) return;
            ownershipChecked = true;
            // Renewing the lock fails when we no longer own the job: then another worker may be
            // running it, and creating now could make a duplicate.
            const owned = await job.extendLock(token, deps.lockDurationMs);
            if (!owned) throw new Error(`worker lost the lock of job ${job.id}; another worker takes it from here`);
          },
        };
        result = await runStage(stage, ctx);
        // A room made in this run is empty: the folders stage need not list it.
        if (stage === 'room') freshRoom = result.update.room?.origin === 'created';
      } catch (err) {
        deps.metrics.stageDuration.observe({ stage, result: 'error' }, (performance.now() - started) / 1000);
        await progressWritten.catch(() => {});
        return failStage(err, stage, job, event, deps, entry.lastError);
      }
      // The checkpoint, the operator's log line and the next stage's progress: one script.
      const next = mergeUpdate(entry, result.update, new Date());
      const nextStage = ROOM_STAGES.find((s) => NUMBER[s] > NUMBER[stage] && !isDone(next.stages[s]));
      const progress = nextStage === undefined ? undefined : progressOf(nextStage, next);
      await Promise.all([
        progressWritten,
        deps.ledger.write(event, result.update, {
          keys: deps.jobKeys(job.id as string),
          jobId: job.id as string,
          log: `${stage}: ${result.summary}`,
          ...(job.opts.keepLogs === undefined ? {} : { keepLogs: job.opts.keepLogs }),
          ...(progress === undefined ? {} : { progress }),
        }),
      ]);
      if (progress !== undefined) job.progress = progress;
      entry = next;
      const state = result.update.stage?.state ?? 'done';
      deps.metrics.stageDuration.observe({ stage, result: state }, (performance.now() - started) / 1000);
      log.debug({ stage, state, ...result.details }, `${stage}: ${result.summary}`);
      if (result.warning) log.warn({ stage, ...result.details }, `${stage}: ${result.warning}`);
    }

    // 4. Hand the note to the vendor's queue; a ticket from the generic route has no helpdesk.
    const room = entry.room;
    const link = entry.link;
    if (!room || !link) throw new Error('the ledger lacks the room or link after the DocSpace stages');
    const note = await enqueueNote(deps, job, event, key, { id: room.id, title: room.title, url: link.url }, entry);
    // One line per ticket at info with every id; the per-stage lines are at debug and in the job log.
    log.info(
      {
        roomId: room.id,
        origin: room.origin,
        folders: entry.folders,
        share: entry.share?.granted,
        link: link.url,
        note: 'jobId' in note ? note.jobId : note.skipped,
      },
      `room ${room.id} ready for ${event.source} ticket ${event.ticketId}`,
    );
    return { key, roomId: room.id, url: link.url, note };
  };
}

function progressOf(stage: RoomStageName, entry: LedgerEntry): RoomJobProgress {
  return { stage, step: NUMBER[stage], of: 5, done: ROOM_STAGES.filter((s) => isDone(entry.stages[s])) };
}

async function runStage(stage: RoomStageName, ctx: StageContext): Promise<StageResult> {
  switch (stage) {
    case 'room':
      return runRoomStage(ctx);
    case 'folders':
      return runFoldersStage(ctx);
    case 'share':
      return runShareStage(ctx);
    case 'link':
      return runLinkStage(ctx);
  }
}

/** The notes job id of a ticket: `note-<key>` (BullMQ ids must not contain `:`). */
export function noteJobId(key: string): string {
  return `note-${key}`;
}

async function enqueueNote(
  deps: RoomProcessorDeps,
  job: Job,
  event: TicketEvent,
  key: string,
  room: NoteJobData['room'],
  entry: LedgerEntry,
): Promise<RoomJobResult['note']> {
  if (isDone(entry.stages.helpdesk)) {
    return { skipped: entry.reasons.helpdesk ?? 'the note is already on the ticket' };
  }
  const queueName = notesQueueFor(event.source);
  if (queueName === undefined) {
    const reason = 'tickets from the generic route have no helpdesk to write back to';
    await deps.ledger.write(event, { stage: { name: 'helpdesk', state: 'skipped', reason } });
    await job.log(`helpdesk: skipped: ${reason}`);
    return { skipped: reason };
  }
  const jobId = noteJobId(key);
  const data: NoteJobData = { key, event, room };
  // The same job id for every run: a second room run cannot queue a second note.
  await Promise.all([
    deps.notesQueues[queueName].add(NOTE_JOB_NAME, data, { ...roomJobOptions(), jobId }),
    job.log(`helpdesk: note queued on ${queueName} as ${jobId}`),
  ]);
  return { jobId };
}
