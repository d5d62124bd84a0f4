import {
  findingsNoteJobId,
  QUEUE_NAMES,
  ROOM_FILE_JOB_NAME,
  type RoomFileJobData,
  ticketKey,
} from '@ticket-rooms/core';
import { loadReceiverConfig, type RunningReceiver, startReceiver } from '@ticket-rooms/receiver';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { testRedisUrl } from '@ticket-rooms/testkit';
import { Job, Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChildWorker } from './support/child-worker';
import { Pipeline, startDocspace, ticketEvent } from './support/harness';
import { type Helpdesks, notesOn, startHelpdesks, VENDORS, type Vendor } from './support/helpdesks';

// Files added to a ticket room's Findings folder, sent by the DocSpace simulator as the server
// sends its webhooks, through a real receiver, to one note on the ticket per batch.

const SECRET = 'findings-webhook-secret-0123456789';
const FINDING_TEXT = 'the investigation room:';

describe('findings flow back to the ticket', () => {
  let docspace: DocspaceSimulator;
  let helpdesks: Helpdesks;
  let pipeline: Pipeline;
  let receiver: RunningReceiver;
  let roomFiles: Queue<RoomFileJobData>;
  const children: ChildWorker[] = [];
  let inner = false;
  const env = () => pipeline.env(docspace, { ...helpdesks.env(), FINDINGS_BATCH_SECONDS: '1' });

  async function api<T = { id: number; webUrl?: string }>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${docspace.baseUrl}/api/2.0/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${docspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { response: T }).response;
  }

  async function webhookFaults(faults: Record<string, unknown>) {
    const res = await fetch(`${docspace.baseUrl}/__sim/webhook-faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    expect(res.ok).toBe(true);
  }

  /** Polls until `check` gives a value; the deadline only stops a broken test from hanging. */
  async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The finished room-file job of a file, once the worker is through with it. */
  async function roomFileJob(fileId: number): Promise<Job<RoomFileJobData>> {
    return until(async () => {
      const jobs = await roomFiles.getJobs(['completed', 'failed']);
      return jobs.find((j) => j.data.file.id === fileId);
    }, `the room-file job of file ${fileId}`);
  }

  /** Waits for the findings note job of a ticket's batch to complete; returns its result. */
  async function batchNoted(vendor: Vendor, key: string, batchId = '1'): Promise<unknown> {
    const name = QUEUE_NAMES.notes[vendor];
    const job = await until(
      async () => (await Job.fromId(pipeline.notes[name], findingsNoteJobId(key, batchId))) ?? undefined,
      `the findings note job of ${key}`,
    );
    return job.waitUntilFinished(pipeline.noteEvents[name], 30_000);
  }

  async function findingNotes(vendor: Vendor, ticketId: string) {
    return (await notesOn(helpdesks, vendor, ticketId)).filter((n) => n.text.includes(FINDING_TEXT));
  }

  /** A ticket with its room made and its room note posted. */
  async function ticketRoom(vendor: Vendor) {
    const event = ticketEvent(vendor);
    await pipeline.add(event);
    await pipeline.noteFinished(event);
    const entry = await pipeline.ledgerOf(event);
    const findings = entry?.folders?.Findings;
    const logs = entry?.folders?.Logs;
    if (!entry?.room || findings === undefined || logs === undefined) throw new Error('the room has no folders');
    return { event, key: ticketKey(event), roomId: entry.room.id, findings, logs };
  }

  beforeAll(async () => {
    docspace = await startDocspace();
    helpdesks = await startHelpdesks();
    pipeline = await new Pipeline('findings').ready();
    receiver = await startReceiver(
      loadReceiverConfig({
        PORT: '0',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: pipeline.prefix,
        DOCSPACE_WEBHOOK_SECRET: SECRET,
        LOG_LEVEL: 'silent',
      }),
      { logger: pino({ level: 'silent' }) },
    );
    roomFiles = new Queue(QUEUE_NAMES.roomFiles, { connection: { url: testRedisUrl() }, prefix: pipeline.prefix });
    await api('settings/webhook', {
      name: 'ticket-rooms',
      uri: `${receiver.url}/webhooks/docspace`,
      secretKey: SECRET,
      enabled: true,
      triggers: 384,
    });
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.kill()));
    // The outer tests start their own workers; a failed one must not leave them to the next.
    if (!inner) await pipeline.closeWorkers();
    await webhookFaults({});
    await docspace.webhooks.idle();
  });
  afterAll(async () => {
    await roomFiles.close();
    await receiver.close();
    await pipeline.close();
    await helpdesks.close();
    await docspace.close();
  });

  describe('with a worker running', () => {
    beforeAll(async () => {
      inner = true;
      await pipeline.startWorker(pipeline.config(docspace, { ...helpdesks.env(), FINDINGS_BATCH_SECONDS: '1' }));
    });
    afterAll(async () => {
      inner = false;
      await pipeline.closeWorkers();
    });

    it.each(VENDORS)('notes a file created in Findings on the %s ticket, with its link', async (vendor) => {
      const t = await ticketRoom(vendor);
      const file = await api(`files/${t.findings}/file`, { title: 'Root cause.docx' });
      await batchNoted(vendor, t.key);
      const notes = await findingNotes(vendor, t.event.ticketId);
      expect(notes).toHaveLength(1);
      expect(notes[0]?.internal).toBe(true);
      expect(notes[0]?.text).toContain('New finding in the investigation room: Root cause.docx');
      expect(file.webUrl).toBeTruthy();
      expect(notes[0]?.text).toContain(file.webUrl);
    });

    it('notes a file once when its delivery comes three times, and again after its job is gone', async () => {
      const t = await ticketRoom('zendesk');
      await webhookFaults({ duplicates: 2 });
      const file = await api(`files/${t.findings}/file`, { title: 'trace.log' });
      await docspace.webhooks.idle();
      await webhookFaults({});
      await batchNoted('zendesk', t.key);
      // A redelivery after the job's retention: only the ticket's findings record remembers it.
      const first = await roomFileJob(file.id);
      const data = first.data;
      const id = first.id as string;
      await first.remove();
      await roomFiles.add(ROOM_FILE_JOB_NAME, data, { jobId: id });
      const late = await until(async () => {
        const job = await Job.fromId(roomFiles, id);
        return job && (await job.getState()) === 'completed' ? job : undefined;
      }, 'the late redelivery');
      expect(late.returnvalue).toMatchObject({ outcome: 'noted' });
      expect(await findingNotes('zendesk', t.event.ticketId)).toHaveLength(1);
    });

    it('leaves a file in Logs alone', async () => {
      const t = await ticketRoom('freshdesk');
      const file = await api(`files/${t.logs}/file`, { title: 'syslog.txt' });
      const job = await roomFileJob(file.id);
      expect(await job.getState()).toBe('completed');
      expect(job.returnvalue).toMatchObject({ ignored: expect.stringContaining('not in Findings') });
      expect(await Job.fromId(pipeline.notes['notes-freshdesk'], findingsNoteJobId(t.key, '1'))).toBeUndefined();
      expect(await findingNotes('freshdesk', t.event.ticketId)).toHaveLength(0);
    });

    it('leaves a file in a room that is not a ticket room alone', async () => {
      const room = await api('files/rooms', { title: 'Team notes', roomType: 2 });
      const folder = await api(`files/folder/${room.id}`, { title: 'Findings' });
      const file = await api(`files/${folder.id}/file`, { title: 'ideas.docx' });
      const job = await roomFileJob(file.id);
      expect(await job.getState()).toBe('completed');
      expect(job.returnvalue).toMatchObject({ ignored: expect.stringContaining('not a ticket room') });
    });
  });

  it('puts ten files of one window in one note, whatever order they arrive in', async () => {
    // The notes queues stay unworked until every file is in the batch, so the window cannot close early.
    await pipeline.startWorker(pipeline.config(docspace, { ...helpdesks.env(), FINDINGS_BATCH_SECONDS: '1' }), {
      queues: [QUEUE_NAMES.rooms, QUEUE_NAMES.roomFiles],
    });
    const event = ticketEvent('jira');
    await pipeline.add(event);
    await pipeline.finished(event);
    const entry = await pipeline.ledgerOf(event);
    const findings = entry?.folders?.Findings as number;
    await webhookFaults({ reorder: true });
    const titles = Array.from({ length: 10 }, (_, i) => `capture-${i}.pcap`);
    for (const title of titles) await api(`files/${findings}/file`, { title });
    await fetch(`${docspace.baseUrl}/__sim/webhook-flush`, { method: 'POST' });
    await docspace.webhooks.idle();
    const key = ticketKey(event);
    await until(async () => {
      const n = await pipeline.redis.hlen(`${pipeline.prefix}:findings:${key}:batch:1`);
      return n === 10 ? n : undefined;
    }, 'ten files in the batch');
    await pipeline.startWorker(pipeline.config(docspace, helpdesks.env()), {
      queues: Object.values(QUEUE_NAMES.notes),
    });
    await batchNoted('jira', key);
    const notes = await findingNotes('jira', event.ticketId);
    expect(notes).toHaveLength(1);
    for (const title of titles) expect(notes[0]?.text).toContain(title);
    expect(notes[0]?.text).toContain('10 new findings');
  });

  it('posts one note when the worker is killed between the note and its record', async () => {
    const child = new ChildWorker(env());
    children.push(child);
    await child.ready();
    const event = ticketEvent('zendesk');
    await pipeline.add(event);
    await pipeline.noteFinished(event);
    const entry = await pipeline.ledgerOf(event);
    // Kill the worker the moment the helpdesk stored the findings note, before it could answer.
    const store = helpdesks.zendesk.store as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = store.addComment as (...args: unknown[]) => unknown;
    const killed = new Promise<void>((resolve) => {
      store.addComment = (...args: unknown[]) => {
        const result = original.apply(helpdesks.zendesk.store, args);
        if (JSON.stringify(args[1]).includes(FINDING_TEXT)) {
          store.addComment = original;
          child.process.kill('SIGKILL');
          resolve();
        }
        return result;
      };
    });
    await api(`files/${entry?.folders?.Findings as number}/file`, { title: 'heap.dump' });
    await killed;
    expect((await child.exited).signal).toBe('SIGKILL');
    await pipeline.startWorker(pipeline.config(docspace, { ...helpdesks.env(), FINDINGS_BATCH_SECONDS: '1' }));
    const result = await batchNoted('zendesk', ticketKey(event));
    expect(result).toMatchObject({ files: 1, alreadyPresent: true });
    expect(await findingNotes('zendesk', event.ticketId)).toHaveLength(1);
  });
});
