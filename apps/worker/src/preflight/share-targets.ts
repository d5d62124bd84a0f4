import { isVendorError } from '@ticket-rooms/core';
import {
  AccessRole,
  accessRoleName,
  type DocspaceClient,
  type DocspaceUser,
  RoomType,
  roomTypeName,
} from '@ticket-rooms/docspace-client';
import type { WorkerConfig } from '../config/config';
import type { ShareTarget } from '../stages/share-plan';
import { describeTarget, roleProblems } from '../stages/share-plan';
import { lookUpTarget } from '../stages/share-resolver';
import type { CheckResult } from './checks';

/** A list of share targets and where it is configured, for messages. */
interface ShareSource {
  /** `ROOM_SHARE` or `ROUTING_FILE rule "urgent" share`. */
  where: string;
  roomType: RoomType;
  targets: readonly ShareTarget[];
}

type Lookup =
  | { found: true; name: string; user?: DocspaceUser }
  | { found: false; status?: number; reason: string; isOtherKind?: boolean; ambiguous?: boolean };

const OTHER = { user: 'group', group: 'user' } as const;

/** `ROOM_SHARE`, and with a routing file each rule whose share differs from it. */
export function shareSources(config: Readonly<WorkerConfig>): ShareSource[] {
  const sources: ShareSource[] = [];
  const base = { where: 'ROOM_SHARE', roomType: config.room.type, targets: config.room.share };
  if (base.targets.length > 0) sources.push(base);
  if (config.routingFile === undefined) return sources;
  const key = (s: Pick<ShareSource, 'roomType' | 'targets'>) =>
    JSON.stringify([s.roomType, s.targets.map((t) => [t.id.toLowerCase(), t.type, t.access, t.by ?? 'id'])]);
  for (const rule of [...config.routing.rules, config.routing.fallback]) {
    const { settings } = rule;
    if (settings.skip || settings.share.length === 0) continue;
    // A rule that inherits ROOM_SHARE unchanged is covered by the ROOM_SHARE line.
    if (base.targets.length > 0 && key({ roomType: settings.type, targets: settings.share }) === key(base)) continue;
    sources.push({ where: `ROUTING_FILE rule "${rule.name}" share`, roomType: settings.type, targets: settings.share });
  }
  return sources;
}

function statusOf(err: unknown): number | undefined {
  return isVendorError(err) ? err.statusCode : undefined;
}

