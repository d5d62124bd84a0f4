import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keySlot, shardPrefixes } from '@ticket-rooms/core';
import type { RunningReceiver } from '@ticket-rooms/receiver';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { LocalCluster, topologyUnavailable } from '@ticket-rooms/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildWorker } from '../../apps/worker/test/support/child-worker';
import { startDocspace } from '../../apps/worker/test/support/harness';
import { type Helpdesks, startHelpdesks } from '../../apps/worker/test/support/helpdesks';
import {
  closeWithin,
  deliverUntilAccepted,
  inParallel,
  startTestReceiver,
  waitForRoomsAndNotes,
  workerEnv,
} from './support';

const unavailable = topologyUnavailable('cluster');
if (unavailable) process.stdout.write(`Redis Cluster test skipped: ${unavailable}.\n`);

const TICKETS = 90;
const SHARDS = 3;
/** The first worker is SIGKILLed once DocSpace holds this many rooms. */
const KILL_AT_ROOMS = 25;

describe.skipIf(unavailable !== undefined)('Redis Cluster with QUEUE_SHARDS=3 on three primaries', () => {
  let dir: string;
  let cluster: LocalCluster;
  let docspace: DocspaceSimulator;
  let helpdesks: Helpdesks;
  let receiver: RunningReceiver;
  let prefix: string;
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ticket-rooms-cluster-'));
    cluster = await LocalCluster.start(dir, 3);
    // A prefix whose three shards land on three different primaries. Which slot a tag gets is
    // fixed by its text; an operator does the same check (CLUSTER KEYSLOT) or adds shards.
    for (let i = 0; i < 200 && !prefix; i++) {
      const candidate = `cl-${randomUUID().slice(0, 8)}`;
      const owners = new Set(
        await Promise.all(shardPrefixes(candidate, SHARDS).map((p) => cluster.ownerOf(keySlot(p)))),
      );
      if (owners.size === SHARDS) prefix = candidate;
    }
    // Slow enough that the kill lands while jobs are inside DocSpace.
    docspace = await startDocspace({ faults: { latencyMs: 30 } });
    helpdesks = await startHelpdesks();
  }, 60_000);

  afterAll(async () => {
    // The Redis processes are stopped whatever else fails to close: they would outlive the run.
    try {
      await closeWithin(10_000, [
        ...children.map((c) => c.kill()),
        receiver?.close(),
        docspace?.close(),
        helpdesks?.close(),
      ]);
    } finally {
      await cluster?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('spreads the tickets over every primary, one room each, and loses nothing to a SIGKILLed worker', async () => {
    expect(prefix).toBeDefined();
    const redisEnv = {
      REDIS_CLUSTER_NODES: cluster.addresses.map((a) => `${a.host}:${a.port}`).join(','),
      QUEUE_PREFIX: prefix,
      QUEUE_SHARDS: String(SHARDS),
    };
    receiver = await startTestReceiver({ ...redisEnv, LOG_LEVEL: 'silent' });
    const env = workerEnv(docspace, helpdesks, { ...redisEnv, WORKER_CONCURRENCY: '4' });
    const [a, b] = [new ChildWorker(env), new ChildWorker(env)];
    children.push(a, b);
    await Promise.all([a.ready(30_000), b.ready(30_000)]);
    const before = await cluster.keysPerNode();

    const base = 600_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
    const ids = Array.from({ length: TICKETS }, (_, i) => String(base + i));
    let killed = false;
    const outcomes = await inParallel(ids, 4, async (id) => {
      const outcome = await deliverUntilAccepted(receiver.url, id, 30_000);
      if (!killed && docspace.portal.roomCount >= KILL_AT_ROOMS) {
        killed = true;
        await a.kill('SIGKILL');
      }
      return outcome;
    });
    if (!killed) await a.kill('SIGKILL');

    // 1. Every ticket accepted at the first try (no Redis node went away).
    expect(outcomes.filter((o) => o.status !== 202 || o.refused.length > 0)).toEqual([]);
    const exit = await a.exited;
    if (exit.signal !== 'SIGKILL') process.stdout.write(`first worker exited by itself:\n${a.log.slice(-3000)}\n`);
    expect(exit.signal).toBe('SIGKILL');

    // 2. Exactly one room and one note each, the killed worker's jobs finished by the other.
    const checks = await waitForRoomsAndNotes(docspace, helpdesks, ids, 45_000);
    if (checks.some((c) => c.rooms !== 1 || c.notes !== 1)) {
      process.stdout.write(`surviving worker's log, last lines:\n${b.log.split('\n').slice(-15).join('\n')}\n`);
    }
    expect(checks.filter((c) => c.rooms !== 1 || c.notes !== 1)).toEqual([]);

    // 3. Each primary took its shard's keys.
    const after = await cluster.keysPerNode();
    const grown = [...after].filter(([port, n]) => n > (before.get(port) ?? 0));
    expect(grown).toHaveLength(3);
    process.stdout.write(
      `cluster: ${TICKETS} tickets over ${SHARDS} shards; keys per primary ${[...after.values()].join(' / ')}; worker killed at ${KILL_AT_ROOMS} rooms\n`,
    );
  }, 120_000);
});
