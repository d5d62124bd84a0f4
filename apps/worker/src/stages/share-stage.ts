import { type AccessRole, accessRoleName, rolesFor, roomTypeName } from '@ticket-rooms/docspace-client';
import { z } from 'zod';
import { StageError } from '../pipeline/stage-error';
import { defineStage, skipped } from './context';
import { roomOf } from './room-stage';
import { compareShare } from './share-plan';

export const LedgerShare = z.object({
  /** What DocSpace confirmed: subject id → access number. */
  granted: z.record(z.string(), z.number().int()),
  /** Subjects we asked for that DocSpace left out of its answer (unknown, hidden or removed). */
  dropped: z.array(z.string()),
  warning: z.string().optional(),
});
export type LedgerShare = z.infer<typeof LedgerShare>;

/**
 * The share: one `invitations` call for the configured users and groups. Setting access is
 * idempotent, so a retry simply sends it again. DocSpace drops subjects it will not share with
 * without an error; the answer is compared with the request so a dropped member is reported.
 */
export const shareStage = defineStage({
  name: 'share',
  field: 'share',
  result: LedgerShare,
  lane: 'docspace',
  async run(ctx) {
    const room = roomOf(ctx, 'share');
    const targets = ctx.settings.share;
    if (targets.length === 0) return skipped('ROOM_SHARE is not set');
    if (room.archived) return skipped(`room ${room.id} is archived, and DocSpace does not invite into archived rooms`);
    // ROOM_SHARE was checked against ROOM_TYPE at start-up; a room found by its tag may be older
    // than the current ROOM_TYPE, so check against the room's own type before calling.
    for (const t of targets) {
      if (!rolesFor(room.roomType, t.type).includes(t.access)) {
        throw new StageError('share', {
          code: 'ROLE_NOT_ALLOWED',
          retryable: false,
          message: `a ${t.type} cannot be ${accessRoleName(t.access)} in room ${room.id}, a ${roomTypeName(room.roomType)} room (${t.id}); fix ROOM_SHARE or ROOM_TYPE`,
        });
      }
    }
    const answer = await ctx.docspace.setRoomAccess(
      room.id,
      targets.map((t) => ({ id: t.id, access: t.access })),
      { notify: false },
    );
    const outcome = compareShare(targets, answer.members);
    const granted = Object.entries(outcome.granted).map(
      ([id, access]) => `${id} as ${accessRoleName(access as AccessRole)}`,
    );
    const problems = [
      outcome.dropped.length > 0
        ? `DocSpace dropped ${outcome.dropped.join(', ')} (unknown, hidden from the API key's user, or removed)`
        : '',
      ...outcome.changed.map((c) => `${c.id} got access ${c.got} instead of ${c.asked}`),
      answer.warning ? `DocSpace warned: ${answer.warning}` : '',
    ].filter(Boolean);
    return {
      state: 'done',
      result: {
        granted: outcome.granted,
        dropped: outcome.dropped,
        ...(answer.warning ? { warning: answer.warning } : {}),
      },
      summary: `granted ${granted.join(', ') || 'nobody'}${problems.length > 0 ? `; ${problems.join('; ')}` : ''}`,
      details: { roomId: room.id, granted: outcome.granted, dropped: outcome.dropped },
      ...(problems.length > 0 ? { warning: problems.join('; ') } : {}),
    };
  },
});
