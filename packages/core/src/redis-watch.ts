import type { Cluster, Redis } from 'ioredis';
import type { Logger } from './logger';
import { isCluster, type RedisClient } from './redis-topology';

/**
 * What happened to a connection, as counted in the metrics:
 * - `reconnect`: the connection was lost and ioredis is trying again;
 * - `ready`: it is usable again after a loss;
 * - `failover`: it came back on a different node than before (Sentinel promoted a replica), or a
 *   cluster node was added or dropped from the slot map.
 */
export type RedisEvent = 'reconnect' | 'ready' | 'failover';

export interface WatchRedisOptions {
  logger: Logger;
  /** Which connection, in log lines: `receiver`, `worker`. */
  name: string;
  onEvent?: (event: RedisEvent) => void;
}

/** `host:port` of the node a standalone or Sentinel connection is talking to right now. */
function peerOf(client: Redis): string | undefined {
  const stream = (client as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
  return stream?.remoteAddress && stream.remotePort ? `${stream.remoteAddress}:${stream.remotePort}` : undefined;
}

/**
 * Logs and counts reconnects and failovers of a connection, so an operator sees "the primary moved
 * from A to B" instead of only a gap in the graphs. Never logs credentials: only node addresses.
 */
export function watchRedis(client: RedisClient, opts: WatchRedisOptions): void {
  const emit = (event: RedisEvent) => opts.onEvent?.(event);
  if (isCluster(client)) {
    watchCluster(client, opts, emit);
    return;
  }
  let peer = client.status === 'ready' ? peerOf(client) : undefined;
  let lost = false;
  client.on('reconnecting', () => {
    if (!lost) opts.logger.warn({ redis: opts.name, was: peer }, 'Redis connection lost; reconnecting');
    lost = true;
    emit('reconnect');
  });
  client.on('ready', () => {
    const now = peerOf(client);
    if (peer !== undefined && now !== undefined && now !== peer) {
      opts.logger.warn({ redis: opts.name, from: peer, to: now }, `Redis failover: now on ${now} (was ${peer})`);
      emit('failover');
    }
    if (lost) {
      opts.logger.info({ redis: opts.name, on: now }, 'Redis connection is back');
      emit('ready');
    }
    lost = false;
    peer = now ?? peer;
  });
}

function watchCluster(client: Cluster, opts: WatchRedisOptions, emit: (e: RedisEvent) => void): void {
  let ready = client.status === 'ready';
  const address = (node: Redis) => `${node.options.host}:${node.options.port}`;
  client.on('+node', (node: Redis) => {
    if (!ready) return;
    opts.logger.warn(
      { redis: opts.name, node: address(node) },
      `Redis Cluster node ${address(node)} joined the slot map`,
    );
    emit('failover');
  });
  client.on('-node', (node: Redis) => {
    // Closing the client drops every node too; that is not news.
    if (client.status !== 'ready') return;
    opts.logger.warn(
      { redis: opts.name, node: address(node) },
      `Redis Cluster node ${address(node)} left the slot map`,
    );
    emit('failover');
  });
  client.on('reconnecting', () => {
    opts.logger.warn({ redis: opts.name }, 'Redis Cluster connection lost; reconnecting');
    emit('reconnect');
  });
  client.on('ready', () => {
    if (ready) {
      opts.logger.info({ redis: opts.name }, 'Redis Cluster connection is back');
      emit('ready');
    }
    ready = true;
  });
}

/**
 * Whether the primary that takes our writes answers and accepts a write: a replica (a demoted
 * primary, or a node we reached before the failover finished) refuses with READONLY, a primary
 * that lost its replicas under `min-replicas-to-write` with NOREPLICAS. The key expires by itself.
 */
export async function probeWritable(client: RedisClient, key: string): Promise<void> {
  await client.set(key, String(Date.now()), 'PX', 10_000);
}
