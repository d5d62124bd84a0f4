import { Writable } from 'node:stream';
import { type TicketEvent, ticketKey } from '@ticket-rooms/core';
import type { DocspaceClient } from '@ticket-rooms/docspace-client';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { type Job, Job as JobClass } from 'bullmq';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChildWorker } from './support/child-worker';
import { Pipeline, roomsOf, startDocspace, statusEvent, subjectEvent, ticketEvent } from './support/harness';

const T = (minute: number) => `2026-11-30T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** Every ordering of a list. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** The one room a ticket has in DocSpace, read through its API (failing if there is not exactly one). */
async function theRoom(reader: DocspaceClient, event: TicketEvent) {
  const { rooms } = await roomsOf(reader, event);
  expect(rooms).toHaveLength(1);
  const room = rooms[0];
  if (!room) throw new Error('no room');
  return reader.getRoom(room.id);
}

/** DocSpace calls that changed a room's state, from the simulator's own request counts. */
function lifecycleCalls(docspace: DocspaceSimulator): number {
  const byRoute = docspace.stats.toJSON().byRoute;
  return Object.entries(byRoute)
    .filter(([route]) => /^PUT .*rooms\/:id(\/(archive|unarchive))?$/.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
}

describe('the room follows its ticket', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('lifecycle').ready();
    await pipeline.startWorker(pipeline.config(docspace, { WORKER_CONCURRENCY: '16' }));
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('ends in the same room for every order of created, solved, reopened and renamed', async () => {
    const reader = pipeline.reader(docspace);
    const orders = permutations(['created', 'solved', 'reopened', 'renamed'] as const);
    await Promise.all(
      orders.map(async (order) => {
        const created = ticketEvent('generic', { subject: 'Printer on fire', occurredAt: T(0) });
        const events = {
          created,
          solved: statusEvent(created, 'solved', T(1)),
          reopened: statusEvent(created, 'open', T(2)),
          renamed: subjectEvent(created, 'Printer still on fire', T(3)),
        };
        // One event at a time, in this order, each job finished before the next is sent.
        for (const name of order) await pipeline.sendAndWait(events[name]);
        const room = await theRoom(reader, created);
        expect({ order: order.join(' '), archived: room.archived, title: room.title }).toEqual({
          order: order.join(' '),
          archived: false,
          title: `Ticket #${created.ticketId} - Printer still on fire`,
        });
        const entry = await pipeline.ledgerOf(created);
        expect(entry?.desired).toMatchObject({
          status: { value: 'open' },
          subject: { value: 'Printer still on fire' },
        });
      }),
    );
  });

  it('ends archived and renamed for every order of created, solved and renamed (renaming an archived room)', async () => {
    const reader = pipeline.reader(docspace);
    await Promise.all(
      permutations(['created', 'solved', 'renamed'] as const).map(async (order) => {
        const created = ticketEvent('generic', { subject: 'VPN down', occurredAt: T(0) });
        const events = {
          created,
          solved: statusEvent(created, 'solved', T(1)),
          renamed: subjectEvent(created, 'VPN down in Berlin', T(2)),
        };
        for (const name of order) await pipeline.sendAndWait(events[name]);
        const room = await theRoom(reader, created);
        expect({ order: order.join(' '), archived: room.archived, title: room.title }).toEqual({
          order: order.join(' '),
          archived: true,
          title: `Ticket #${created.ticketId} - VPN down in Berlin`,
        });
      }),
    );
  });

  it('lets an older change arrive after a newer one without changing anything', async () => {
    const reader = pipeline.reader(docspace);
    const created = ticketEvent('generic', { subject: 'First', occurredAt: T(0) });
    await pipeline.sendAndWait(created);
    await pipeline.sendAndWait(subjectEvent(created, 'Third', T(3)));
    await pipeline.sendAndWait(statusEvent(created, 'closed', T(4)));
    const before = lifecycleCalls(docspace);
    // Late deliveries of earlier changes: all older than what the ledger holds.
    await pipeline.sendAndWait(subjectEvent(created, 'Second', T(2)));
    await pipeline.sendAndWait(statusEvent(created, 'open', T(1)));
    expect(lifecycleCalls(docspace)).toBe(before);
    const room = await theRoom(reader, created);
    expect(room).toMatchObject({ archived: true, title: `Ticket #${created.ticketId} - Third` });
    // A redelivered change is the same job, and a replayed one costs nothing either.
    await pipeline.sendAndWait(subjectEvent(created, 'Third', T(3)));
    expect(lifecycleCalls(docspace)).toBe(before);
  });

  it('logs each change as a stage and leaves the room alone for a status it does not know', async () => {
    const created = ticketEvent('generic', { occurredAt: T(0) });
    await pipeline.sendAndWait(created);
    const solved = await pipeline.send(statusEvent(created, 'solved', T(1)));
    await solved.waitUntilFinished(pipeline.roomEvents, 30_000);
    const { logs } = await pipeline.rooms.getJobLogs(solved.id as string);
    const roomId = (await pipeline.ledgerOf(created))?.room?.id;
    expect(logs).toEqual([`archive: room ${roomId} archived (ticket solved)`]);

    const before = lifecycleCalls(docspace);
    const odd = await pipeline.send(statusEvent(created, 'Waiting on vendor', T(2)));
    await odd.waitUntilFinished(pipeline.roomEvents, 30_000);
    expect(lifecycleCalls(docspace)).toBe(before);
    expect((await pipeline.ledgerOf(created))?.desired.status?.value).toBe('Waiting on vendor');
    expect((await theRoom(pipeline.reader(docspace), created)).archived).toBe(true);
  });

  it('archives the room of a deleted ticket', async () => {
    const created = ticketEvent('generic', { occurredAt: T(0) });
    await pipeline.sendAndWait(created);
    await pipeline.sendAndWait(statusEvent(created, 'deleted', T(5)));
    expect((await theRoom(pipeline.reader(docspace), created)).archived).toBe(true);
    expect((await pipeline.ledgerOf(created))?.state).toBe('done');
  });

  it('makes the room for an update that arrives before the creation, then brings it to the ticket state', async () => {
    const created = ticketEvent('generic', { subject: 'Late creation', occurredAt: T(0) });
    const result = await pipeline.sendAndWait(statusEvent(created, 'solved', T(1)));
    expect(result).toMatchObject({ roomId: expect.any(Number) });
    await pipeline.sendAndWait(created);
    const room = await theRoom(pipeline.reader(docspace), created);
    expect(room.archived).toBe(true);
    const entry = await pipeline.ledgerOf(created);
    expect(entry?.stages).toMatchObject({ room: 'done', folders: 'done', link: 'done', archive: 'done' });
  });

  it('runs 20 changes of one ticket one job at a time, in at most a few DocSpace calls', async () => {
    const created = ticketEvent('generic', { occurredAt: T(0) });
    await pipeline.sendAndWait(created);
    // A burst arrives while no worker is free: every change is recorded before any job runs.
    await pipeline.closeWorkers();
    const before = lifecycleCalls(docspace);
    const burst = Array.from({ length: 20 }, (_, i) =>
      i % 5 === 4
        ? subjectEvent(created, `Subject ${i}`, T(10 + i))
        : statusEvent(created, i % 2 === 0 ? 'solved' : 'open', T(10 + i)),
    );
    const jobs: Job[] = await Promise.all(burst.map((e) => pipeline.send(e)));
    // The worker's own account of when each job held the ticket, from its debug log.
    const held: Array<{ jobId: string; what: 'held' | 'released' }> = [];
    const lines = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          const entry = JSON.parse(line) as { jobId?: string; ticketLock?: 'held' | 'released' };
          if (entry.ticketLock && entry.jobId) held.push({ jobId: entry.jobId, what: entry.ticketLock });
        }
        done();
      },
    });
    await pipeline.startWorker(pipeline.config(docspace, { WORKER_CONCURRENCY: '16' }), {
      logger: pino({ level: 'debug' }, lines),
    });
    await Promise.all(jobs.map((j) => j.waitUntilFinished(pipeline.roomEvents, 60_000)));

    // The last status (18: solved) and the last subject (19) win, whatever order the jobs ran in.
    const room = await theRoom(pipeline.reader(docspace), created);
    expect(room).toMatchObject({ archived: true, title: `Ticket #${created.ticketId} - Subject 19` });
    const calls = lifecycleCalls(docspace) - before;
    expect(calls).toBeLessThanOrEqual(2);
    process.stdout.write(`20 changes of one ticket: ${calls} DocSpace calls that changed the room\n`);

    // No two of the ticket's jobs held it at once: every hold is given back before the next.
    await vi.waitFor(() => expect(held.filter((h) => h.what === 'released')).toHaveLength(20));
    expect(held).toHaveLength(40);
    for (let i = 0; i < held.length; i += 2) {
      expect(held[i]?.what).toBe('held');
      expect(held[i + 1]).toEqual({ jobId: held[i]?.jobId, what: 'released' });
    }
    expect(new Set(held.map((h) => h.jobId)).size).toBe(20);
  });

  it('retries an archive that DocSpace failed or dropped after committing it, without doubling anything', async () => {
    for (const fault of [{ errorRate: 1 }, { dropAfterCommitRate: 1 }]) {
      const created = ticketEvent('generic', { occurredAt: T(0) });
      await pipeline.sendAndWait(created);
      const counter = 'errorRate' in fault ? 'error' : 'dropAfterCommit';
      const injected = docspace.faults.injected[counter];
      // The solved ticket's first DocSpace call is the archive request itself.
      docspace.faults.set(fault);
      const job = await pipeline.send(statusEvent(created, 'solved', T(1)));
      await vi.waitFor(() => expect(docspace.faults.injected[counter]).toBeGreaterThan(injected), {
        timeout: 10_000,
        interval: 2,
      });
      docspace.faults.set({});
      await job.waitUntilFinished(pipeline.roomEvents, 30_000);
      const room = await theRoom(pipeline.reader(docspace), created);
      expect(room.archived).toBe(true);
      expect((await pipeline.ledgerOf(created))?.archive).toEqual({ archived: true, status: 'solved' });
      expect((await JobClass.fromId(pipeline.rooms, job.id as string))?.attemptsMade).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('the room follows its ticket, with ROOM_CREATE_ON_UPDATE=false', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('lifecycle-no-create').ready();
    await pipeline.startWorker(pipeline.config(docspace, { ROOM_CREATE_ON_UPDATE: 'false' }));
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('keeps an early update for the creation, which then makes the room in the ticket state', async () => {
    const created = ticketEvent('generic', { subject: 'Old subject', occurredAt: T(0) });
    const early = await pipeline.sendAndWait(subjectEvent(created, 'New subject', T(2)));
    expect(early).toEqual({
      key: ticketKey(created),
      rule: 'default',
      halted: expect.stringContaining('ROOM_CREATE_ON_UPDATE'),
    });
    await pipeline.sendAndWait(statusEvent(created, 'closed', T(3)));
    expect((await roomsOf(pipeline.reader(docspace), created)).rooms).toHaveLength(0);

    await pipeline.sendAndWait(created);
    const room = await theRoom(pipeline.reader(docspace), created);
    expect(room).toMatchObject({ archived: true, title: `Ticket #${created.ticketId} - New subject` });
  });
});

describe('a worker killed between archiving a room and its checkpoint', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('lifecycle-crash').ready();
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.kill()));
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('leaves the room archived once, finished by another worker', async () => {
    const created = ticketEvent('generic', { occurredAt: T(0) });
    await pipeline.startWorker(pipeline.config(docspace));
    await pipeline.sendAndWait(created);
    await pipeline.closeWorkers();

    const child = new ChildWorker(pipeline.env(docspace));
    children.push(child);
    await child.ready();
    // The moment DocSpace has started the archive, before the worker hears back.
    const portal = docspace.portal as unknown as { startOperation: (...args: unknown[]) => unknown };
    const original = portal.startOperation;
    const killed = new Promise<void>((resolve) => {
      portal.startOperation = (...args: unknown[]) => {
        const op = original.apply(docspace.portal, args);
        portal.startOperation = original;
        child.process.kill('SIGKILL');
        resolve();
        return op;
      };
    });
    const job = await pipeline.send(statusEvent(created, 'solved', T(1)));
    await killed;
    expect((await child.exited).signal).toBe('SIGKILL');
    expect((await pipeline.ledgerOf(created))?.stages.archive).toBe('pending');

    await pipeline.startWorker(pipeline.config(docspace));
    await job.waitUntilFinished(pipeline.roomEvents, 30_000);
    const room = await theRoom(pipeline.reader(docspace), created);
    expect(room.archived).toBe(true);
    const entry = await pipeline.ledgerOf(created);
    expect(entry).toMatchObject({ state: 'done', archive: { archived: true }, room: { archived: true } });
    expect((await JobClass.fromId(pipeline.rooms, job.id as string))?.stalledCounter).toBeGreaterThanOrEqual(1);
  });
});
