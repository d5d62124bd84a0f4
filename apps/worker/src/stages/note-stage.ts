import { renderRoomNote } from '@ticket-rooms/helpdesk';
import { z } from 'zod';
import { StageError } from '../pipeline/stage-error';
import { defineStage, type HandoffRoom, type StageContext } from './context';
import { linkStage } from './link-stage';
import { roomStage } from './room-stage';

export const LedgerNote = z.object({
  id: z.string(),
  /** The ticket already carried the note (a retry after a lost answer, or a second run). */
  alreadyPresent: z.boolean(),
});
export type LedgerNote = z.infer<typeof LedgerNote>;

/** The room the note links to: handed over with the job, else as the ledger has it. */
function noteRoom(ctx: StageContext): HandoffRoom {
  if (ctx.handoff) return ctx.handoff;
  const room = ctx.resultOf(roomStage);
  const link = ctx.resultOf(linkStage);
  if (!room || !link) throw new Error('helpdesk stage without a room and link to post');
  return { id: room.id, title: room.title, url: link.url };
}

/**
 * The note: the room's link as an internal note on the ticket. The writer reads the ticket back
 * before posting, so a retry after a lost answer finds the note instead of posting a second one;
 * the ledger skips the stage entirely once the note id is recorded. Only a first attempt for a
 * room made just before it (`fresh`) posts without reading back: no note can be there yet.
 */
export const noteStage = defineStage({
  name: 'helpdesk',
  label: 'note',
  field: 'note',
  result: LedgerNote,
  lane: 'helpdesk',
  async run(ctx) {
    const helpdesk = ctx.helpdesk;
    if (!helpdesk) return { state: 'skipped', reason: `${ctx.event.source} tickets have no helpdesk to write back to` };
    if (!helpdesk.writer) {
      throw new StageError('helpdesk', {
        code: 'NOT_CONFIGURED',
        retryable: false,
        message: `the ${helpdesk.vendor} write-back is not configured; set ${helpdesk.variables.join(', ')} and retry this job`,
      });
    }
    const room = noteRoom(ctx);
    const note = renderRoomNote({ roomTitle: room.title, url: room.url, key: ctx.key });
    // Reading the ticket back and posting are one step: check ownership before both.
    await ctx.beforeCreate();
    const posted = room.fresh
      ? { ...(await helpdesk.writer.addNote(ctx.event.ticketId, note)), alreadyPresent: false }
      : await helpdesk.writer.ensureNote(ctx.event.ticketId, note);
    const where = `${ctx.event.source} ticket ${ctx.event.ticketId}`;
    return {
      state: 'done',
      result: { id: posted.noteId, alreadyPresent: posted.alreadyPresent },
      summary: posted.alreadyPresent
        ? `note ${posted.noteId} was already on ${where}`
        : `posted note ${posted.noteId} on ${where}`,
      details: { noteId: posted.noteId, roomId: room.id },
    };
  },
});
