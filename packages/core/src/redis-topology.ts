import { createHash } from 'node:crypto';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { createRedis, describeRedisUrl, type RedisConnectionOptions } from './redis';

/** A client of either shape: ioredis's `Redis` (one node, or the primary Sentinel names) or `Cluster`. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Where Redis is. `REDIS_URL` always supplies the credentials, the database and the scheme
 * (`rediss://` = TLS); with Sentinel or Cluster its host and port are not used, the nodes come
 * from `REDIS_SENTINELS` or `REDIS_CLUSTER_NODES`.
 */
export type RedisTopology =
  | { kind: 'standalone'; url: string }
  | { kind: 'sentinel'; url: string; sentinels: HostPort[]; name: string; sentinelPassword?: string }
  | { kind: 'cluster'; url: string; nodes: HostPort[] };

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:,[\]]+):(\d{1,5})$/;

/** `host:port,host:port` → a list; `undefined` when one entry is not `host:port`. */
export function parseHostPorts(text: string): HostPort[] | undefined {
  const out: HostPort[] = [];
  for (const part of text.split(',')) {
    const m = HOST_PORT.exec(part.trim());
    if (!m) return undefined;
    const port = Number(m[2]);
    if (port < 1 || port > 65_535) return undefined;
    out.push({ host: (m[1] as string).replace(/^\[|\]$/g, ''), port });
  }
  return out.length > 0 ? out : undefined;
}

