import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../src/ledger/ledger';

const ticket = (id: string) => ({ source: 'zendesk' as const, tenant: 'acme', ticketId: id });

/**
 * The contract of `src/ledger/bullmq-trail.ts` with the BullMQ version the workspace catalogue
 * pins: what the checkpoint script writes into BullMQ's keys, BullMQ's own API reads back.
 */
describe("the checkpoint's job trail, read through BullMQ", () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  it('writes a job log line and progress with the checkpoint, as BullMQ reads them', async () => {
    const prefix = testPrefix('ledger');
    const ledger = new Ledger(redis, prefix);
    const queue = new Queue('trail', { connection: redis, prefix });
    try {
      const job = await queue.add('room', { n: 1 }, { jobId: 'trail-1', keepLogs: 2 });
      const keys = {
        job: queue.toKey('trail-1'),
        events: queue.keys.events as string,
        meta: queue.keys.meta as string,
      };
      const t = ticket('4');
      for (const [i, stage] of (['room', 'folders', 'share'] as const).entries()) {
        await ledger.write(
          t,
          { stage: { name: stage, state: 'done' } },
          { keys, jobId: 'trail-1', log: `${stage}: done`, keepLogs: 2, progress: { stage: 'next', step: i + 2 } },
        );
      }
      // The log keeps the job's keepLogs newest lines; progress is the last one written.
      expect((await queue.getJobLogs('trail-1')).logs).toEqual(['folders: done', 'share: done']);
      expect((await queue.getJob('trail-1'))?.progress).toEqual({ stage: 'next', step: 4 });
      const events = await redis.xrange(keys.events, '-', '+');
      const progress = events.map(([, f]) => f).filter((f) => f[1] === 'progress');
      expect(progress).toHaveLength(3);
      expect(progress.at(-1)).toEqual(['event', 'progress', 'jobId', 'trail-1', 'data', '{"stage":"next","step":4}']);
      expect((await ledger.read(t))?.stages).toMatchObject({ room: 'done', folders: 'done', share: 'done' });

      // keepLogs 0 means "keep them all", as in BullMQ's own addLog.
      await ledger.write(t, { lastError: null }, { keys, jobId: 'trail-1', log: 'kept', keepLogs: 0 });
      expect((await queue.getJobLogs('trail-1')).logs).toEqual(['folders: done', 'share: done', 'kept']);

      // A job removed meanwhile gets no log and no progress back, but the checkpoint is kept.
      await job.remove();
      await ledger.write(
        t,
        { stage: { name: 'link', state: 'done' } },
        { keys, jobId: 'trail-1', log: 'link: done', progress: {} },
      );
      expect(await redis.exists(keys.job, `${keys.job}:logs`)).toBe(0);
      expect((await ledger.read(t))?.stages.link).toBe('done');
    } finally {
      await queue.close();
    }
  });

  it("checks and renews the job's lock with the checkpoint, as BullMQ's extendLock does", async () => {
    const prefix = testPrefix('ledger');
    const ledger = new Ledger(redis, prefix);
    const queue = new Queue('trail-lock', { connection: redis, prefix });
    const worker = new Worker('trail-lock', null, { connection: { url: testRedisUrl() }, prefix, autorun: false });
    try {
      await queue.add('room', { n: 1 }, { jobId: 'trail-2' });
      const job = await worker.getNextJob('owners-token');
      if (!job) throw new Error('no job to take');
      const keys = {
        job: queue.toKey('trail-2'),
        events: queue.keys.events as string,
        meta: queue.keys.meta as string,
        stalled: queue.keys.stalled as string,
      };
      const t = ticket('5');
      const write = (token: string) =>
        ledger.checkpoint(t, [{ stage: { name: 'room', state: 'done' } }], {
          keys,
          jobId: 'trail-2',
          log: ['route: rule default', 'room: done'],
          lock: { token, durationMs: 60_000 },
        });
      expect(await write('owners-token')).toEqual({ state: 'in-progress', owned: true });
      // Renewed for the duration given, well past the worker's own (30 s by default).
      expect(await redis.pttl(`${keys.job}:lock`)).toBeGreaterThan(30_000);
      expect(await write('a-stale-token')).toEqual({ state: 'in-progress', owned: false });
      // BullMQ agrees on who owns the job, and the stage lines are one log entry each.
      expect(await job.extendLock('a-stale-token', 1_000)).toBe(0);
      expect(await job.extendLock('owners-token', 1_000)).toBe(1);
      expect((await queue.getJobLogs('trail-2')).logs).toEqual([
        'route: rule default',
        'room: done',
        'route: rule default',
        'room: done',
      ]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
