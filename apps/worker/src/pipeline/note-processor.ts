import { NoteJobData } from '@ticket-rooms/core';
import { type Job, UnrecoverableError } from 'bullmq';
import { pipelineOf } from './pipelines';
import { describeIssues } from './room-processor';
import { type RunnerDeps, runLane } from './runner';

export interface NoteJobResult {
  noteId: string | undefined;
  alreadyPresent: boolean;
}

/**
 * A notes queue's processor: the write-back stages of the ticket's pipeline, with the room the
 * rooms queue handed over. The same runner as the rooms queue, so the same checkpoints, log lines
 * and lock-ownership check before anything is posted.
 */
export function createNoteProcessor(deps: RunnerDeps) {
  return async function processNoteJob(job: Job, token?: string): Promise<NoteJobResult> {
    const parsed = NoteJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${describeIssues(parsed.error)}`);
    const { event, room, roomMadeIn } = parsed.data;
    const pipeline = pipelineOf(event.kind);
    if (!pipeline) throw new UnrecoverableError(`no pipeline for job kind "${event.kind}" in this worker`);
    // No note can be on the ticket yet when the room job that queued this one made the room, Redis
    // has run as the same server since (so the job's start count is whole), and this is the job's
    // first start: then nothing needs reading back before the post.
    const fresh =
      roomMadeIn !== undefined &&
      roomMadeIn === deps.redisEpoch?.() &&
      job.attemptsStarted <= 1 &&
      job.attemptsMade === 0;
    const run = await runLane(
      { job, token, lane: 'helpdesk', queue: deps.queue, pipeline, event, handoff: { ...room, fresh } },
      deps,
    );
    const note = run.entry.note;
    if (note) {
      deps.logger.info(
        { jobId: job.id, ticket: run.key, stage: 'helpdesk', noteId: note.id, roomId: room.id },
        `helpdesk: note ${note.id} on ${event.source} ticket ${event.ticketId}${note.alreadyPresent ? ' (already there)' : ''}`,
      );
    }
    return { noteId: note?.id, alreadyPresent: note?.alreadyPresent ?? false };
  };
}