const hostPorts = (example: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const list = parseHostPorts(v);
      if (!list) {
        ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of host:port, such as ${example}` });
        return z.NEVER;
      }
      return list;
    });

const shardCount = z.coerce
  .number({ message: 'must be a whole number of shards from 1 to 64' })
  .int({ message: 'must be a whole number of shards from 1 to 64' })
  .min(1, { message: 'must be a whole number of shards from 1 to 64' })
  .max(64, { message: 'must be a whole number of shards from 1 to 64' });

/**
 * The topology variables every process on the queues reads, next to `REDIS_URL` and
 * `QUEUE_PREFIX` (spread into an app's schema through `QUEUE_ENV`).
 */
export const TOPOLOGY_ENV = {
  REDIS_SENTINELS: hostPorts('sentinel-1:26379,sentinel-2:26379,sentinel-3:26379'),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[^\s]+$/, { message: 'must be the primary name the sentinels monitor, such as mymaster' })
    .optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  REDIS_CLUSTER_NODES: hostPorts('redis-1:6379,redis-2:6379,redis-3:6379'),
  QUEUE_SHARDS: shardCount.default(1),
  QUEUE_SHARDS_PREVIOUS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return [] as number[];
      const list = v.split(',').map((s) => Number(s.trim()));
      if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a comma-separated list of former QUEUE_SHARDS values, such as 1',
        });
        return z.NEVER;
      }
      return [...new Set(list)];
    }),
};

/** The parsed topology variables, as an app's schema returns them. */
export interface TopologyEnv {
  REDIS_URL: string;
  REDIS_SENTINELS?: HostPort[] | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: HostPort[] | undefined;
}

/**
 * Mistakes only visible when the topology variables are read together, as `VARIABLE: sentence.`
 * Read from the raw environment so they are reported alongside every other mistake.
 */
export function topologyProblems(raw: Record<string, string | undefined>): string[] {
  const set = (name: string) => raw[name] !== undefined && raw[name] !== '';
  const problems: string[] = [];
  if (set('REDIS_SENTINELS') && set('REDIS_CLUSTER_NODES')) {
    problems.push(
      'REDIS_CLUSTER_NODES: cannot be set together with REDIS_SENTINELS; a Redis Cluster fails over by itself, without sentinels.',
    );
  }
  if (set('REDIS_SENTINELS') && !set('REDIS_SENTINEL_NAME')) {
    problems.push(
      'REDIS_SENTINEL_NAME: is missing; REDIS_SENTINELS needs the name the sentinels monitor the primary under (sentinel monitor <name> …).',
    );
  }
  if (set('REDIS_SENTINEL_NAME') && !set('REDIS_SENTINELS')) {
    problems.push(
      'REDIS_SENTINELS: is missing; REDIS_SENTINEL_NAME needs the sentinels to ask, as host:port,host:port.',
    );
  }
  if (set('REDIS_SENTINEL_PASSWORD') && !set('REDIS_SENTINELS')) {
    problems.push('REDIS_SENTINELS: is missing; REDIS_SENTINEL_PASSWORD is only used with sentinels.');
  }
  return problems;
}

export function topologyFromEnv(env: TopologyEnv): RedisTopology {
  if (env.REDIS_SENTINELS && env.REDIS_SENTINEL_NAME) {
    return {
      kind: 'sentinel',
      url: env.REDIS_URL,
      sentinels: env.REDIS_SENTINELS,
      name: env.REDIS_SENTINEL_NAME,
      ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
    };
  }
  if (env.REDIS_CLUSTER_NODES) return { kind: 'cluster', url: env.REDIS_URL, nodes: env.REDIS_CLUSTER_NODES };
  return { kind: 'standalone', url: env.REDIS_URL };
}

/** One line for logs: where Redis is, never with a password. */
export function describeTopology(t: RedisTopology): string {
  const list = (nodes: HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  switch (t.kind) {
    case 'standalone':
      return describeRedisUrl(t.url);
    case 'sentinel':
      return `sentinel ${t.name} via ${list(t.sentinels)}`;
    case 'cluster':
      return `cluster via ${list(t.nodes)}`;
  }
}

/** What `REDIS_URL` contributes when the nodes come from elsewhere: credentials, database, TLS. */
function urlParts(url: string): { username?: string; password?: string; db?: number; tls: boolean } {
  const u = new URL(url);
  const db = Number(u.pathname.replace(/^\//, '') || '0');
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    tls: u.protocol === 'rediss:',
  };
}

/** Reconnect forever with a capped delay; what changes per role is what commands do meanwhile. */
const retry = (times: number) => Math.min(times * 200, 2_000);

/**
 * A client for the topology, with our per-role rules (`createRedis`): a producer fails fast while
 * Redis is away, a worker waits. Sentinel and Cluster clients follow a failover by themselves:
 * ioredis asks the sentinels for the new primary, or refreshes the cluster's slot map on MOVED.
 */
export function createRedisClient(t: RedisTopology, opts: RedisConnectionOptions): RedisClient {
  if (t.kind === 'standalone') return createRedis(t.url, opts);
  const { tls, ...auth } = urlParts(t.url);
  const roleOpts: RedisOptions =
    opts.role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null };
  const node: RedisOptions = {
    ...auth,
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    ...(opts.connectionName ? { connectionName: opts.connectionName } : {}),
    ...(tls ? { tls: {} } : {}),
    // A primary that was demoted under us answers writes with READONLY: reconnect, which asks
    // the sentinels (or the slot map) for the current primary, and resend the command.
    reconnectOnError: (err) => (/^READONLY|^LOADING|^MASTERDOWN/.test(err.message) ? 2 : false),
  };
  if (t.kind === 'sentinel') {
    return new Redis({
      ...node,
      ...roleOpts,
      sentinels: t.sentinels,
      name: t.name,
      role: 'master',
      ...(t.sentinelPassword ? { sentinelPassword: t.sentinelPassword } : {}),
      ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      retryStrategy: retry,
      sentinelRetryStrategy: retry,
      // No `failoverDetector`. ioredis's detector drops the connection when the sentinels announce
      // +switch-master; if that lands while the client is reconnecting (the old primary died a
      // moment before) and is asking a sentinel for the primary, the aborted attempt ends the
      // client for good ("Connection is closed." on every command after). A failover test saw
      // exactly that. The client learns of a failover without it: a dead primary's sockets
      // close, a demoted one answers READONLY (above), and the sentinels kill the clients of the
      // nodes they reconfigure.
      enableAutoPipelining: opts.autoPipelining ?? false,
    });
  }
  const clusterOpts: ClusterOptions = {
    // As BullMQ's Redis Cluster guide and going-to-production page ask: the per-node options carry
    // the role's retry rule, every key of a queue shares the prefix's hash tag.
    redisOptions: { ...node, ...roleOpts },
    enableReadyCheck: true,
    enableOfflineQueue: roleOpts.enableOfflineQueue ?? true,
    clusterRetryStrategy: retry,
    // Writes always go to primaries; reading a lagging replica would make a dedupe check lie.
    scaleReads: 'master',
    // Off on a cluster whatever the role asks: ioredis 5 batches commands for different slots of
    // one node into one pipeline and then refuses it ("All keys in the pipeline should belong to
    // the same slots allocation group"), an unhandled rejection that killed the worker.
    enableAutoPipelining: false,
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  return new Cluster(t.nodes, clusterOpts);
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

// ---------------------------------------------------------------------------------------------
// Shards

/**
 * The key prefixes the queues, ledgers, dedupe markers and locks live under, one per shard.
 *
 * - One shard, no cluster: exactly `prefix`, as before shards existed (existing data keeps working).
 * - One shard on a cluster: `prefix` if it already carries a hash tag, else `{prefix}`.
 * - N shards: `{base-0}` … `{base-(N-1)}`, `base` being the prefix without braces. Each is its own
 *   hash tag, so each shard's keys stay in one slot while the shards spread over the primaries.
 */
export function shardPrefixes(prefix: string, shards: number, opts: { cluster?: boolean } = {}): string[] {
  if (shards <= 1) {
    if (!opts.cluster || /\{[^}]+\}/.test(prefix)) return [prefix];
    return [`{${prefix}}`];
  }
  const base = prefix.replace(/[{}]/g, '');
  return Array.from({ length: shards }, (_, i) => `{${base}-${i}}`);
}

/** The shard of a ticket: a stable hash of its key, so every process picks the same one. */
export function shardFor(ticketKey: string, shards: number): number {
  if (shards <= 1) return 0;
  return createHash('sha256').update(ticketKey).digest().readUInt32BE(0) % shards;
}

/** Where a ticket's keys live under the current layout and under each former one still holding data. */
export interface ShardLayout {
  /** The current prefixes; new tickets go to `prefixes[shardFor(key, prefixes.length)]`. */
  prefixes: string[];
  /** The prefixes of each former `QUEUE_SHARDS` value (`QUEUE_SHARDS_PREVIOUS`), newest first. */
  previous: string[][];
}

export function shardLayout(
  prefix: string,
  shards: number,
  previous: readonly number[],
  opts: { cluster?: boolean } = {},
): ShardLayout {
  return {
    prefixes: shardPrefixes(prefix, shards, opts),
    previous: previous.filter((n) => n !== shards).map((n) => shardPrefixes(prefix, n, opts)),
  };
}

/** Every prefix a worker must consume: the current ones first, then former ones not among them. */
export function allPrefixes(layout: ShardLayout): string[] {
  return [...new Set([...layout.prefixes, ...layout.previous.flat()])];
}

/** The prefix of a ticket's shard under `prefixes`. */
export function prefixFor(ticketKey: string, prefixes: readonly string[]): string {
  return prefixes[shardFor(ticketKey, prefixes.length)] as string;
}

// ---------------------------------------------------------------------------------------------
// Cluster slots (for WAIT, which must go to the node that took the write)

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** Redis Cluster's slot of a key (CRC16/XMODEM of its hash tag, mod 16384), as `CLUSTER KEYSLOT`. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(key, 'utf8')) {
    crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ byte) & 0xff] as number);
  }
  return crc % 16_384;
}

/**
 * The connection that writes `key`: the client itself, or on a cluster the primary that owns its
 * slot. `WAIT` counts the replicas that have the writes of the connection it is sent on.
 */
export function connectionFor(client: RedisClient, key: string): Redis | undefined {
  if (!isCluster(client)) return client;
  const owner = (client as unknown as { slots: string[][] }).slots[keySlot(key)]?.[0];
  if (owner === undefined) return undefined;
  return client.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
}
