import { roomTag } from '@ticket-rooms/core';
import type { LedgerRoom } from '../ledger/entry';
import type { StageContext, StageResult } from './context';
import { renderRoomTitle } from './title';

/** Every room we create carries this tag too, so operators can list them all in DocSpace. */
export const PRODUCT_TAG = 'ticket-rooms';

/**
 * Stage 1, the room: found by the ticket's own tag (archived rooms included), else created with
 * it. DocSpace allows duplicate titles, so the tag is what stops a retry after a lost answer from
 * creating a second room. If an accident ever left several, the oldest is the ticket's room.
 */
export async function runRoomStage(ctx: StageContext): Promise<StageResult & { room: LedgerRoom }> {
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
      room,
      update: { stage: { name: 'room', state: 'done' }, room, lastError: null },
      summary: `found room ${room.id} "${room.title}" by tag ${tag}${room.archived ? ' (archived)' : ''}`,
      details: { roomId: room.id, tag, origin: 'found', archived: room.archived },
      ...(extra.length > 0
        ? { warning: `rooms ${extra.join(', ')} carry the same tag ${tag}; room ${room.id}, the oldest, is used` }
        : {}),
    };
  }
  const title = renderRoomTitle(ctx.settings.titleTemplate, ctx.event);
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
    room,
    update: { stage: { name: 'room', state: 'done' }, room, lastError: null },
    summary: `created room ${room.id} "${room.title}" with tag ${tag}`,
    details: { roomId: room.id, tag, origin: 'created' },
  };
}
