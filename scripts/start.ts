// Placeholder until the apps exist: starts the embedded Redis and waits for Ctrl-C.
import { join } from 'node:path';
import { findRedisServer, LocalRedis, REDIS_MISSING_MESSAGE } from '@ticket-rooms/core';

if (!process.env.REDIS_URL && !findRedisServer()) {
  console.error(REDIS_MISSING_MESSAGE);
  process.exit(1);
}
const redis = process.env.REDIS_URL
  ? undefined
  : await new LocalRedis({ dir: join(process.cwd(), '.data', 'redis'), port: 6390 }).start();
console.log(`redis: ${redis ? `${redis.url} (embedded, data in .data/redis)` : 'REDIS_URL'}`);
const stop = async () => {
  await redis?.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
