import {
  type AccessRole,
  accessRoleName,
  parseAccessRole,
  type RoomType,
  rolesFor,
  roomTypeName,
} from '@ticket-rooms/docspace-client';
import { z } from 'zod';

/**
 * One entry of `ROOM_SHARE`: a DocSpace user or group and the role it gets in every room. It names
 * its member by id (`type` says user or group), a user by `email`, or a group by `group` name; the
 * worker looks emails and names up when it first shares (see `share-resolver.ts`).
 */
export const ShareEntryInput = z
  .object({
    id: z.uuid({ message: 'id must be a DocSpace user or group id (a UUID)' }).optional(),
    email: z.email({ message: 'email must be an email address' }).optional(),
    group: z.string().trim().min(1, { message: 'group must be a group name' }).optional(),
    role: z.union([z.string().min(1), z.number().int()]),
    /** DocSpace tells users from groups itself; we need it only to check the role beforehand. */
    type: z.enum(['user', 'group']).optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const named = (['id', 'email', 'group'] as const).filter((k) => entry[k] !== undefined);
    if (named.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          named.length === 0
            ? 'needs "id" (a user or group id), "email" (a user) or "group" (a group name)'
            : `has ${named.map((k) => `"${k}"`).join(' and ')}; give exactly one of them`,
      });
      return;
    }
    if (entry.email !== undefined && entry.type === 'group') {
      ctx.addIssue({ code: 'custom', message: '"email" names a user, so "type" cannot be "group"' });
    }
    if (entry.group !== undefined && entry.type === 'user') {
      ctx.addIssue({ code: 'custom', message: '"group" names a group, so "type" cannot be "user"' });
    }
  });
export type ShareEntryInput = z.infer<typeof ShareEntryInput>;

/** How an entry names its member: by DocSpace id, by a user's email or by a group's name. */
export type ShareRef = 'id' | 'email' | 'name';

export interface ShareTarget {
  /** The DocSpace id, or for `by: 'email'` the email and for `by: 'name'` the group name. */
  id: string;
  type: 'user' | 'group';
  access: AccessRole;
  /** Unset: `id`. Emails and names are looked up before the share call. */
  by?: ShareRef;
}

/** A parsed `ROOM_SHARE` entry with its position in the list, for messages. */
export interface ShareEntry extends ShareTarget {
  index: number;
}

/** How an entry is shown in messages: `user 6b1a…`, `user ana@example.com`, `group "Support"`. */
export function describeTarget(t: ShareTarget): string {
  return t.by === 'name' ? `group "${t.id}"` : `${t.type} ${t.id}`;
}

/** Reads `ROOM_SHARE`: JSON, ids, emails, group names, role names and duplicates. Roles are checked per room type apart. */
export function parseShareEntries(raw: string): { entries: ShareEntry[]; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return {
      entries: [],
      problems: [
        'must be a JSON list like [{"id":"<uuid>","role":"ContentCreator"},{"email":"ana@example.com","role":"Editing"}]',
      ],
    };
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
    const target: Omit<ShareTarget, 'access'> =
      entry.email !== undefined
        ? { id: entry.email, type: 'user', by: 'email' }
        : entry.group !== undefined
          ? { id: entry.group, type: 'group', by: 'name' }
          : { id: entry.id as string, type: entry.type ?? 'user' };
    const key = `${target.by ?? 'id'}:${target.id.toLowerCase()}`;
    if (seen.has(key)) {
      problems.push(`entry ${index}: ${target.id} is listed twice`);
      return;
    }
    seen.add(key);
    try {
      entries.push({ index, ...target, access: parseAccessRole(entry.role) });
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
    targets: all.length > 0 ? [] : entries.map(({ index: _, ...target }) => target),
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
