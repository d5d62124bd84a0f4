import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /**
   * `producer`: fail fast while Redis is down (the receiver must answer 503, not queue requests in
   * memory). `worker`: wait and reconnect for as long as it takes, as BullMQ workers require.
   */
  role: 'producer' | 'worker';
  connectTimeoutMs?: number;
  connectionName?: string;
  /**
   * Batch the commands issued in one event-loop turn into one write (ioredis auto-pipelining).
   * Worth it for a producer under many concurrent requests; off by default.
   */
  autoPipelining?: boolean;
}

export function createRedis(url: string, opts: RedisConnectionOptions): Redis {
  const base: RedisOptions = {
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    connectionName: opts.connectionName,
    // Reconnect forever with a capped delay; what changes per role is what commands do meanwhile.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    enableAutoPipelining: opts.autoPipelining ?? false,
  };
  const roleOpts: RedisOptions =
    opts.role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null };
  return new Redis(url, { ...base, ...roleOpts });
}

/** Redacts the password in a Redis URL so it can be printed. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}
