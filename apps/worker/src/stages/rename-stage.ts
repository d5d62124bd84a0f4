import { sanitizeTitle } from '@ticket-rooms/docspace-client';
import { z } from 'zod';
import { defineStage } from './context';
import { type LedgerRoom, roomOf } from './room-stage';
import { renderRoomTitle } from './title';

export const LedgerRename = z.object({
  title: z.string(),
  /** The subject change it applied: its vendor time and delivery, so it is applied once. */
  at: z.string(),
  delivery: z.string(),
});
export type LedgerRename = z.infer<typeof LedgerRename>;

/**
 * The rename: reconciles the room's title with the ticket's latest subject (`ROOM_RENAME`), with
 * the same template and sanitizing as at creation. A subject change is applied once; an older one
 * never reaches here (the ledger keeps the newest by event time). DocSpace refuses to rename an
 * archived room, so one is unarchived first and the archive stage, which runs next, archives it
 * again if the ticket still wants it archived.
 */
export const renameStage = defineStage({
  name: 'rename',
  field: 'rename',
  result: LedgerRename,
  lane: 'docspace',
  reconcile: true,
  async run(ctx) {
    const wanted = ctx.desired.subject;
    if (!ctx.settings.lifecycle.rename || wanted === undefined) return { state: 'in-sync' };
    const room = roomOf(ctx, 'rename');
    const applied = ctx.resultOf(renameStage);
    if (applied && applied.at === wanted.at && applied.delivery === wanted.delivery) return { state: 'in-sync' };
    const title = sanitizeTitle(
      renderRoomTitle(ctx.settings.titleTemplate, { ...ctx.event, subject: wanted.value }),
      'room',
    );
    const result: LedgerRename = { title, at: wanted.at, delivery: wanted.delivery };
    if (title === room.title || title === '') {
      // Already so (the room was made with this subject): nothing to call, nothing to record.
      return { state: 'in-sync' };
    }
    const steps: string[] = [];
    let archived = room.archived;
    if (archived) {
      await ctx.beforeCreate();
      await ctx.docspace.unarchiveRoom(room.id);
      archived = false;
      steps.push(`unarchived room ${room.id} to rename it`);
    }
    await ctx.beforeCreate();
    const renamed = await ctx.docspace.renameRoom(room.id, title);
    steps.push(`renamed room ${room.id} from "${room.title}" to "${renamed.title}"`);
    const after: LedgerRoom = { ...room, title: renamed.title, archived };
    return {
      state: 'done',
      result: { ...result, title: renamed.title },
      also: { room: after },
      summary: steps.join('; '),
      details: { roomId: room.id, title: renamed.title, change: 'renamed' },
    };
  },
});
