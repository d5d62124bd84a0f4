import {
  allPrefixes,
  createRedisClient,
  describeRedisUrl,
  type Env,
  isCluster,
  loadConfig,
  QUEUE_ENV,
  type RedisClient,
  shardLayout,
  topologyFromEnv,
} from '@ticket-rooms/core';
import { z } from 'zod';
import { dataDirFrom } from '../stack/paths';
import { readState } from '../stack/state-file';

/** The queue variables the apps read, with the same defaults and checks. */
const ToolEnv = z.object(QUEUE_ENV);

export interface ToolRedis {
  redis: RedisClient;
  /** Every shard prefix, current and former layouts. */
  prefixes: string[];
  /** The configured base prefix (`QUEUE_PREFIX`). */
  queuePrefix: string;
  close(): Promise<void>;
}

/**
 * Connects the operator tools to the service's Redis as the apps do (`REDIS_URL`, Sentinel,
 * Cluster, `QUEUE_PREFIX`, `QUEUE_SHARDS`). Without `REDIS_URL`, the embedded Redis of a running
 * `pnpm start` is used, so the tools work against the local stack with no setup.
 */
export async function connectToolRedis(raw: Env): Promise<ToolRedis> {
  const env = { ...raw };
  if (!env.REDIS_URL && !env.REDIS_SENTINELS && !env.REDIS_CLUSTER_NODES) {
    const running = readState(dataDirFrom(env)).running;
    if (running?.redisUrl) {
      env.REDIS_URL = running.redisUrl;
      env.QUEUE_PREFIX ??= running.queuePrefix;
    }
  }
  const config = loadConfig(ToolEnv, env);
  const redis = createRedisClient(topologyFromEnv(config), { role: 'worker', connectionName: 'ticket-rooms-tool' });
  redis.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    if (redis.status === 'ready') return resolve();
    redis.once('ready', () => resolve());
    redis.once('end', () =>
      reject(new Error(`Redis at ${describeRedisUrl(config.REDIS_URL)} is unreachable; check REDIS_URL.`)),
    );
    setTimeout(
      () =>
        reject(new Error(`Redis at ${describeRedisUrl(config.REDIS_URL)} did not answer within 5 s; check REDIS_URL.`)),
      5_000,
    ).unref();
  });
  const layout = shardLayout(config.QUEUE_PREFIX, config.QUEUE_SHARDS, config.QUEUE_SHARDS_PREVIOUS, {
    cluster: isCluster(redis),
  });
  return {
    redis,
    prefixes: allPrefixes(layout),
    queuePrefix: config.QUEUE_PREFIX,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
