import {
  createRedisClient,
  describeRedisUrl,
  type Env,
  isVendorError,
  type RedisClient,
  type RedisTopology,
} from '@ticket-rooms/core';
import { createDocspaceClient, type DocspaceClient, sanitizeTitle } from '@ticket-rooms/docspace-client';
import { HELPDESKS, WRITE_BACK_HELPDESKS } from '@ticket-rooms/helpdesk';
import type { WorkerConfig } from '../config/config';
import { type CheckResult, infoField, versionAtLeast } from './checks';
import { checkShareTargets, roomTypeCheck } from './share-targets';

export interface PreflightOptions {
  /** Create a room named as a test, check it, and delete it again. */
  writeTest?: boolean;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
}

/** Why a vendor call failed, in one sentence without secrets. */
function reasonOf(err: unknown): string {
  if (isVendorError(err)) return err.statusCode ? `${err.statusCode}: ${err.message}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

function statusOf(err: unknown): number | undefined {
  return isVendorError(err) ? err.statusCode : undefined;
}

async function withRedis<T>(topology: RedisTopology, use: (redis: RedisClient) => Promise<T>): Promise<T> {
  const redis = createRedisClient(topology, { role: 'producer', connectionName: 'ticket-rooms-preflight' });
  redis.on('error', () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** Redis: reachable, 6.2 or newer, `noeviction`, AOF on. */
export async function checkRedis(config: Readonly<WorkerConfig>): Promise<CheckResult[]> {
  const topology = config.redisTopology ?? { kind: 'standalone', url: config.redisUrl };
  const where = describeRedisUrl(config.redisUrl);
  try {
    return await withRedis(topology, async (redis) => {
      const results: CheckResult[] = [];
      const node = 'nodes' in redis && typeof redis.nodes === 'function' ? redis.nodes('master')[0] : redis;
      const server = await (node ?? redis).info('server');
      const version = infoField(server, 'redis_version') ?? '0';
      results.push({ area: 'redis', name: 'reachable', outcome: 'pass', detail: `${where}, Redis ${version}` });
      results.push(
        versionAtLeast(version, '6.2')
          ? { area: 'redis', name: 'version', outcome: 'pass', detail: `${version} ≥ 6.2` }
          : {
              area: 'redis',
              name: 'version',
              outcome: 'fail',
              detail: `${version} is older than 6.2, which BullMQ needs`,
              fix: 'upgrade Redis to 6.2 or newer (7 recommended), or point REDIS_URL at one',
            },
      );
      let policy: string | undefined;
      try {
        const reply = (await (node ?? redis).call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
        policy = reply[1];
      } catch {
        policy = undefined;
      }
      if (policy === undefined) {
        results.push({
          area: 'redis',
          name: 'eviction policy',
          outcome: 'warn',
          detail: 'CONFIG GET is not allowed here (managed Redis), so the policy could not be read',
          fix: "make sure the provider's parameter group sets maxmemory-policy noeviction",
        });
      } else if (policy === 'noeviction') {
        results.push({ area: 'redis', name: 'eviction policy', outcome: 'pass', detail: 'noeviction' });
      } else {
        results.push({
          area: 'redis',
          name: 'eviction policy',
          outcome: 'fail',
          detail: `maxmemory-policy is ${policy}, under which Redis may silently delete jobs and ledger entries`,
          fix: 'set maxmemory-policy noeviction on the Redis at REDIS_URL (CONFIG SET, redis.conf or the parameter group)',
        });
      }
      const persistence = await (node ?? redis).info('persistence');
      results.push(
        infoField(persistence, 'aof_enabled') === '1'
          ? { area: 'redis', name: 'persistence', outcome: 'pass', detail: 'AOF on' }
          : {
              area: 'redis',
              name: 'persistence',
              outcome: 'warn',
              detail: 'AOF is off: a Redis restart loses tickets the helpdesks were told were accepted',
              fix: 'set appendonly yes (appendfsync everysec) on the Redis at REDIS_URL',
            },
      );
      return results;
    });
  } catch (err) {
    return [
      {
        area: 'redis',
        name: 'reachable',
        outcome: 'fail',
        detail: `${where} did not answer (${reasonOf(err)})`,
        fix: 'check REDIS_URL (or REDIS_SENTINELS / REDIS_CLUSTER_NODES) and that Redis is running and reachable',
      },
    ];
  }
}

/**
 * DocSpace: reachable (over TLS where https), the key authenticates and may create rooms, folder
 * titles, every share target exists and can get its role, the room types configured.
 */
export async function checkDocspace(
  config: Readonly<WorkerConfig>,
  opts: PreflightOptions,
  client?: DocspaceClient,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const docspace =
    client ??
    createDocspaceClient({
      baseUrl: config.docspace.baseUrl,
      apiKey: config.docspace.apiKey,
      timeoutMs: opts.timeoutMs ?? config.docspace.timeoutMs,
    });
  const url = config.docspace.baseUrl;
  try {
    let self: Awaited<ReturnType<DocspaceClient['getSelf']>>;
    try {
      self = await docspace.getSelf();
    } catch (err) {
      const status = statusOf(err);
      if (status === undefined) {
        return [
          {
            area: 'docspace',
            name: 'reachable',
            outcome: 'fail',
            detail: `${url} did not answer (${reasonOf(err)})`,
            fix: `check DOCSPACE_URL${url.startsWith('https:') ? ' and its TLS certificate' : ''}`,
          },
        ];
      }
      results.push({
        area: 'docspace',
        name: 'reachable',
        outcome: 'pass',
        detail: `${url}${url.startsWith('https:') ? ' over TLS' : ''}`,
      });
      results.push({
        area: 'docspace',
        name: 'API key',
        outcome: 'fail',
        detail: `DocSpace refused people/@self (${reasonOf(err)})`,
        fix:
          status === 401 || status === 403
            ? 'set DOCSPACE_API_KEY to a valid key of this portal (Developer Tools → API keys)'
            : status === 404
              ? 'DOCSPACE_URL does not look like a DocSpace portal; set it to the portal address'
              : 'check DOCSPACE_URL and DOCSPACE_API_KEY',
      });
      return results;
    }
    results.push({
      area: 'docspace',
      name: 'reachable',
      outcome: 'pass',
      detail: `${url}${url.startsWith('https:') ? ' over TLS' : ''}`,
    });
    results.push({ area: 'docspace', name: 'API key', outcome: 'pass', detail: `acts as ${self.email ?? self.id}` });
    const mayCreate = self.isOwner || self.isAdmin || self.isRoomAdmin;
    results.push(
      mayCreate === false
        ? {
            area: 'docspace',
            name: 'create rooms',
            outcome: 'fail',
            detail: `${self.email ?? self.id} is not an owner, DocSpace admin or room admin, so it cannot create rooms`,
            fix: 'make DOCSPACE_API_KEY the key of a room admin (or change the account type in DocSpace)',
          }
        : {
            area: 'docspace',
            name: 'create rooms',
            outcome: mayCreate ? 'pass' : 'warn',
            detail: mayCreate ? 'the account may create rooms' : 'the portal did not say the account type',
          },
    );
    const badFolders = config.room.folders
      .flatMap((f) => f.path.split('/'))
      .filter((title) => sanitizeTitle(title, 'folder') !== title);
    results.push(
      badFolders.length === 0
        ? {
            area: 'docspace',
            name: 'folder titles',
            outcome: 'pass',
            detail: config.room.folders.length === 0 ? 'no folders configured' : `${config.room.folders.length} valid`,
          }
        : {
            area: 'docspace',
            name: 'folder titles',
            outcome: 'fail',
            detail: `DocSpace would change ${badFolders.map((t) => JSON.stringify(t)).join(', ')}`,
            fix: 'remove the characters DocSpace does not allow in titles (* + : " < > ? | \\ /) from ROOM_FOLDERS',
          },
    );
    results.push(...(await checkShareTargets(config, docspace)));
    const written = opts.writeTest ? await writeTest(docspace, config) : undefined;
    if (written) results.push(written);
    results.push(roomTypeCheck(config, written));
    return results;
  } finally {
    if (!client) await docspace.close();
  }
}

async function writeTest(docspace: DocspaceClient, config: Readonly<WorkerConfig>): Promise<CheckResult> {
  const title = `Ticket Rooms preflight test ${new Date().toISOString()}`;
  let id: number | undefined;
  try {
    const room = await docspace.createRoom({ title, roomType: config.room.type, tags: ['ticket-rooms-preflight'] });
    id = room.id;
    await docspace.getRoom(id);
    await docspace.archiveRoom(id);
    await docspace.deleteRoom(id);
    id = undefined;
    return {
      area: 'docspace',
      name: 'write test',
      outcome: 'pass',
      detail: `created, read and deleted room "${title}"`,
    };
  } catch (err) {
    return {
      area: 'docspace',
      name: 'write test',
      outcome: 'fail',
      detail: `${id === undefined ? 'creating' : `cleaning up room ${id} of`} the test room failed (${reasonOf(err)})`,
      fix:
        id === undefined
          ? 'give the account of DOCSPACE_API_KEY the right to create rooms of ROOM_TYPE'
          : `delete the room "${title}" by hand`,
    };
  }
}

/** Each helpdesk: write-back credentials work and may add notes; an inbound secret for each enabled route. */
export async function checkHelpdesks(
  config: Readonly<WorkerConfig>,
  env: Env,
  opts: PreflightOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const helpdesk of HELPDESKS) {
    const area = helpdesk.source;
    const settings = (config.helpdesk as Record<string, unknown>)[area];
    const writeBack = WRITE_BACK_HELPDESKS.find((h) => h.source === area)?.writeBack;
    const inboundSet = helpdesk.inbound.variables.some((name) => (env[name] ?? '').trim() !== '');
    if ((!writeBack || settings === undefined) && !inboundSet) {
      results.push({ area, name: 'configured', outcome: 'skip', detail: 'not configured' });
      continue;
    }
    if (writeBack && settings !== undefined) {
      try {
        const account = await writeBack.checkAccount(settings as never, { timeoutMs: opts.timeoutMs ?? 10_000 });
        results.push({ area, name: 'credentials', outcome: 'pass', detail: `act as ${account.who}` });
        results.push(
          account.canAddNotes
            ? { area, name: 'internal notes', outcome: 'pass', detail: 'the account may add them' }
            : {
                area,
                name: 'internal notes',
                outcome: 'fail',
                detail: account.why ?? 'the account may not add internal notes',
                fix: `use credentials of an agent in ${writeBack.variables.join(', ')}`,
              },
        );
      } catch (err) {
        const status = statusOf(err);
        results.push({
          area,
          name: 'credentials',
          outcome: 'fail',
          detail: `${writeBack.urlVariable} ${status === undefined ? 'did not answer' : 'refused them'} (${reasonOf(err)})`,
          fix:
            status === undefined || status === 404
              ? `check ${writeBack.urlVariable}`
              : `check ${writeBack.variables.filter((v) => v !== writeBack.urlVariable).join(' and ')}`,
        });
      }
    } else if (writeBack) {
      results.push({
        area,
        name: 'write-back',
        outcome: 'fail',
        detail: 'deliveries are accepted but notes cannot be written back',
        fix: `set ${writeBack.variables.join(', ')}`,
      });
    }
    results.push(
      inboundSet
        ? { area, name: 'inbound', outcome: 'pass', detail: `${helpdesk.routes.join(', ')} authenticated` }
        : {
            area,
            name: 'inbound',
            outcome: 'fail',
            detail: `${helpdesk.routes.join(', ')} has no secret or token, so the receiver refuses every delivery`,
            fix: `set ${helpdesk.inbound.variables.join(' or ')} on the receiver`,
          },
    );
  }
  return results;
}

/** Every check, in order: Redis, DocSpace, each helpdesk. */
export async function runPreflight(
  config: Readonly<WorkerConfig>,
  env: Env,
  opts: PreflightOptions = {},
): Promise<CheckResult[]> {
  const [redis, docspace, helpdesks] = await Promise.all([
    checkRedis(config),
    checkDocspace(config, opts),
    checkHelpdesks(config, env, opts),
  ]);
  return [...redis, ...docspace, ...helpdesks];
}
