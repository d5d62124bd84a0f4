import { allowsExternalLinks, roomTypeName } from '@ticket-rooms/docspace-client';
import { z } from 'zod';
import { defineStage } from './context';
import { roomOf } from './room-stage';

export const LedgerLink = z.object({
  url: z.string(),
  /** `external`: a DocSpace share link; `portal`: the room's own URL, which needs a DocSpace login. */
  kind: z.enum(['external', 'portal']),
});
export type LedgerLink = z.infer<typeof LedgerLink>;

/**
 * The link: DocSpace's primary external link where the room type has external links; otherwise
 * the room's portal URL, which needs a DocSpace login (collaboration rooms, the default, cannot
 * have external links). Asking for the primary link twice returns the same link.
 */
export const linkStage = defineStage({
  name: 'link',
  field: 'link',
  result: LedgerLink,
  lane: 'docspace',
  async run(ctx) {
    const room = roomOf(ctx, 'link');
    let link: LedgerLink;
    let why: string;
    if (!room.archived && allowsExternalLinks(room.roomType)) {
      const primary = await ctx.docspace.getPrimaryLink(room.id);
      link = { url: primary.url, kind: 'external' };
      why = 'external link';
    } else {
      link = { url: ctx.docspace.roomPortalUrl(room.id, { archived: room.archived }), kind: 'portal' };
      why = room.archived
        ? 'portal URL (the room is archived)'
        : `portal URL (${roomTypeName(room.roomType)} rooms cannot have external links)`;
    }
    return {
      state: 'done',
      result: link,
      summary: `${why} ${link.url}`,
      details: { roomId: room.id, url: link.url, kind: link.kind },
    };
  },
});
