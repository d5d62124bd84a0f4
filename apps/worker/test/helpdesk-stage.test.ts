import { ticketKey } from '@ticket-rooms/core';
import { createJiraWriter, noteMarker, renderRoomNote } from '@ticket-rooms/helpdesk';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteJobId } from '../src/pipeline/room-processor';
import { BASE_LATENCY_MS, FAULT_KINDS, type FaultName, faultOnceAtStage } from './support/faults';
import { Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';
import { type Helpdesks, notesOn, startHelpdesks } from './support/helpdesks';

const STORM = { rateLimitForSeconds: 600, retryAfterSeconds: 1 };

async function oneNote(helpdesks: Helpdesks, event: ReturnType<typeof ticketEvent>) {
  const marker = noteMarker(ticketKey(event));
  const source = event.source as 'zendesk' | 'freshdesk' | 'jira';
  return (await notesOn(helpdesks, source, event.ticketId)).filter((n) => n.text.includes(marker));
}

describe('the helpdesk stage', () => {
  let docspace: DocspaceSimulator;
  let helpdesks: Helpdesks;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    helpdesks = await startHelpdesks({ latencyMs: BASE_LATENCY_MS });
    pipeline = await new Pipeline('helpdesk').ready();
    await pipeline.startWorker(pipeline.config(docspace, helpdesks.env()));
  });
  afterAll(async () => {
    await pipeline.close();
    await helpdesks.close();
    await docspace.close();
  });

  it.each(Object.keys(FAULT_KINDS) as FaultName[])('posts exactly one note after a %s', async (fault) => {
    const event = ticketEvent('zendesk');
    await faultOnceAtStage({
      events: pipeline.noteEvents['notes-zendesk'],
      jobId: noteJobId(ticketKey(event)),
      stage: 'helpdesk',
      faults: helpdesks.zendesk.faults,
      fault,
      start: () => pipeline.add(event),
    });
    await pipeline.noteFinished(event);
    const notes = await oneNote(helpdesks, event);
    expect(notes).toHaveLength(1);
    const entry = await pipeline.ledgerOf(event);
    expect(entry?.state).toBe('done');
    expect(entry?.note?.id).toBe(notes[0]?.id);
    // After a lost answer the note was already there: found, not posted again.
    if (fault === 'commit-then-drop') expect(entry?.note?.alreadyPresent).toBe(true);
  });

  /** How often the Jira simulator was asked for a request's comments: the note stage's read-back. */
  const jiraReadBacks = () =>
    helpdesks.jira.stats.toJSON().byRoute['GET /rest/servicedeskapi/request/:key/comment'] ?? 0;

  it('posts the note of a room it has just made without reading the ticket back first', async () => {
    const event = ticketEvent('jira');
    const before = jiraReadBacks();
    await pipeline.add(event);
    await pipeline.noteFinished(event);
    // Counted before the test reads the notes itself, through the same route.
    expect(jiraReadBacks() - before).toBe(0);
    expect(await oneNote(helpdesks, event)).toHaveLength(1);
    expect((await pipeline.ledgerOf(event))?.note?.alreadyPresent).toBe(false);
  });

  it('reads the ticket back when the room was made before Redis last restarted, and finds the note there', async () => {
    // A note posted by a start of this job that a Redis restart forgot (its start count with it).
    const event = ticketEvent('jira');
    const room = { id: 9_100, title: 'Ticket room', url: 'https://r/9100' };
    const env = helpdesks.env();
    const writer = createJiraWriter({
      baseUrl: env.JIRA_URL as string,
      email: env.JIRA_EMAIL as string,
      apiToken: env.JIRA_API_TOKEN as string,
    });
    await writer.addNote(
      event.ticketId,
      renderRoomNote({ roomTitle: room.title, url: room.url, key: ticketKey(event) }),
    );
    await writer.close();
    const before = jiraReadBacks();
    const job = await pipeline.addNote(event, room, 'run-id-of-a-redis-server-before-a-restart');
    await job.waitUntilFinished(pipeline.noteEvents['notes-jira'], 30_000);
    expect(jiraReadBacks() - before).toBe(1);
    expect(await oneNote(helpdesks, event)).toHaveLength(1);
    expect((await pipeline.ledgerOf(event))?.note?.alreadyPresent).toBe(true);
  });

  it('keeps posting notes while DocSpace answers every request with 429', async () => {
    const rooms = [ticketEvent('generic'), ticketEvent('generic')];
    docspace.faults.set(STORM);
    try {
      for (const event of rooms) await pipeline.add(event);
      const notes = [ticketEvent('zendesk'), ticketEvent('freshdesk'), ticketEvent('jira')];
      const jobs = await Promise.all(
        notes.map((event, i) =>
          pipeline.addNote(event, { id: 9_000 + i, title: 'Ticket room', url: `https://r/${i}` }),
        ),
      );
      await Promise.all(
        jobs.map((job, i) => {
          const queue = `notes-${notes[i]?.source}` as keyof Pipeline['noteEvents'];
          return job.waitUntilFinished(pipeline.noteEvents[queue], 30_000);
        }),
      );
      for (const event of notes) expect(await oneNote(helpdesks, event)).toHaveLength(1);
      // All the while DocSpace was refusing: the room jobs are still waiting their turn.
      expect(docspace.faults.injected.rateLimit).toBeGreaterThan(0);
      for (const event of rooms) {
        expect(await (await Job.fromId(pipeline.rooms, ticketKey(event)))?.isCompleted()).toBe(false);
      }
    } finally {
      docspace.faults.set({});
    }
    for (const event of rooms) await pipeline.finished(event);
    const reader = pipeline.reader(docspace);
    for (const event of rooms) {
      expect((await roomsOf(reader, event)).rooms).toHaveLength(1);
      // 429s used no attempt: only the attempt that completed counts.
      expect((await Job.fromId(pipeline.rooms, ticketKey(event)))?.attemptsMade).toBe(1);
    }
  });

  it('keeps making rooms, and other helpdesks’ notes, while one helpdesk answers 429', async () => {
    const stormy = ticketEvent('zendesk');
    const calm = ticketEvent('freshdesk');
    helpdesks.zendesk.faults.set(STORM);
    try {
      await pipeline.add(stormy);
      await pipeline.add(calm);
      await pipeline.noteFinished(calm);
      await pipeline.finished(stormy);
      expect((await pipeline.ledgerOf(stormy))?.stages).toMatchObject({ link: 'done', helpdesk: 'pending' });
      expect(await oneNote(helpdesks, calm)).toHaveLength(1);
      expect(helpdesks.zendesk.faults.injected.rateLimit).toBeGreaterThan(0);
    } finally {
      helpdesks.zendesk.faults.set({ latencyMs: BASE_LATENCY_MS });
    }
    await pipeline.noteFinished(stormy);
    expect(await oneNote(helpdesks, stormy)).toHaveLength(1);
  });
});

