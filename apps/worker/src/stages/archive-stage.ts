import { isTicketStatus, type TicketStatus } from '@ticket-rooms/core';
import { z } from 'zod';
import { defineStage, type LifecycleSettings } from './context';
import { type LedgerRoom, roomOf } from './room-stage';

export const LedgerArchive = z.object({
  archived: z.boolean(),
  /** The ticket status that decided it. */
  status: z.string(),
});
export type LedgerArchive = z.infer<typeof LedgerArchive>;

/** Whether a ticket in this status wants its room archived. */
export function wantsArchived(status: TicketStatus, lifecycle: LifecycleSettings): boolean {
  if (status === 'deleted') return lifecycle.onDeleted === 'archive';
  return lifecycle.archiveOn.has(status);
}

/**
 * The archive: reconciles the room's archived state with the ticket's latest status. A status in
 * `ROOM_ARCHIVE_ON` (solved, closed) archives it, any other known status (reopened) unarchives it,
 * a deleted ticket archives it under `ROOM_ON_TICKET_DELETED=archive`; an unknown status changes
 * nothing. Archiving is a long-running DocSpace operation that the client polls to its end, and
 * archiving an archived room is harmless, so a retry after a crash or a fault never doubles it.
 */
export const archiveStage = defineStage({
  name: 'archive',
  field: 'archive',
  result: LedgerArchive,
  lane: 'docspace',
  reconcile: true,
  async run(ctx) {
    const status = ctx.desired.status?.value;
    if (status === undefined) return { state: 'in-sync' };
    if (!isTicketStatus(status)) {
      return {
        state: 'in-sync',
        warning: `the ticket's status "${status}" is none of the known statuses; the room is left as it is`,
      };
    }
    const room = roomOf(ctx, 'archive');
    const archive = wantsArchived(status, ctx.settings.lifecycle);
    if (archive === room.archived) return { state: 'in-sync' };
    await ctx.beforeCreate();
    if (archive) await ctx.docspace.archiveRoom(room.id);
    else await ctx.docspace.unarchiveRoom(room.id);
    const after: LedgerRoom = { ...room, archived: archive };
    const change = archive ? 'archived' : 'unarchived';
    return {
      state: 'done',
      result: { archived: archive, status },
      also: { room: after },
      summary: `room ${room.id} ${change} (ticket ${status})`,
      details: { roomId: room.id, status, change },
    };
  },
});
