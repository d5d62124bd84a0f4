import {
  type AccessRole,
  accessRoleName,
  parseAccessRole,
  type RoomType,
  rolesFor,
  roomTypeName,
} from '@ticket-rooms/docspace-client';
import { z } from 'zod';

/** One entry of `ROOM_SHARE`: a DocSpace user or group and the role it gets in every room. */
export const ShareEntryInput = z
  .object({
    id: z.uuid({ message: 'id must be a DocSpace user or group id (a UUID)' }),
    role: z.union([z.string().min(1), z.number().int()]),
    /** DocSpace tells users from groups itself; we need it only to check the role beforehand. */
    type: z.enum(['user', 'group']).default('user'),
  })
  .strict();
export type ShareEntryInput = z.infer<typeof ShareEntryInput>;

export interface ShareTarget {
  id: string;
  type: 'user' | 'group';
  access: AccessRole;
}

/** A parsed `ROOM_SHARE` entry with its position in the list, for messages. */
export interface ShareEntry extends ShareTarget {
  index: number;
}

/** Reads `ROOM_SHARE`: JSON, ids, role names and duplicates. Roles are checked per room type apart. */
export function parseShareEntries(raw: string): { entries: ShareEntry[]; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { entries: [], problems: ['must be a JSON list like [{"id":"<uuid>","role":"ContentCreator"}]'] };
  }
  const parsed = z.array(ShareEntryInput).safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const where = i.path.length > 0 ? `entry ${i.path.map(String).join('.')}: ` : '';
      return `${where}${i.message}`;
    });
    return { entries: [], problems };
  }
  const entries: ShareEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  parsed.data.forEach((entry, index) => {
    if (seen.has(entry.id.toLowerCase())) {
      problems.push(`entry ${index}: ${entry.id} is listed twice`);
      return;
    }
    seen.add(entry.id.toLowerCase());
    try {
      entries.push({ index, id: entry.id, type: entry.type, access: parseAccessRole(entry.role) });
    } catch (err) {
      problems.push(`entry ${index}: ${(err as Error).message}`);
    }
  });
  return { entries, problems };
}

/**
 * Roles the room type does not allow, checked before any call: DocSpace would answer 403 "The
 * role is not available for this user type" only after the room exists. `None` is refused too:
 * it removes the member.
 */
export function roleProblems(entries: readonly ShareEntry[], roomType: RoomType): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    const allowed = rolesFor(roomType, entry.type);
    if (allowed.includes(entry.access) && entry.access !== 0) continue;
    problems.push(
      `entry ${entry.index}: a ${entry.type} cannot be ${accessRoleName(entry.access)} in a ${roomTypeName(roomType)} room; ` +
        `allowed: ${allowed
          .filter((r) => r !== 0)
          .map(accessRoleName)
          .join(', ')}`,
    );
  }
  return problems;
}

/** `ROOM_SHARE` read and checked against the room type in one go. */
export function parseShareTargets(raw: string, roomType: RoomType): { targets: ShareTarget[]; problems: string[] } {
  const { entries, problems } = parseShareEntries(raw);
  const all = [...problems, ...roleProblems(entries, roomType)];
  return {
    targets: all.length > 0 ? [] : entries.map(({ id, type, access }) => ({ id, type, access })),
    problems: all,
  };
}

export interface ShareOutcome {
  granted: Record<string, number>;
  /** Asked for, but missing from DocSpace's answer: unknown, hidden from us, or removed. */
  dropped: string[];
  /** In the answer with a different role than we asked for. */
  changed: Array<{ id: string; asked: number; got: number }>;
}

/**
 * Compares DocSpace's answer with the request. DocSpace drops subjects it will not share with
 * (ids it cannot see, removed users) without an error, so this is the only place they show up.
 */
export function compareShare(
  requested: readonly ShareTarget[],
  members: ReadonlyArray<{ id: string; access: number }>,
): ShareOutcome {
  const byId = new Map(members.map((m) => [m.id.toLowerCase(), m.access]));
  const outcome: ShareOutcome = { granted: {}, dropped: [], changed: [] };
  for (const target of requested) {
    const got = byId.get(target.id.toLowerCase());
    if (got === undefined) {
      outcome.dropped.push(target.id);
      continue;
    }
    outcome.granted[target.id] = got;
    if (got !== target.access) outcome.changed.push({ id: target.id, asked: target.access, got });
  }
  return outcome;
}
