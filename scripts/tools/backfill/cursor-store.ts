import { createHash } from 'node:crypto';
import type { RedisClient } from '@ticket-rooms/core';

/** Where a stopped backfill resumes: one saved cursor per vendor, tenant and filter. */
export interface CursorStore {
  get(): Promise<string | undefined>;
  set(cursor: string): Promise<void>;
  clear(): Promise<void>;
}

/** Saved cursors outlive a pause of weeks, not forever: a vendor's tokens expire (Jira's in 7 days). */
const CURSOR_TTL_SECONDS = 30 * 24 * 3600;

export interface CursorScope {
  source: string;
  tenant: string;
  /** What selects the tickets: a different `--since` or `--status` is a different backfill. */
  filter: { since: string; statuses: readonly string[] };
}

/** `{prefix}:backfill:{source}:{tenant}:{filter hash}`, under the queue prefix so each deployment has its own. */
export function backfillCursorKey(prefix: string, scope: CursorScope): string {
  const filter = createHash('sha256')
    .update(JSON.stringify({ since: scope.filter.since, statuses: [...scope.filter.statuses].sort() }))
    .digest('hex')
    .slice(0, 16);
  return `${prefix}:backfill:${scope.source}:${scope.tenant}:${filter}`;
}

export function redisCursorStore(redis: RedisClient, key: string): CursorStore {
  return {
    async get() {
      return (await redis.get(key)) ?? undefined;
    },
    async set(cursor) {
      await redis.set(key, cursor, 'EX', CURSOR_TTL_SECONDS);
    },
    async clear() {
      await redis.del(key);
    },
  };
}
