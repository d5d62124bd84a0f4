import { ticketKey } from '@ticket-rooms/core';
import { type DocspaceSimulator, SIM_GROUPS, SIM_USERS } from '@ticket-rooms/simulators';
import { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChildWorker } from './support/child-worker';
import { Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';

const SHARE = JSON.stringify([
  { id: SIM_USERS.roomAdmin.id, role: 'RoomManager' },
  { id: SIM_GROUPS.support.id, role: 'Editing', type: 'group' },
]);

/** Slow enough that a kill lands while a stage's request is still inside DocSpace. */
const LATENCY_MS = 200;

type KillPoint =
  | { kind: 'stage'; stage: 'room' | 'folders' | 'share' | 'link' }
  | { kind: 'commit'; method: 'createRoom' | 'createFolder' | 'setAccess'; label: string };

const KILL_POINTS: KillPoint[] = [
  // At each stage boundary: the previous stage is checkpointed, this one has just begun.
  { kind: 'stage', stage: 'room' },
  { kind: 'stage', stage: 'folders' },
  { kind: 'stage', stage: 'share' },
  { kind: 'stage', stage: 'link' },
  // Right after DocSpace made a change and before it answered: the worker never hears back, so
  // nothing is checkpointed, yet the room, folder or access exists.
  { kind: 'commit', method: 'createRoom', label: 'room creation' },
  { kind: 'commit', method: 'createFolder', label: 'folder creation' },
  { kind: 'commit', method: 'setAccess', label: 'the share call' },
];

function describePoint(p: KillPoint): string {
  return p.kind === 'stage' ? `at the start of the ${p.stage} stage` : `after DocSpace committed ${p.label}`;
}

/**
 * Runs `then` once, the moment the simulated portal has run `method` (before the HTTP answer is
 * written): killing the worker there hits the window between a DocSpace change and its checkpoint.
 */
function afterPortalCall(docspace: DocspaceSimulator, method: string, then: () => void): Promise<void> {
  const portal = docspace.portal as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = portal[method];
  if (typeof original !== 'function') throw new Error(`the simulated portal has no ${method}`);
  return new Promise((resolve) => {
    portal[method] = (...args: unknown[]) => {
      const result = original.apply(docspace.portal, args);
      portal[method] = original;
      then();
      resolve();
      return result;
    };
  });
}

function killOnCommit(docspace: DocspaceSimulator, method: string, child: ChildWorker): Promise<void> {
  return afterPortalCall(docspace, method, () => child.process.kill('SIGKILL'));
}

describe('a worker process killed mid-job', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    docspace = await startDocspace({ faults: { latencyMs: LATENCY_MS } });
    pipeline = await new Pipeline('crash').ready();
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.kill()));
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  const env = (extra: Record<string, string> = {}) =>
    pipeline.env(docspace, { ROOM_TYPE: 'custom', ROOM_SHARE: SHARE, ...extra });

  async function assertOneOfEverything(event: ReturnType<typeof ticketEvent>) {
    const { rooms, folders, byTitle } = await roomsOf(pipeline.reader(docspace), event);
    expect(rooms).toHaveLength(1);
    expect(byTitle).toHaveLength(1);
    expect(folders.map((f) => f.title).sort()).toEqual(['Attachments', 'Findings', 'Logs']);
    const entry = await pipeline.ledgerOf(event);
    expect(entry?.state).toBe('done');
    expect(entry?.share?.granted).toEqual({ [SIM_USERS.roomAdmin.id]: 9, [SIM_GROUPS.support.id]: 10 });
  }

  it.each(KILL_POINTS.map((p) => ({ point: p, name: describePoint(p) })))(
    'is finished by another worker without doubles when killed $name',
    async ({ point }) => {
      const a = new ChildWorker(env());
      children.push(a);
      await a.ready();
      const event = ticketEvent('generic');
      const key = ticketKey(event);

      if (point.kind === 'stage') {
        const reached = new Promise<void>((resolve) => {
          const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
            if (jobId !== key || (data as { stage?: string }).stage !== point.stage) return;
            pipeline.roomEvents.off('progress', onProgress);
            a.process.kill('SIGKILL');
            resolve();
          };
          pipeline.roomEvents.on('progress', onProgress);
        });
        await pipeline.add(event);
        await reached;
      } else {
        const committed = killOnCommit(docspace, point.method, a);
        await pipeline.add(event);
        await committed;
      }
      expect((await a.exited).signal).toBe('SIGKILL');
      expect(await (await Job.fromId(pipeline.rooms, key))?.getState()).toBe('active');

      // Another worker (short locks, as in BullMQ's own crash tests) takes the job over.
      await pipeline.startWorker(pipeline.config(docspace, { ROOM_TYPE: 'custom', ROOM_SHARE: SHARE }));
      await pipeline.finished(event);
      await assertOneOfEverything(event);
      const job = await Job.fromId(pipeline.rooms, key);
      expect(job?.stalledCounter).toBeGreaterThanOrEqual(1);
      if (point.kind === 'commit' && point.method === 'createRoom') {
        // The killed worker's room was made after all: the new worker found it by its tag.
        expect((await pipeline.ledgerOf(event))?.room?.origin).toBe('found');
      }
      await pipeline.closeWorkers();
    },
  );

  it('is taken over by another worker with the default lock settings, which bound the wait to 15 seconds', async () => {
    const defaults = { WORKER_LOCK_DURATION_MS: '', WORKER_STALLED_INTERVAL_MS: '' };
    // The bound is a property of the settings: a dead worker's lock lapses lockDuration after its
    // last renewal, and some worker's stalled check runs within stalledInterval of that. The time
    // this run took is printed, not asserted (tests do not assert on wall-clock time).
    const settings = pipeline.config(docspace, { ROOM_TYPE: 'custom', ROOM_SHARE: SHARE, ...defaults });
    expect(settings.lockDurationMs + settings.stalledIntervalMs).toBeLessThanOrEqual(15_000);
    const a = new ChildWorker(env(defaults));
    children.push(a);
    await a.ready();
    const event = ticketEvent('generic');
    const key = ticketKey(event);
    let killedAt = 0;
    const killed = new Promise<void>((resolve) => {
      const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
        if (jobId !== key || (data as { stage?: string }).stage !== 'folders') return;
        pipeline.roomEvents.off('progress', onProgress);
        a.process.kill('SIGKILL');
        killedAt = Date.now();
        resolve();
      };
      pipeline.roomEvents.on('progress', onProgress);
    });
    const resumed = new Promise<number>((resolve) => {
      const onActive = ({ jobId }: { jobId: string }) => {
        if (jobId !== key || killedAt === 0) return;
        pipeline.roomEvents.off('active', onActive);
        resolve(Date.now());
      };
      pipeline.roomEvents.on('active', onActive);
    });
    await pipeline.add(event);
    await killed;
    await pipeline.startWorker(settings);
    const seconds = ((await resumed) - killedAt) / 1000;
    await pipeline.finished(event);
    await assertOneOfEverything(event);
    // BullMQ counts each time a job is found stalled: exactly once, by the second worker.
    expect((await Job.fromId(pipeline.rooms, key))?.stalledCounter).toBe(1);
    process.stdout.write(`worker killed with the default lock settings: job resumed ${seconds.toFixed(1)} s later\n`);
    await pipeline.closeWorkers();
  });

  it('finishes the stage in hand on SIGTERM, hands the job back and exits cleanly', async () => {
    const a = new ChildWorker(env());
    children.push(a);
    await a.ready();
    const event = ticketEvent('generic');
    const key = ticketKey(event);
    // SIGTERM while the folders stage is inside DocSpace: its first folder is being created.
    const terminated = afterPortalCall(docspace, 'createFolder', () => a.process.kill('SIGTERM'));
    await pipeline.add(event);
    await terminated;
    expect(await a.exited).toEqual({ code: 0, signal: null });

    // The folders stage it was in was finished and checkpointed; the rest waits for another worker.
    const entry = await pipeline.ledgerOf(event);
    expect(entry?.stages).toMatchObject({ room: 'done', folders: 'done', share: 'pending' });
    const job = await Job.fromId(pipeline.rooms, key);
    expect(['waiting', 'delayed']).toContain(await job?.getState());
    expect(job?.attemptsMade).toBe(0);

    await pipeline.startWorker(pipeline.config(docspace, { ROOM_TYPE: 'custom', ROOM_SHARE: SHARE }));
    await pipeline.finished(event);
    await assertOneOfEverything(event);
    const { logs } = await pipeline.rooms.getJobLogs(key);
    expect(logs).toContain('share: worker shutting down; job handed back before this stage');
    await pipeline.closeWorkers();
  });
});
