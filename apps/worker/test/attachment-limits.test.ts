import { readFileSync } from 'node:fs';
import { ATTACHMENT_SYNC_JOB_NAME, attachmentSyncJobId, ticketKey } from '@ticket-rooms/core';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentJobs, addFiles, fileSha, filesInRoom, type TestFile, ticketWithFiles } from './support/attachments';
import { ChildWorker } from './support/child-worker';
import { Pipeline, startDocspace, ticketEvent } from './support/harness';
import { type Helpdesks, notesOn, startHelpdesks } from './support/helpdesks';

/**
 * What the attachment copy promises beyond copying: a worker killed mid-upload leaves no half
 * file and no second copy, a 200 MB file passes through a worker without its RSS growing by more
 * than 50 MB, ATTACHMENTS=off copies nothing, and files over ATTACHMENT_MAX_BYTES are skipped with
 * a job-log line and one internal note per ticket.
 */

const MB = 1024 * 1024;
let docspace: DocspaceSimulator;
let helpdesks: Helpdesks;

beforeAll(async () => {
  docspace = await startDocspace();
  helpdesks = await startHelpdesks();
});

afterAll(async () => {
  await helpdesks.close();
  await docspace.close();
});

async function roomFiles(pipeline: Pipeline, event: ReturnType<typeof ticketEvent>) {
  const folderId = (await pipeline.ledgerOf(event))?.folders?.Attachments;
  if (folderId === undefined) throw new Error('the room has no Attachments folder');
  return filesInRoom(pipeline.reader(docspace), docspace, folderId);
}

/** The process's resident set, from the kernel's own account of it. */
function rssBytes(pid: number): number {
  const line = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) * 1024;
}

describe('a worker process copying files', () => {
  let pipeline: Pipeline;
  let jobs: AttachmentJobs;
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    pipeline = await new Pipeline('att-child').ready();
    jobs = await new AttachmentJobs(pipeline.prefix).ready();
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.kill()));
    await pipeline.closeWorkers();
  });
  afterAll(async () => {
    await jobs.close();
    await pipeline.close();
  });

  // Above the 200 MB file, which the default limit (100 MB) would skip.
  const env = () => pipeline.env(docspace, { ...helpdesks.env(), ATTACHMENT_MAX_BYTES: String(300 * MB) });
  const child = () => {
    const c = new ChildWorker(env());
    children.push(c);
    return c;
  };

  it('killed once DocSpace holds the first chunk: another worker finishes, and the file is there once, whole', async () => {
    // Three chunks of the client's 10 MiB.
    const file: TestFile = { name: 'core.dump', size: 25 * MB + 3, seed: 'killed-mid-upload' };
    const ticketId = await ticketWithFiles(helpdesks, 'zendesk', [file]);
    const event = ticketEvent('zendesk', { ticketId });
    const a = child();
    await a.ready();

    // The moment the portal has stored a chunk of this upload, the worker dies.
    const files = docspace.files as unknown as { addChunk: (...args: unknown[]) => unknown };
    const original = files.addChunk;
    const firstChunk = new Promise<void>((resolve) => {
      files.addChunk = (...args: unknown[]) => {
        const result = original.apply(docspace.files, args);
        files.addChunk = original;
        a.process.kill('SIGKILL');
        resolve();
        return result;
      };
    });
    await pipeline.add(event);
    await firstChunk;
    expect((await a.exited).signal).toBe('SIGKILL');
    expect(await roomFiles(pipeline, event)).toEqual([]);

    // Another worker (short locks) finds the copy job stalled and uploads the file anew.
    await pipeline.startWorker(pipeline.config(docspace, helpdesks.env()));
    await jobs.settled(event);
    expect(await roomFiles(pipeline, event)).toEqual([
      { title: 'core.dump', size: file.size, sha256: await fileSha(file) },
    ]);
    const copies = await jobs.queue.getJobs(['completed']);
    const copy = copies.find((j) => j.id?.startsWith(`att-${ticketKey(event)}-`));
    expect(copy?.stalledCounter).toBeGreaterThanOrEqual(1);
  });

  it('keeps its RSS within 50 MB of idle while it copies a 200 MB file', async () => {
    const a = child();
    await a.ready();
    const pid = a.process.pid;
    if (pid === undefined) throw new Error('the worker has no pid');
    // A first, small copy loads every code path a copy uses; idle is measured after it.
    const warm: TestFile = { name: 'warm-up.bin', size: 11 * MB, seed: 'rss-warm' };
    const warmEvent = ticketEvent('zendesk', { ticketId: await ticketWithFiles(helpdesks, 'zendesk', [warm]) });
    await pipeline.add(warmEvent);
    await jobs.settled(warmEvent);

    const big: TestFile = { name: 'capture.pcap', size: 200 * MB, seed: 'rss-200' };
    const event = ticketEvent('zendesk', { ticketId: await ticketWithFiles(helpdesks, 'zendesk', [big]) });
    const idle = rssBytes(pid);
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(pid));
    }, 10);
    try {
      await pipeline.add(event);
      await jobs.settled(event);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rssBytes(pid));
    process.stdout.write(
      `worker RSS copying 200 MB: idle ${(idle / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB (+${((peak - idle) / MB).toFixed(1)} MB)\n`,
    );
    // Title and size through the API (the bytes are checked by the other tests; hashing 200 MB twice is slow).
    const folderId = (await pipeline.ledgerOf(event))?.folders?.Attachments ?? -1;
    const listed = await pipeline.reader(docspace).listFiles(folderId);
    expect(listed.map((f) => [f.title, f.size])).toEqual([['capture.pcap', big.size]]);
    expect(peak - idle).toBeLessThan(50 * MB);
  });
});

