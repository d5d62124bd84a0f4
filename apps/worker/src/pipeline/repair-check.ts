import type { Logger, TicketEvent } from '@ticket-rooms/core';
import { isVendorError } from '@ticket-rooms/core';
import { type DocspaceClient, DocspaceError, type Room } from '@ticket-rooms/docspace-client';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Ledger } from '../ledger/ledger';
import type { Pipeline } from './pipelines';

export type RepairDocspace = Pick<DocspaceClient, 'getRoom' | 'unarchiveRoom'>;

/**
 * The first step of an operator's repair (`ticket.repair`), before the pipeline's stages: the
 * ledger's room is checked against DocSpace. A room deleted by hand is forgotten with everything
 * made inside it (folders, share, link, note), so the stages find it by its tag or create it
 * again; an archived one is unarchived first, and its link and note are redone (an archived room
 * had only its portal URL). A room that is there and active changes nothing: every stage is in
 * the ledger, so the run that follows does nothing either. Safe to run again after a crash: a
 * forgotten room is no longer checked, and the room stage finds or makes it by its tag.
 */
export async function checkRoomForRepair(
  deps: { docspace: RepairDocspace; ledger: Ledger; logger: Logger },
  job: Job,
  event: TicketEvent,
  pipeline: Pipeline,
): Promise<void> {
  const entry = await deps.ledger.read(event);
  const room = entry?.room;
  if (!room) {
    await job.log('repair: no room in the ledger yet; the stages make what is missing');
    return;
  }
  let current: Room | undefined;
  try {
    current = await deps.docspace.getRoom(room.id);
  } catch (err) {
    if (!(err instanceof DocspaceError && err.code === 'NOT_FOUND')) throw classified(err, room.id);
  }
  // Archived as the ledger says (its ticket is solved, say) or active as it says: as it should be.
  if (current && current.archived === room.archived) {
    const state = current.archived ? 'archived, as its ticket wants' : 'active';
    await job.log(`repair: room ${room.id} is in DocSpace and ${state}; nothing to repair`);
    return;
  }
  if (current?.archived)
    await deps.docspace.unarchiveRoom(room.id).catch((err: unknown) => Promise.reject(classified(err, room.id)));
  // The stages of the room and of what lives in it, the room stage first.
  await deps.ledger.forget(event, pipeline);
  const what = current ? `was archived; unarchived it` : 'is gone from DocSpace';
  await job.log(`repair: room ${room.id} ${what}; its room, folders, share, link and note are redone`);
  deps.logger.info({ jobId: job.id, roomId: room.id }, `repair: room ${room.id} ${what}`);
}

/**
 * A DocSpace error of the check, as the job should take it: one that retrying cannot mend (a
 * key DocSpace refuses, a room the key may not see) fails the repair at once, saying so; an
 * outage or a 429 is thrown as it is, for the job's retries.
 */
function classified(err: unknown, roomId: number): unknown {
  if (!isVendorError(err) || err.retryable) return err;
  return new UnrecoverableError(`repair: could not check room ${roomId} in DocSpace: ${err.message}`);
}
