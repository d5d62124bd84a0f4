import { NoteJobData } from '@ticket-rooms/core';
import { type NoteWriter, renderRoomNote } from '@ticket-rooms/helpdesk';
import { type Job, UnrecoverableError } from 'bullmq';
import { WRITE_BACK_VARIABLES, type WriteBackVendor } from '../config/config';
import { isDone } from '../ledger/entry';
import type { CheckpointTrail } from '../ledger/ledger';
import { type FailureContext, failStage } from './queue-behaviour';
import type { RoomJobProgress } from './room-processor';
import { StageError } from './stage-error';

export interface NoteProcessorDeps extends FailureContext {
  vendor: WriteBackVendor;
  /** `undefined` when the vendor's write-back variables are not set. */
  writer: NoteWriter | undefined;
  /** BullMQ's Redis keys of a notes job, for writing its log line with the checkpoint. */
  jobKeys(jobId: string): CheckpointTrail['keys'];
}

export interface NoteJobResult {
  noteId: string | undefined;
  alreadyPresent: boolean;
}

/**
 * A notes queue's processor: stage 5, the helpdesk note. The writer reads the ticket back before
 * posting, so a retry after a lost answer finds the note instead of posting a second one; the
 * ledger skips the stage entirely once the note id is recorded.
 */
export function createNoteProcessor(deps: NoteProcessorDeps) {
  return async function processNoteJob(job: Job): Promise<NoteJobResult> {
    const parsed = NoteJobData.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid job data: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    const { key, event, room } = parsed.data;
    const entry = await deps.ledger.read(event);
    if (entry && isDone(entry.stages.helpdesk)) {
      return { noteId: entry.note?.id, alreadyPresent: true };
    }
    const progress: RoomJobProgress = { stage: 'helpdesk', step: 5, of: 5, done: [] };
    await job.updateProgress(progress);
    const started = performance.now();
    try {
      if (!deps.writer) {
        throw new StageError('helpdesk', {
          code: 'NOT_CONFIGURED',
          retryable: false,
          message: `the ${deps.vendor} write-back is not configured; set ${WRITE_BACK_VARIABLES[deps.vendor].join(', ')} and retry this job`,
        });
      }
      const note = renderRoomNote({ roomTitle: room.title, url: room.url, key });
      const result = await deps.writer.ensureNote(event.ticketId, note);
      const summary = result.alreadyPresent
        ? `note ${result.noteId} was already on ${event.source} ticket ${event.ticketId}`
        : `posted note ${result.noteId} on ${event.source} ticket ${event.ticketId}`;
      // The checkpoint and the job's log line: one script.
      await deps.ledger.write(
        event,
        {
          stage: { name: 'helpdesk', state: 'done' },
          note: { id: result.noteId, alreadyPresent: result.alreadyPresent },
          lastError: null,
        },
        {
          keys: deps.jobKeys(job.id as string),
          jobId: job.id as string,
          log: `helpdesk: ${summary}`,
          ...(job.opts.keepLogs === undefined ? {} : { keepLogs: job.opts.keepLogs }),
        },
      );
      deps.metrics.stageDuration.observe({ stage: 'helpdesk', result: 'done' }, (performance.now() - started) / 1000);
      deps.logger.info(
        { jobId: job.id, ticket: key, stage: 'helpdesk', noteId: result.noteId, roomId: room.id },
        `helpdesk: ${summary}`,
      );
      return { noteId: result.noteId, alreadyPresent: result.alreadyPresent };
    } catch (err) {
      deps.metrics.stageDuration.observe({ stage: 'helpdesk', result: 'error' }, (performance.now() - started) / 1000);
      return failStage(err, 'helpdesk', job, event, deps, entry?.lastError);
    }
  };
}