describe('a helpdesk without write-back configuration', () => {
  let docspace: DocspaceSimulator;
  let helpdesks: Helpdesks;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    helpdesks = await startHelpdesks();
    pipeline = await new Pipeline('nowriteback').ready();
    const { JIRA_URL: _url, JIRA_EMAIL: _email, JIRA_API_TOKEN: _token, ...others } = helpdesks.env();
    await pipeline.startWorker(pipeline.config(docspace, others));
  });
  afterAll(async () => {
    await pipeline.close();
    await helpdesks.close();
    await docspace.close();
  });

  it('still gets its room, and its note fails at once naming the missing variables', async () => {
    const event = ticketEvent('jira');
    await pipeline.add(event);
    await expect(pipeline.noteFinished(event)).rejects.toThrow(
      'helpdesk: the jira write-back is not configured; set JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN and retry this job',
    );
    const note = await Job.fromId(pipeline.notes['notes-jira'], noteJobId(ticketKey(event)));
    expect(note?.attemptsMade).toBe(1);
    expect((await roomsOf(pipeline.reader(docspace), event)).rooms).toHaveLength(1);
    const entry = await pipeline.ledgerOf(event);
    expect(entry?.stages).toMatchObject({ room: 'done', folders: 'done', link: 'done', helpdesk: 'failed' });
    expect(entry?.state).toBe('failed');
  });

  it('fails a note at once when the helpdesk rejects the credentials', async () => {
    const other = await new Pipeline('badcreds').ready();
    try {
      await other.startWorker(other.config(docspace, { ...helpdesks.env(), FRESHDESK_API_KEY: 'wrong-key' }));
      const event = ticketEvent('freshdesk');
      await other.add(event);
      await expect(other.noteFinished(event)).rejects.toThrow(/^helpdesk: freshdesk rejected the credentials/);
      expect((await other.ledgerOf(event))?.lastError?.code).toBe('UNAUTHORIZED');
    } finally {
      await other.close();
    }
  });
});
