import { ticketKey } from '@ticket-rooms/core';
import { type DocspaceSimulator, SIM_GROUPS, SIM_USERS } from '@ticket-rooms/simulators';
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_LATENCY_MS, FAULT_KINDS, type FaultName, faultOnceAtStage } from './support/faults';
import { Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';

const SHARE = [
  { id: SIM_USERS.roomAdmin.id, role: 'RoomManager' },
  { id: SIM_GROUPS.support.id, role: 'Editing', type: 'group' },
];

// `GET rooms/{id}/link` is the link stage's only call; the simulator never drops a GET, so
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
    const primary = await reader.getPrimaryLink(rooms[0]?.id ?? 0);
    expect(entry?.link?.url).toBe(primary.url);

    const job = await Job.fromId(pipeline.rooms, ticketKey(event));
    const { logs } = await pipeline.rooms.getJobLogs(ticketKey(event));
    if (fault === '429') {
      // Rate limited: the queue waited for Retry-After, and only the attempt that completed
      // counts (BullMQ counts the finishing attempt); the job was started twice.
      expect(job?.attemptsMade).toBe(1);
      expect(job?.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(logs.some((l) => l.startsWith(`${stage}: rate limited`))).toBe(true);
    } else {
      // The failed attempt counts, then the one that completed.
      expect(job?.attemptsMade).toBeGreaterThanOrEqual(2);
      expect(logs.some((l) => l.startsWith(`${stage}: attempt 1 of 300 failed, will retry`))).toBe(true);
    }
  });
});
