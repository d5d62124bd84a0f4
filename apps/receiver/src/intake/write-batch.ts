import { isCluster, type RedisClient } from '@ticket-rooms/core';

/**
 * Holds a connection's writes until the end of the current event-loop turn (`setImmediate`), so
 * the commands of every delivery read in one turn leave in one write: one system call, and one
 * wake-up of Redis, instead of one of each per delivery. Under load several deliveries share a
 * turn; alone, a delivery's command leaves at the end of its own turn, microseconds later.
 *
 * ioredis's auto-pipelining would batch the same writes, but builds a pipeline object per batch
 * that copies every script BullMQ defines on the connection, which costs more than it saves.
 * A Cluster connection writes to several sockets, one per node: it is left as it is.
 */
export function writeBatcher(redis: RedisClient): () => void {
  if (isCluster(redis)) return () => {};
  let held: typeof redis.stream | undefined;
  return () => {
    const stream = redis.stream;
    // A reconnect replaces the stream; the old one, if still held, is released on time anyway.
    if (stream === undefined || stream === held) return;
    held = stream;
    stream.cork();
    setImmediate(() => {
      if (held === stream) held = undefined;
      stream.uncork();
    });
  };
}
