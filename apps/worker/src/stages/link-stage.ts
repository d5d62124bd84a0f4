import { allowsExternalLinks, roomTypeName } from '@ticket-rooms/docspace-client';
import type { LedgerLink } from '../ledger/entry';
import type { StageContext, StageResult } from './context';

/**
 * Stage 4, the link: DocSpace's primary external link where the room type has external links;
 * otherwise the room's portal URL, which needs a DocSpace login (collaboration rooms, the
 * default, cannot have external links). Asking for the primary link twice returns the same link.
 */
export async function runLinkStage(ctx: StageContext): Promise<StageResult & { link: LedgerLink }> {
  const room = ctx.entry.room;
  if (!room) throw new Error('link stage without a room in the ledger');
  const roomType = room.roomType as Parameters<typeof allowsExternalLinks>[0];
  let link: LedgerLink;
  let why: string;
  if (!room.archived && allowsExternalLinks(roomType)) {
    const primary = await ctx.docspace.getPrimaryLink(room.id);
    link = { url: primary.url, kind: 'external' };
    why = 'external link';
  } else {
    link = { url: ctx.docspace.roomPortalUrl(room.id, { archived: room.archived }), kind: 'portal' };
    why = room.archived
      ? 'portal URL (the room is archived)'
      : `portal URL (${roomTypeName(roomType)} rooms cannot have external links)`;
  }
  return {
    link,
    update: { stage: { name: 'link', state: 'done' }, link, lastError: null },
    summary: `${why} ${link.url}`,
    details: { roomId: room.id, url: link.url, kind: link.kind },
  };
}
