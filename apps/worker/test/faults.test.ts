import { ticketKey } from '@ticket-rooms/core';
import { type DocspaceSimulator, SIM_GROUPS, SIM_USERS } from '@ticket-rooms/simulators';
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BASE_LATENCY_MS, FAULT_KINDS, type FaultName, faultOnceAtStage } from './support/faults';
import { Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';

const SHARE = [
  { id: SIM_USERS.roomAdmin.id, role: 'RoomManager' },
  { id: SIM_GROUPS.support.id, role: 'Editing', type: 'group' },
];

// The link stage's first call is `GET rooms/{id}/links`; the simulator never drops a GET, so
// commit-then-drop has nothing to act on there.
const CASES = (['room', 'folders', 'share', 'link'] as const).flatMap((stage) =>
  (Object.keys(FAULT_KINDS) as FaultName[])
    .filter((fault) => !(stage === 'link' && fault === 'commit-then-drop'))
    .map((fault) => ({ stage, fault })),
);

describe('a fault at each DocSpace stage still ends in exactly one room, folder set and share', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace({ faults: { latencyMs: BASE_LATENCY_MS } });
    pipeline = await new Pipeline('faults').ready();
    // A custom room has an external link, so the link stage makes a call that can fail too.
    await pipeline.startWorker(pipeline.config(docspace, { ROOM_TYPE: 'custom', ROOM_SHARE: JSON.stringify(SHARE) }));
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it.each(CASES)('$fault at $stage', async ({ stage, fault }) => {
    const event = ticketEvent('generic');
    await faultOnceAtStage({
      events: pipeline.roomEvents,
      jobId: ticketKey(event),
      stage,
      faults: docspace.faults,
      fault,
      start: () => pipeline.add(event),
    });
    await pipeline.finished(event);

    const reader = pipeline.reader(docspace);
    const { rooms, folders, byTitle } = await roomsOf(reader, event);
    expect(rooms).toHaveLength(1);
    expect(byTitle).toHaveLength(1);
    expect(folders.map((f) => f.title).sort()).toEqual(['Attachments', 'Findings', 'Logs']);
    const entry = await pipeline.ledgerOf(event);
    expect(entry?.state).toBe('done');
    expect(entry?.share?.granted).toEqual({ [SIM_USERS.roomAdmin.id]: 9, [SIM_GROUPS.support.id]: 10 });
    // Exactly one external link, the worker's own, whatever attempt made it.
    const links = await reader.listRoomLinks(rooms[0]?.id ?? 0);
    expect(links.map((l) => l.url)).toEqual([entry?.link?.url]);

    const job = await Job.fromId(pipeline.rooms, ticketKey(event));
    const { logs } = await pipeline.rooms.getJobLogs(ticketKey(event));
    if (fault === '429') {
      // Refused before DocSpace did anything: the DocSpace fetch sent the call again after
      // Retry-After, so the stage never failed: one start, no retry, no pause of the queue.
      expect(job?.attemptsMade).toBe(1);
      expect(job?.attemptsStarted).toBe(1);
      expect(logs.some((l) => l.startsWith(`${stage}: rate limited`) || l.includes('will retry'))).toBe(false);
    } else {
      // The failed attempt counts, then the one that completed.
      expect(job?.attemptsMade).toBeGreaterThanOrEqual(2);
      expect(logs.some((l) => l.startsWith(`${stage}: attempt 1 of 300 failed, will retry`))).toBe(true);
    }
  });
});

describe('a stage’s backoff counts its own failures, not the job’s', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace({ faults: { latencyMs: BASE_LATENCY_MS } });
    pipeline = await new Pipeline('stage-backoff').ready();
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('retries a first 502 at the folders stage after the base delay, though the job has used 30 attempts', async () => {
    const policy = { baseMs: 2_000, capMs: 600_000 };
    const event = ticketEvent('generic');
    const key = ticketKey(event);
    // An earlier outage at the room stage used 30 of the job's attempts.
    const job = await pipeline.add(event);
    await pipeline.redis.hset(pipeline.rooms.toKey(key), 'atm', '30');
    await pipeline.ledger.write(event, {
      lastError: {
        stage: 'room',
        message: 'room: docspace answered 502',
        code: 'SERVER_ERROR',
        at: 'then',
        failures: 30,
      },
    });

    await faultOnceAtStage({
      events: pipeline.roomEvents,
      jobId: key,
      stage: 'folders',
      faults: docspace.faults,
      fault: '5xx',
      start: () => pipeline.startWorker(pipeline.config(docspace), { retryPolicy: policy }),
    });
    await vi.waitFor(async () => expect(await job.getState()).toBe('delayed'), { timeout: 10_000, interval: 10 });
    const delayed = await Job.fromId(pipeline.rooms, key);
    // The job's 31st attempt would back off for minutes; the stage's first failure waits the base delay.
    expect(delayed?.attemptsMade).toBe(31);
    expect(delayed?.delay).toBeLessThanOrEqual(policy.baseMs);
    expect((await pipeline.ledgerOf(event))?.lastError).toMatchObject({ stage: 'folders', failures: 1 });

    await pipeline.finished(event);
    expect((await pipeline.ledgerOf(event))?.lastError).toBeUndefined();
  });
});
