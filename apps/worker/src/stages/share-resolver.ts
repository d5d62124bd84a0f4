import type { DocspaceClient, DocspaceGroup, DocspaceUser } from '@ticket-rooms/docspace-client';
import { describeTarget, type ShareTarget } from './share-plan';

/** The DocSpace calls that turn an email or a group name into an id. */
export type ShareLookupPort = Pick<DocspaceClient, 'findUserByEmail' | 'findGroups'>;

/** What a `ROOM_SHARE` entry named, found or not. */
export type ShareLookup =
  | { found: true; id: string; name: string; user?: DocspaceUser }
  | { found: false; reason: 'unknown' | 'ambiguous'; message: string };

/**
 * The group named `name`: DocSpace's `filterValue` is a substring search, so the answer is
 * narrowed to the exact name, then, if none matches exactly, to the name ignoring case. More
 * than one left is ambiguous: two groups may share a name in DocSpace.
 */
export function pickGroup(groups: readonly DocspaceGroup[], name: string): ShareLookup {
  const wanted = name.trim();
  let hits = groups.filter((g) => g.name.trim() === wanted);
  if (hits.length === 0) hits = groups.filter((g) => g.name.trim().toLowerCase() === wanted.toLowerCase());
  const [first] = hits;
  if (hits.length === 1 && first) return { found: true, id: first.id, name: first.name };
  if (hits.length === 0) {
    return { found: false, reason: 'unknown', message: `no DocSpace group is named "${wanted}"` };
  }
  return {
    found: false,
    reason: 'ambiguous',
    message: `${hits.length} DocSpace groups are named "${wanted}" (${hits.map((g) => g.id).join(', ')}); name it by "id" instead`,
  };
}

/** Looks up what one entry names. DocSpace errors (outage, 401) are thrown, to be retried. */
export async function lookUpTarget(docspace: ShareLookupPort, target: ShareTarget): Promise<ShareLookup> {
  if (target.by === 'email') {
    const user = await docspace.findUserByEmail(target.id);
    if (!user) return { found: false, reason: 'unknown', message: `no DocSpace user has the email ${target.id}` };
    return { found: true, id: user.id, name: user.displayName ?? user.email ?? user.id, user };
  }
  if (target.by === 'name') return pickGroup(await docspace.findGroups(target.id), target.id);
  return { found: true, id: target.id, name: target.id };
}

/** How long a looked-up id is reused before DocSpace is asked again (a renamed group, a new email). */
const REMEMBER_MS = 10 * 60_000;

export class ShareTargetError extends Error {
  override readonly name = 'ShareTargetError';
  constructor(
    message: string,
    readonly reason: 'unknown' | 'ambiguous',
  ) {
    super(message);
  }
}

/**
 * Turns the entries that name a member by email or group name into ids, asking DocSpace once per
 * entry and remembering the answer for ten minutes, so a busy worker does not look the same
 * support group up for every ticket. A member DocSpace does not know is a `ShareTargetError`:
 * the configuration needs fixing, and retrying will not help.
 */
export class ShareResolver {
  private readonly known = new Map<string, { id: string; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async resolve(docspace: ShareLookupPort, targets: readonly ShareTarget[]): Promise<ShareTarget[]> {
    const out: ShareTarget[] = [];
    const push = (target: ShareTarget) => {
      // Two entries that turn out to name one member (an id and an email, say): the first wins.
      if (!out.some((t) => t.id.toLowerCase() === target.id.toLowerCase())) out.push(target);
    };
    for (const target of targets) {
      if (target.by === undefined || target.by === 'id') {
        push(target);
        continue;
      }
      // Emails are matched ignoring case by DocSpace; group names first by their exact case.
      const key = target.by === 'email' ? `email:${target.id.toLowerCase()}` : `name:${target.id}`;
      const cached = this.known.get(key);
      let id = cached && cached.until > this.now() ? cached.id : undefined;
      if (id === undefined) {
        const lookup = await lookUpTarget(docspace, target);
        if (!lookup.found) {
          throw new ShareTargetError(`${describeTarget(target)}: ${lookup.message}`, lookup.reason);
        }
        id = lookup.id;
        this.known.set(key, { id, until: this.now() + REMEMBER_MS });
      }
      push({ id, type: target.type, access: target.access });
    }
    return out;
  }
}

/** One resolver per DocSpace client: the ids it learnt are that portal's. */
const resolvers = new WeakMap<object, ShareResolver>();

/** The resolver of `docspace` (the worker's client itself, not a per-job wrapper around it). */
export function shareResolverFor(docspace: object): ShareResolver {
  let resolver = resolvers.get(docspace);
  if (!resolver) {
    resolver = new ShareResolver();
    resolvers.set(docspace, resolver);
  }
  return resolver;
}
