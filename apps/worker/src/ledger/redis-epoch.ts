import { isCluster, type RedisClient } from '@ticket-rooms/core';

/**
 * Which Redis server process the worker talks to: its `run_id`, which a restart or a failover
 * changes. Redis keeps everything written while one server process runs; a restart from the AOF
 * may lose the last second of writes. So a record written in the epoch that is still current is
 * whole (a job's start count, say), while one from an earlier epoch may be missing its last writes.
 * `undefined` while unknown (connecting, or on a cluster, whose shards each have their own).
 */
export class RedisEpoch {
  private current: string | undefined;
  /** Bumped on every connection change, so an answer to an older question is ignored. */
  private asked = 0;

  constructor(private readonly redis: RedisClient) {
    if (isCluster(redis)) return;
    redis.on('ready', () => this.refresh());
    redis.on('close', () => this.forget());
    redis.on('reconnecting', () => this.forget());
    if (redis.status === 'ready') this.refresh();
  }

  /** The run id of the server the connection is on now; `undefined` while it is not known. */
  get(): string | undefined {
    return this.current;
  }

  private forget(): void {
    this.asked += 1;
    this.current = undefined;
  }

  private refresh(): void {
    this.asked += 1;
    const question = this.asked;
    this.redis.info('server').then(
      (text) => {
        if (question !== this.asked) return;
        this.current = /^run_id:([0-9a-f]+)\r?$/m.exec(text)?.[1];
      },
      () => {},
    );
  }
}
