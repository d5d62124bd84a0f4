import { FINDINGS_NOTE_JOB_NAME, FindingsNoteJobData } from '@ticket-rooms/core';
import { type Job, UnrecoverableError } from 'bullmq';
import { failStage } from '../pipeline/queue-behaviour';
import { describeIssues } from '../pipeline/room-processor';
import type { RunnerDeps } from '../pipeline/runner';
import type { FindingsLedger } from './findings-ledger';
import { renderFindingsNote } from './findings-note';

export type FindingsNoteResult = { noteId: string; files: number; alreadyPresent: boolean } | { skipped: string };

/**
 * Posts one findings batch of a ticket, on the ticket's notes queue (so under its vendor's rate
 * limit and 429 pauses). The batch is closed first, so files arriving meanwhile open the next
 * batch; the note's marker is made from the batch's file ids, so a retry after a lost answer, or
 * after a crash before the files were recorded as noted, finds the note instead of posting again.
 */
export function createFindingsNoteProcessor(deps: RunnerDeps & { findings: FindingsLedger }) {
  return async function processFindingsNote(job: Job): Promise<FindingsNoteResult> {
    const parsed = FindingsNoteJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${describeIssues(parsed.error)}`);
    const { key, ticket, batchId } = parsed.data;
    const helpdesk = deps.helpdeskOf(ticket.source);
    if (!helpdesk?.writer) {
      throw new UnrecoverableError(
        `${ticket.source} write-back is not configured (${helpdesk?.variables.join(', ') ?? 'no writer'}): findings are not noted`,
      );
    }
    // 1. Close the batch and read what it holds.
    const files = await deps.findings.close(key, batchId);
    const ids = [...files.keys()];
    if (ids.length === 0) return { skipped: `findings batch ${batchId} of ${key} is empty` };
    // 2. Already recorded as noted: a rerun after the record was written.
    const noted = await deps.findings.notedOf(key, ids);
    if (noted.size === ids.length) return { skipped: `findings batch ${batchId} of ${key} is already noted` };
    // 3. Post (or find) the one note, then record it against every file of the batch.
    const note = renderFindingsNote(key, files);
    let posted: { noteId: string; alreadyPresent: boolean };
    try {
      posted = await helpdesk.writer.ensureNote(ticket.ticketId, note);
    } catch (err) {
      return failStage(err, 'helpdesk', job, undefined, deps);
    }
    await deps.findings.recordNoted(key, ids, posted.noteId);
    await job.log(
      `note ${posted.noteId} lists ${ids.length} finding(s) of batch ${batchId}${posted.alreadyPresent ? ' (already there)' : ''}`,
    );
    deps.logger.info(
      { jobId: job.id, ticket: key, noteId: posted.noteId, files: ids.length },
      `findings: note ${posted.noteId} on ${ticket.source} ticket ${ticket.ticketId}${posted.alreadyPresent ? ' (already there)' : ''}`,
    );
    return { noteId: posted.noteId, files: ids.length, alreadyPresent: posted.alreadyPresent };
  };
}

/** A notes queue's processor that also takes findings notes: the room notes' processor is unchanged. */
export function withFindingsNotes<R>(
  notes: (job: Job, token?: string) => Promise<R>,
  findings: (job: Job) => Promise<FindingsNoteResult>,
): (job: Job, token?: string) => Promise<R | FindingsNoteResult> {
  return (job, token) => (job.name === FINDINGS_NOTE_JOB_NAME ? findings(job) : notes(job, token));
}
