import {
  AccessRole,
  allowsExternalLinks,
  LinkType,
  type RoomLink,
  RoomType,
  roomTypeCanShare,
  roomTypeName,
} from '@ticket-rooms/docspace-client';
import { z } from 'zod';
import { defineStage } from './context';
import { roomOf, roomStage } from './room-stage';

export const LedgerLink = z.object({
  url: z.string(),
  /** `external`: a DocSpace share link; `portal`: the room's own URL, which needs a DocSpace login. */
  kind: z.enum(['external', 'portal']),
});
export type LedgerLink = z.infer<typeof LedgerLink>;

/** The title of the external link the worker makes itself, which is also how a retry finds it again. */
export const LINK_TITLE = 'Ticket Rooms';

/**
 * The link to put on the ticket among the room's external links: the primary link DocSpace keeps
 * (a form-filling room's FillForms "Link to fill out", made with the room; a public room's Read
 * link), else the one this stage made earlier. Expired links do not count.
 */
function pickLink(links: readonly RoomLink[]): RoomLink | undefined {
  const live = links.filter((l) => l.linkType === LinkType.External && !l.expired);
  return live.find((l) => l.primary) ?? live.find((l) => l.title === LINK_TITLE);
}

/**
 * The link. Room types DocSpace does not share by link (collaboration and virtual data rooms,
 * whose `canShare` the server forces false; AI rooms, which have no link roles) and archived rooms
 * get the room's portal URL, which needs a DocSpace login. Other rooms get an external link: the
 * one DocSpace already has, or one this stage creates with `PUT rooms/{id}/links`.
 */
export const linkStage = defineStage({
  name: 'link',
  field: 'link',
  result: LedgerLink,
  lane: 'docspace',
  async run(ctx) {
    const room = roomOf(ctx, 'link');
    const byLink = !room.archived && roomTypeCanShare(room.roomType) && allowsExternalLinks(room.roomType);
    if (!byLink) {
      const link: LedgerLink = {
        url: ctx.docspace.roomPortalUrl(room.id, { archived: room.archived }),
        kind: 'portal',
      };
      const why = room.archived
        ? 'the room is archived'
        : `${roomTypeName(room.roomType)} rooms are not shared by link in DocSpace`;
      return {
        state: 'done',
        result: link,
        summary: `not shared by link (${why}); portal URL ${link.url}`,
        details: { roomId: room.id, url: link.url, kind: link.kind, sharedByLink: false, reason: why },
        local: true,
      };
    }
    // 1. The portal's own link, or ours from an earlier attempt that crashed before its checkpoint.
    //    A custom room made in this very run has none: DocSpace gives only public and form-filling
    //    rooms a link when it makes them, and no earlier attempt had this room.
    const bare = ctx.ranThisRun(roomStage) && room.origin === 'created' && room.roomType === RoomType.Custom;
    let chosen = bare ? undefined : pickLink(await ctx.docspace.listRoomLinks(room.id, { type: LinkType.External }));
    let origin = 'existing';
    // 2. None: make one. Read access; form-filling rooms always have their primary link already.
    if (!chosen) {
      await ctx.beforeCreate();
      const made = await ctx.docspace.setRoomLink(room.id, {
        linkType: LinkType.External,
        access: AccessRole.Read,
        title: LINK_TITLE,
      });
      if (!made) throw new Error(`DocSpace answered no link when creating one in room ${room.id}`);
      chosen = made;
      origin = 'created';
    }
    const link: LedgerLink = { url: chosen.url, kind: 'external' };
    const what = chosen.access === AccessRole.FillForms ? 'form-filling link' : 'external link';
    return {
      state: 'done',
      result: link,
      summary: `${origin} ${what} "${chosen.title}"${chosen.internal ? ' (needs a DocSpace login)' : ''} ${link.url}`,
      details: {
        roomId: room.id,
        url: link.url,
        kind: link.kind,
        sharedByLink: true,
        origin,
        access: chosen.access,
        internal: chosen.internal,
      },
    };
  },
});
