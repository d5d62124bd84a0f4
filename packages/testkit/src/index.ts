import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

export { seededBytes, sha256Of } from './bytes';
export { type ProvidedRedis, provideRedis } from './redis-provider';

/** The Redis URL of this test run (from the global setup). */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/**
 * A queue/key prefix unique to one test, so files and tests can run in parallel on one Redis
 * without seeing each other's jobs. Hash-tagged, as in a Redis Cluster deployment.
 */
export function testPrefix(label = 't'): string {
  return `{${label}-${randomUUID().slice(0, 8)}}`;
}
export {
  LocalCluster,
  RedisNode,
  SentinelGroup,
  type SentinelGroupOptions,
  topologyUnavailable,
} from './redis-topologies';
