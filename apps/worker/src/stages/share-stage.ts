import { accessRoleName, rolesFor, roomTypeName } from '@ticket-rooms/docspace-client';
import { StageError } from '../pipeline/stage-error';
import type { StageContext, StageResult } from './context';
import { compareShare } from './share-plan';

/**
 * Stage 3, the share: one `invitations` call for the configured users and groups. Setting access
 * is idempotent, so a retry simply sends it again. DocSpace drops subjects it will not share with
 * without an error; the answer is compared with the request so a dropped member is reported.
 */
export async function runShareStage(ctx: StageContext): Promise<StageResult> {
  const room = ctx.entry.room;
  if (!room) throw new Error('share stage without a room in the ledger');
  const targets = ctx.settings.share;
  if (targets.length === 0) {
    const reason = 'ROOM_SHARE is not set';
    return {
      update: { stage: { name: 'share', state: 'skipped', reason }, lastError: null },
      summary: `skipped: ${reason}`,
    };
  }
  if (room.archived) {
    const reason = `room ${room.id} is archived, and DocSpace does not invite into archived rooms`;
    return {
      update: { stage: { name: 'share', state: 'skipped', reason }, lastError: null },
      summary: `skipped: ${reason}`,
    };
  }
  // ROOM_SHARE was checked against ROOM_TYPE at start-up; a room found by its tag may be older
  // than the current ROOM_TYPE, so check against the room's own type before calling.
  const roomType = room.roomType as Parameters<typeof rolesFor>[0];
  for (const t of targets) {
    if (!rolesFor(roomType, t.type).includes(t.access)) {
      throw new StageError('share', {
        code: 'ROLE_NOT_ALLOWED',
        retryable: false,
        message: `a ${t.type} cannot be ${accessRoleName(t.access)} in room ${room.id}, a ${roomTypeName(roomType)} room (${t.id}); fix ROOM_SHARE or ROOM_TYPE`,
      });
    }
  }
  const result = await ctx.docspace.setRoomAccess(
    room.id,
    targets.map((t) => ({ id: t.id, access: t.access })),
    { notify: false },
  );
  const outcome = compareShare(targets, result.members);
  const granted = Object.entries(outcome.granted).map(
    ([id, access]) => `${id} as ${accessRoleName(access as Parameters<typeof accessRoleName>[0])}`,
  );
  const problems = [
    outcome.dropped.length > 0
      ? `DocSpace dropped ${outcome.dropped.join(', ')} (unknown, hidden from the API key's user, or removed)`
      : '',
    ...outcome.changed.map((c) => `${c.id} got access ${c.got} instead of ${c.asked}`),
    result.warning ? `DocSpace warned: ${result.warning}` : '',
  ].filter(Boolean);
  return {
    update: {
      stage: { name: 'share', state: 'done' },
      share: {
        granted: outcome.granted,
        dropped: outcome.dropped,
        ...(result.warning ? { warning: result.warning } : {}),
      },
      lastError: null,
    },
    summary: `granted ${granted.join(', ') || 'nobody'}${problems.length > 0 ? `; ${problems.join('; ')}` : ''}`,
    details: { roomId: room.id, granted: outcome.granted, dropped: outcome.dropped },
    ...(problems.length > 0 ? { warning: problems.join('; ') } : {}),
  };
}
