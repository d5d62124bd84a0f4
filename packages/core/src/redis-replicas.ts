import type { Redis } from 'ioredis';
import { connectionFor, type RedisClient } from './redis-topology';

/**
 * One `WAIT` at a time per connection, shared by every caller whose writes went out before it.
 *
 * `WAIT n ms` blocks the connection it is sent on until `n` replicas have every write that
 * connection made, or `ms` passed, and answers how many replicas did. Deliveries share one
 * connection, and a blocked connection runs nothing else, so a WAIT per delivery would put every
 * delivery in single file. Instead callers group: whoever arrives while a WAIT is out joins the
 * next one, which covers their writes too (group commit).
 */
class ReplicaBarrier {
  private inFlight: Promise<number> | undefined;
  private fenceKey = '';
  private next: { promise: Promise<number>; timeoutMs: number } | undefined;

  constructor(
    private readonly connection: Redis,
    private readonly replicas: number,
  ) {}

  /** `fenceKey`: a key on this connection's node; see `send`. */
  confirm(fenceKey: string, timeoutMs: number): Promise<number> {
    this.fenceKey = fenceKey;
    if (!this.inFlight) return this.send(timeoutMs);
    if (this.next) {
      // The next WAIT is already scheduled; it covers this caller's writes too.
      this.next.timeoutMs = Math.min(this.next.timeoutMs, timeoutMs);
      return this.next.promise;
    }
    const scheduled = { timeoutMs, promise: undefined as unknown as Promise<number> };
    scheduled.promise = this.inFlight
      .catch(() => 0)
      .then(() => {
        this.next = undefined;
        return this.send(scheduled.timeoutMs);
      });
    this.next = scheduled;
    return scheduled.promise;
  }

  private send(timeoutMs: number): Promise<number> {
    // WAIT covers the writes this connection made, not what it read. A duplicate delivery only
    // reads (its claim fails, the job exists), and the job it found may have been written by
    // another receiver a moment ago and not be on any replica yet. A write of our own, sent just
    // before the WAIT, has a replication offset past everything the reads saw, so waiting for it
    // covers them too. Both go out back to back on the same connection.
    void this.connection.set(this.fenceKey, '1', 'PX', 60_000).catch(() => {});
    // `WAIT n 0` would block for ever: never send 0.
    const wait = this.connection.wait(this.replicas, Math.max(1, Math.floor(timeoutMs)));
    const tracked = wait.finally(() => {
      if (this.inFlight === tracked) this.inFlight = undefined;
    });
    this.inFlight = tracked;
    return tracked;
  }
}

const barriers = new WeakMap<Redis, Map<number, ReplicaBarrier>>();

/**
 * Resolves with how many replicas hold every write this client made so far, and everything it
 * read, on the node that owns `key` (on a cluster, the primary of its slot), waiting up to
 * `timeoutMs` for `replicas` of them. `key` is written (a short-lived fence; see `send`).
 * Resolves 0 when no connection owns the key right now (a cluster refreshing its slot map).
 */
export async function confirmReplicas(
  client: RedisClient,
  key: string,
  replicas: number,
  timeoutMs: number,
): Promise<number> {
  if (replicas <= 0) return 0;
  const connection = connectionFor(client, key);
  if (!connection) return 0;
  let byCount = barriers.get(connection);
  if (!byCount) {
    byCount = new Map();
    barriers.set(connection, byCount);
  }
  let barrier = byCount.get(replicas);
  if (!barrier) {
    barrier = new ReplicaBarrier(connection, replicas);
    byCount.set(replicas, barrier);
  }
  return barrier.confirm(key, timeoutMs);
}
