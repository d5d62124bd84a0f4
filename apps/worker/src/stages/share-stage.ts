import { type AccessRole, accessRoleName, rolesFor, roomTypeName } from '@ticket-rooms/docspace-client';
import { z } from 'zod';
import { StageError } from '../pipeline/stage-error';
import { defineStage, skipped } from './context';
import { roomOf } from './room-stage';
import { compareShare, describeTarget } from './share-plan';
import { ShareTargetError } from './share-resolver';

export const LedgerShare = z.object({
  /** What DocSpace confirmed: subject id → access number. */
  granted: z.record(z.string(), z.number().int()),
  /** Subjects we asked for that DocSpace left out of its answer (unknown, hidden or removed). */
  dropped: z.array(z.string()),
  warning: z.string().optional(),
});
export type LedgerShare = z.infer<typeof LedgerShare>;

/**
 * The share: one `invitations` call for the configured users and groups, after any named by email
 * or group name are looked up (remembered for a while, see `ShareResolver`). Setting access is
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
    const configured = ctx.settings.share;
    if (configured.length === 0) return skipped('ROOM_SHARE is not set');
    if (room.archived) return skipped(`room ${room.id} is archived, and DocSpace does not invite into archived rooms`);
    // ROOM_SHARE was checked against ROOM_TYPE at start-up; a room found by its tag may be older
    // than the current ROOM_TYPE, so check against the room's own type before calling.
    for (const t of configured) {
      if (!rolesFor(room.roomType, t.type).includes(t.access)) {
        throw new StageError('share', {
          code: 'ROLE_NOT_ALLOWED',
          retryable: false,
          message: `a ${t.type} cannot be ${accessRoleName(t.access)} in room ${room.id}, a ${roomTypeName(room.roomType)} room (${describeTarget(t)}); fix ROOM_SHARE or ROOM_TYPE`,
        });
      }
    }
    let targets: typeof configured;
    try {
      targets = await ctx.shareResolver.resolve(ctx.docspace, configured);
    } catch (err) {
      if (!(err instanceof ShareTargetError)) throw err;
      // Not retried: the member stays unknown until ROOM_SHARE (or DocSpace) changes; then
      // `pnpm ticket repair` finishes the ticket.
      throw new StageError('share', {
        code: err.reason === 'ambiguous' ? 'SHARE_TARGET_AMBIGUOUS' : 'SHARE_TARGET_UNKNOWN',
        retryable: false,
        message: `${err.message}; fix ROOM_SHARE (or the routing rule's share), then repair the ticket`,
      });
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
