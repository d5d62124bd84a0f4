import {
  ATTACHMENT_SYNC_JOB_NAME,
  type AttachmentSyncJobData,
  attachmentSyncJobId,
  NOTE_JOB_NAME,
  type NoteJobData,
  type NotesQueueName,
  RoomJobData,
  roomJobOptions,
  type TicketEvent,
} from '@ticket-rooms/core';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { LedgerEntry } from '../ledger/entry';
import { pipelineOf } from './pipelines';
import { checkRoomForRepair, type RepairDocspace } from './repair-check';
import { type JobProgress, type RunnerDeps, runLane } from './runner';

export interface RoomProcessorDeps extends RunnerDeps {
  notesQueues: Record<NotesQueueName, Queue>;
  /** What a repair checks the room with; without it a repair only redoes what the ledger lacks. */
  repairDocspace?: RepairDocspace;
  /** Where a ticket's attachments are listed and copied once its room exists; absent: not copied. */
  attachments?: { queue: Queue; copies(source: TicketEvent['source']): boolean };
}

export type RoomJobResult =
  | {
      key: string;
      /** The routing rule the ticket got. */
      rule: string;
      roomId: number;
      url: string;
      /** The note job's id, or why there is none. */
      note: { jobId: string } | { skipped: string };
    }
  | {
      key: string;
      rule: string;
      /** The rule gives the ticket no room (and so no note): why, as the ledger says it. */
      skipped: string;
    }
  /** The pipeline stopped before the room (a later event for a ticket with no room, when none is made). */
  | { key: string; rule: string; halted: string };

/** What the job shows in Bull Board as its progress. */
export type RoomJobProgress = JobProgress;

export function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'data'}: ${i.message}`).join('; ');
}

/**
 * The rooms queue's processor: the job's name is its kind, and the kind's pipeline runs its
 * DocSpace stages here, each checkpointed in the ticket ledger; the write-back stages are then
 * handed to the vendor's notes queue.
 */
export function createRoomProcessor(deps: RoomProcessorDeps) {
  return async function processRoomJob(job: Job, token?: string): Promise<RoomJobResult> {
    // 1. Read the job. Data or a kind that does not parse will never parse: fail at once.
    const pipeline = pipelineOf(job.name);
    if (!pipeline) throw new UnrecoverableError(`no pipeline for job kind "${job.name}" in this worker`);
    const parsed = RoomJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${describeIssues(parsed.error)}`);
    const event = parsed.data.event;
    const repairDocspace = deps.repairDocspace;
    const prepare =
      event.kind === 'ticket.repair' && repairDocspace
        ? () => checkRoomForRepair({ ...deps, docspace: repairDocspace }, job, event, pipeline)
        : undefined;

    // 2. The DocSpace stages (a repair checks the room first, holding the ticket).
    const run = await runLane(
      { job, token, lane: 'docspace', queue: deps.queue, pipeline, event, ...(prepare ? { prepare } : {}) },
      deps,
    );
    const { key, entry } = run;
    const rule = entry.route?.rule ?? 'default';
    if (entry.route?.skip) {
      const skipped = entry.reasons.room ?? `rule ${rule} gives this ticket no room`;
      deps.logger.info(
        { jobId: job.id, ticket: key, source: event.source, ticketId: event.ticketId, rule, skipped: true },
        `no room for ${event.source} ticket ${event.ticketId}: ${skipped}`,
      );
      return { key, rule, skipped };
    }
    if (run.halted !== undefined) return { key, rule, halted: run.halted };
    const room = entry.room;
    const link = entry.link;
    if (!room || !link) throw new Error('the ledger lacks the room or link after the DocSpace stages');

    // 3. Hand the rest to the vendor's notes queue; the same job id for every run, so a second
    //    room run cannot queue a second note. 4. The attachments, on their own queue: the link
    //    does not wait for them. Both go out together: neither depends on the other.
    const handoffs: Array<Promise<unknown>> = [];
    let note: { jobId: string } | { skipped: string };
    if (run.next) {
      const queueName = deps.queueOf(run.next.lane, event.source) as NotesQueueName;
      // A repair's note is its own job: the creation's note job may still be retained, completed.
      const jobId = event.kind === 'ticket.repair' ? `note-${job.id}` : noteJobId(key);
      // A room this run created has no note yet: said with the Redis epoch it was made in.
      const madeIn = run.ran.has('room') && room.origin === 'created' ? deps.redisEpoch?.() : undefined;
      const data: NoteJobData = {
        key,
        event,
        room: { id: room.id, title: room.title, url: link.url },
        ...(madeIn === undefined ? {} : { roomMadeIn: madeIn }),
      };
      handoffs.push(
        deps.notesQueues[queueName].add(NOTE_JOB_NAME, data, { ...roomJobOptions(), jobId }),
        job.log(`${run.next.name}: note queued on ${queueName} as ${jobId}`),
      );
      note = { jobId };
    } else {
      note = { skipped: skippedNote(entry) };
    }
    if (deps.attachments?.copies(event.source)) {
      const data: AttachmentSyncJobData = { key, event };
      const jobId = attachmentSyncJobId(key, event);
      handoffs.push(deps.attachments.queue.add(ATTACHMENT_SYNC_JOB_NAME, data, { ...roomJobOptions(), jobId }));
    }
    await Promise.all(handoffs);
    // One line per ticket at info with every id; the per-stage lines are at debug and in the job log.
    deps.logger.info(
      {
        jobId: job.id,
        ticket: key,
        source: event.source,
        ticketId: event.ticketId,
        roomId: room.id,
        rule,
        origin: room.origin,
        folders: entry.folders,
        share: entry.share?.granted,
        link: link.url,
        note: 'jobId' in note ? note.jobId : note.skipped,
      },
      `room ${room.id} ready for ${event.source} ticket ${event.ticketId}`,
    );
    return { key, rule, roomId: room.id, url: link.url, note };
  };
}

function skippedNote(entry: LedgerEntry): string {
  return entry.reasons.helpdesk ?? 'the note is already on the ticket';
}

/** The notes job id of a ticket: `note-<key>` (BullMQ ids must not contain `:`). */
export function noteJobId(key: string): string {
  return `note-${key}`;
}

export type { TicketEvent };