function reasonOf(err: unknown): string {
  if (isVendorError(err)) return err.statusCode ? `${err.statusCode}: ${err.message}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

async function lookUp(docspace: DocspaceClient, target: ShareTarget): Promise<Lookup> {
  if (target.by === 'email' || target.by === 'name') {
    try {
      const found = await lookUpTarget(docspace, target);
      if (found.found)
        return { found: true, name: `${found.name} (${found.id})`, ...(found.user ? { user: found.user } : {}) };
      return { found: false, status: 404, reason: found.message, ambiguous: found.reason === 'ambiguous' };
    } catch (err) {
      const status = statusOf(err);
      return { found: false, ...(status === undefined ? {} : { status }), reason: reasonOf(err) };
    }
  }
  try {
    if (target.type === 'user') {
      const user = await docspace.getUser(target.id);
      return { found: true, name: user.displayName ?? user.email ?? user.id, user };
    }
    const group = await docspace.getGroup(target.id);
    return { found: true, name: group.name };
  } catch (err) {
    const status = statusOf(err);
    if (status !== 404) return { found: false, ...(status === undefined ? {} : { status }), reason: reasonOf(err) };
  }
  // Not found as what the entry says: perhaps it is the other kind, the commonest slip.
  let isOtherKind = false;
  try {
    await (target.type === 'user' ? docspace.getGroup(target.id) : docspace.getUser(target.id));
    isOtherKind = true;
  } catch {
    // Neither: the id is unknown.
  }
  return { found: false, status: 404, reason: `no DocSpace ${target.type} has this id`, isOtherKind };
}

/** What the account type of a found user forbids: only admins and room admins may be RoomManager. */
function userProblem(user: DocspaceUser, access: number): string | undefined {
  if (user.status === 2) return 'is deactivated, and DocSpace skips deactivated users when sharing';
  if (access !== AccessRole.RoomManager || user.isOwner || user.isAdmin || user.isRoomAdmin) return undefined;
  return `is a ${user.isVisitor ? 'guest' : 'user'}, and only owners, DocSpace admins and room admins can be RoomManager`;
}

/**
 * Every share target exists and can get its role: DocSpace drops unknown or hidden ids from a
 * room without an error, so without this a wrong id shows only as a room nobody was invited to.
 */
export async function checkShareTargets(
  config: Readonly<WorkerConfig>,
  docspace: DocspaceClient,
): Promise<CheckResult[]> {
  const sources = shareSources(config);
  if (sources.length === 0) {
    return [{ area: 'docspace', name: 'share targets', outcome: 'pass', detail: 'ROOM_SHARE is empty' }];
  }
  const cache = new Map<string, Promise<Lookup>>();
  const results: CheckResult[] = [];
  for (const source of sources) {
    const failures: CheckResult[] = [];
    const found: string[] = [];
    // The config refuses these already; checked again so no source here can skip it.
    const entries = source.targets.map((t, index) => ({ ...t, index }));
    for (const problem of roleProblems(entries, source.roomType)) {
      failures.push({
        area: 'docspace',
        name: 'share targets',
        outcome: 'fail',
        detail: `${source.where} ${problem}`,
        fix: `give the entry one of the allowed roles in ${source.where}`,
      });
    }
    for (const entry of entries) {
      const at = `${source.where} entry ${entry.index} (${describeTarget(entry)})`;
      const cacheKey = `${entry.type}:${entry.by ?? 'id'}:${entry.id.toLowerCase()}`;
      let pending = cache.get(cacheKey);
      if (!pending) {
        pending = lookUp(docspace, entry);
        cache.set(cacheKey, pending);
      }
      const lookup = await pending;
      const fail = (detail: string, fix: string) =>
        failures.push({ area: 'docspace', name: 'share targets', outcome: 'fail', detail, fix });
      if (!lookup.found) {
        if (lookup.isOtherKind) {
          fail(
            `${at}: no DocSpace ${entry.type} has this id, but a ${OTHER[entry.type]} does`,
            `set "type": "${OTHER[entry.type]}" on entry ${entry.index} of ${source.where}`,
          );
        } else if (lookup.ambiguous) {
          fail(
            `${at}: ${lookup.reason}`,
            `replace "group" with the "id" of the group meant in entry ${entry.index} of ${source.where}`,
          );
        } else if (lookup.status === 404 && entry.by === 'email') {
          fail(
            `${at}: ${lookup.reason}, so the worker would stop every ticket at the share stage`,
            `correct the email of entry ${entry.index} in ${source.where}, or invite that person to DocSpace first`,
          );
        } else if (lookup.status === 404 && entry.by === 'name') {
          fail(
            `${at}: ${lookup.reason}, so the worker would stop every ticket at the share stage`,
            `correct the group name of entry ${entry.index} in ${source.where} (DocSpace: Accounts → Groups)`,
          );
        } else if (lookup.status === 404) {
          fail(
            `${at}: ${lookup.reason}, so DocSpace would leave it out of every room`,
            `replace the id of entry ${entry.index} in ${source.where} with an existing ${entry.type}'s (or remove the entry)`,
          );
        } else if (lookup.status === 403) {
          fail(
            `${at}: the account of DOCSPACE_API_KEY may not see this ${entry.type}, so DocSpace would leave it out of every room`,
            `remove entry ${entry.index} from ${source.where}, or use the key of an account that can see it`,
          );
        } else {
          fail(`${at}: could not be looked up (${lookup.reason})`, 'check DOCSPACE_URL and run the preflight again');
        }
        continue;
      }
      const problem = lookup.user ? userProblem(lookup.user, entry.access) : undefined;
      if (problem) {
        fail(
          `${at}: ${lookup.name} ${problem}`,
          `give entry ${entry.index} of ${source.where} another role, or change ${lookup.name}'s account type in DocSpace`,
        );
        continue;
      }
      found.push(`${entry.type} ${lookup.name} as ${accessRoleName(entry.access)}`);
    }
    results.push(
      ...(failures.length > 0
        ? failures
        : [
            {
              area: 'docspace',
              name: 'share targets',
              outcome: 'pass' as const,
              detail: `${source.where}: ${found.join(', ')}`,
            },
          ]),
    );
  }
  return results;
}

/**
 * The room types configured. DocSpace has no API that lists the room types a portal offers, so
 * this says so instead of pretending: a type is only proven by creating a room of it.
 */
export function roomTypeCheck(config: Readonly<WorkerConfig>, writeTest: CheckResult | undefined): CheckResult {
  const types = new Map<RoomType, string[]>([[config.room.type, ['ROOM_TYPE']]]);
  if (config.routingFile !== undefined) {
    for (const rule of [...config.routing.rules, config.routing.fallback]) {
      if (rule.settings.skip) continue;
      const where = types.get(rule.settings.type) ?? [];
      if (rule.settings.type !== config.room.type) where.push(`rule "${rule.name}"`);
      types.set(rule.settings.type, where);
    }
  }
  const listed = [...types].map(([type, where]) => `${roomTypeName(type)} (${where.join(', ')})`).join(', ');
  const ai = types.has(RoomType.Ai) ? '; AI rooms need DocSpace 3.6 or newer' : '';
  const proven =
    writeTest?.outcome === 'pass'
      ? `; the write test created a ${roomTypeName(config.room.type)} room`
      : '; run with --write-test to create one now';
  return {
    area: 'docspace',
    name: 'room type',
    outcome: 'pass',
    detail: `${listed}: DocSpace cannot be asked which room types it offers, so each is checked when its first room is created${ai}${proven}`,
  };
}