describe('ATTACHMENTS=off', () => {
  let pipeline: Pipeline;
  let jobs: AttachmentJobs;

  beforeAll(async () => {
    pipeline = await new Pipeline('att-off').ready();
    jobs = await new AttachmentJobs(pipeline.prefix).ready();
    await pipeline.startWorker(pipeline.config(docspace, { ...helpdesks.env(), ATTACHMENTS: 'off' }));
  });
  afterAll(async () => {
    await jobs.close();
    await pipeline.close();
  });

  it('makes the room and copies nothing, for a creation and for a file added later', async () => {
    const file: TestFile = { name: 'screenshot.png', size: 5_000, seed: 'off' };
    const ticketId = await ticketWithFiles(helpdesks, 'zendesk', [file]);
    const event = ticketEvent('zendesk', { ticketId });
    await pipeline.add(event);
    await pipeline.finished(event);
    const added = ticketEvent('zendesk', { ticketId, kind: 'ticket.attachment_added', deliveryId: `off-${ticketId}` });
    const job = await pipeline.rooms.add('ticket.attachment_added', { event: added }, { jobId: `off-${ticketId}` });
    await job.waitUntilFinished(pipeline.roomEvents, 30_000);

    // The sync job is queued before a room job completes, so none now means none ever.
    for (const e of [event, added]) {
      expect(await Job.fromId(jobs.queue, attachmentSyncJobId(ticketKey(e), e))).toBeUndefined();
    }
    expect(await jobs.queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 0 });
    expect(await roomFiles(pipeline, event)).toEqual([]);
  });
});

describe('ATTACHMENT_MAX_BYTES', () => {
  let pipeline: Pipeline;
  let jobs: AttachmentJobs;

  beforeAll(async () => {
    pipeline = await new Pipeline('att-max').ready();
    jobs = await new AttachmentJobs(pipeline.prefix).ready();
    await pipeline.startWorker(pipeline.config(docspace, { ...helpdesks.env(), ATTACHMENT_MAX_BYTES: '100000' }));
  });
  afterAll(async () => {
    await jobs.close();
    await pipeline.close();
  });

  it('copies the files under the limit, logs each one over it, and notes them once on the ticket', async () => {
    const small: TestFile = { name: 'small.txt', size: 100_000, seed: 'max-small' };
    const large: TestFile = { name: 'large.bin', size: 100_001, seed: 'max-large' };
    const huge: TestFile = { name: 'huge.bin', size: 3 * MB, seed: 'max-huge' };
    const ticketId = await ticketWithFiles(helpdesks, 'zendesk', [small, large, huge]);
    const event = ticketEvent('zendesk', { ticketId });
    await pipeline.add(event);
    await pipeline.finished(event);
    await jobs.settled(event);

    expect(await roomFiles(pipeline, event)).toEqual([
      { title: 'small.txt', size: small.size, sha256: await fileSha(small) },
    ]);
    const syncId = attachmentSyncJobId(ticketKey(event), event);
    expect((await Job.fromId(jobs.queue, syncId))?.name).toBe(ATTACHMENT_SYNC_JOB_NAME);
    const { logs } = await jobs.queue.getJobLogs(syncId);
    expect(logs.filter((l) => l.startsWith('skipped '))).toEqual([
      'skipped large.bin (100001 bytes): larger than ATTACHMENT_MAX_BYTES (100000)',
      'skipped huge.bin (3145728 bytes): larger than ATTACHMENT_MAX_BYTES (100000)',
    ]);

    // Another event of the ticket, with one more large file: still one note about skipped files.
    await addFiles(helpdesks, 'zendesk', ticketId, [{ name: 'more.bin', size: 200_000, seed: 'max-more' }]);
    const added = ticketEvent('zendesk', { ticketId, kind: 'ticket.attachment_added', deliveryId: `max-${ticketId}` });
    await pipeline.rooms.add('ticket.attachment_added', { event: added }, { jobId: `max-${ticketId}` });
    await jobs.settled(added);

    const notes = (await notesOn(helpdesks, 'zendesk', ticketId)).filter((n) =>
      n.text.includes('Not copied to the investigation room'),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]?.internal).toBe(true);
    expect(notes[0]?.text).toContain('large.bin');
    expect(notes[0]?.text).toContain('huge.bin');
    expect(notes[0]?.text).not.toContain('small.txt');
    expect(await roomFiles(pipeline, event)).toHaveLength(1);
  });
});
