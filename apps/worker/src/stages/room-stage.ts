import { roomTag } from '@ticket-rooms/core';
import { isRoomType, type RoomType } from '@ticket-rooms/docspace-client';
import { z } from 'zod';
import { defineStage } from './context';
import { renderRoomTitle } from './title';

/** Every room we create carries this tag too, so operators can list them all in DocSpace. */
export const PRODUCT_TAG = 'ticket-rooms';

export const LedgerRoom = z.object({
  id: z.number().int(),
  title: z.string(),
  roomType: z.custom<RoomType>(isRoomType, { message: 'is not a DocSpace room type' }),
  archived: z.boolean(),
  /** `created` by us, or `found` by its tag (a retry after a lost answer, or an old room). */
  origin: z.enum(['created', 'found']),
});
export type LedgerRoom = z.infer<typeof LedgerRoom>;

/**
 * The room: found by the ticket's own tag (archived rooms included), else created with it.
 * DocSpace allows duplicate titles, so the tag is what stops a retry after a lost answer from
 * creating a second room. If an accident ever left several, the oldest is the ticket's room.
 */
export const roomStage = defineStage({
  name: 'room',
  field: 'room',
  result: LedgerRoom,
  lane: 'docspace',
  async run(ctx) {
    // 1. The room this ticket already has, found by its tag.
    const tag = roomTag(ctx.event);
    const found = await ctx.docspace.findRoomsByTag(tag, { includeArchived: true });
    if (found.length > 0) {
      const [oldest, ...others] = [...found].sort((a, b) => a.id - b.id);
      if (!oldest) throw new Error('unreachable: a non-empty list has a first element');
      const room: LedgerRoom = {
        id: oldest.id,
        title: oldest.title,
        roomType: oldest.roomType,
        archived: oldest.archived,
        origin: 'found',
      };
      const extra = others.map((r) => r.id);
      return {
        state: 'done',
        result: room,
        summary: `found room ${room.id} "${room.title}" by tag ${tag}${room.archived ? ' (archived)' : ''}`,
        details: { roomId: room.id, tag, origin: 'found', archived: room.archived },
        ...(extra.length > 0
          ? { warning: `rooms ${extra.join(', ')} carry the same tag ${tag}; room ${room.id}, the oldest, is used` }
          : {}),
      };
    }
    // 2. No room yet. A later event makes it first (then brings it to the ticket's state) unless
    //    that is turned off; a deleted ticket never gets one.
    if (ctx.event.kind === 'ticket.deleted') {
      return { state: 'halt', reason: 'the ticket was deleted before it had a room; none is made' };
    }
    if (ctx.event.kind !== 'ticket.created' && !ctx.settings.lifecycle.createOnUpdate) {
      return {
        state: 'halt',
        reason:
          'the ticket has no room yet and ROOM_CREATE_ON_UPDATE is false; its state is kept for when its creation arrives',
      };
    }
    // The title from the ticket's latest subject, when a later change is already recorded.
    const subject = ctx.desired.subject?.value ?? ctx.event.subject;
    const title = renderRoomTitle(ctx.settings.titleTemplate, { ...ctx.event, subject });
    await ctx.beforeCreate();
    const options = ctx.settings.options;
    const created = await ctx.docspace.createRoom({
      title,
      roomType: ctx.settings.type,
      tags: [tag, PRODUCT_TAG],
      ...(options && Object.keys(options).length > 0 ? { options } : {}),
    });
    const room: LedgerRoom = {
      id: created.id,
      title: created.title,
      roomType: created.roomType,
      archived: created.archived,
      origin: 'created',
    };
    return {
      state: 'done',
      result: room,
      summary: `created room ${room.id} "${room.title}" with tag ${tag}`,
      details: { roomId: room.id, tag, origin: 'created' },
    };
  },
});

/** The room of a later stage: the room stage runs first in every pipeline that needs one. */
export function roomOf(ctx: { resultOf: (s: typeof roomStage) => LedgerRoom | undefined }, stage: string): LedgerRoom {
  const room = ctx.resultOf(roomStage);
  if (!room) throw new Error(`${stage} stage without a room in the ledger`);
  return room;
}
