import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentJobs, addFiles, fileSha, filesInRoom, type TestFile, ticketWithFiles } from './support/attachments';
import { Pipeline, startDocspace, ticketEvent } from './support/harness';
import { type Helpdesks, startHelpdesks, VENDORS, type Vendor } from './support/helpdesks';

/**
 * The files on a ticket land in its room: the same bytes (SHA-256 through DocSpace's download
 * handler), DocSpace's own names for namesakes, one copy per attachment however often the event
 * comes, and one more file when a comment adds one.
 */

const MB = 1024 * 1024;
let docspace: DocspaceSimulator;
let helpdesks: Helpdesks;
let pipeline: Pipeline;
let jobs: AttachmentJobs;

beforeAll(async () => {
  docspace = await startDocspace();
  helpdesks = await startHelpdesks();
  pipeline = await new Pipeline('attachments').ready();
  jobs = await new AttachmentJobs(pipeline.prefix).ready();
  await pipeline.startWorker(pipeline.config(docspace, { ...helpdesks.env(), ATTACHMENTS_CONCURRENCY: '3' }));
});

afterAll(async () => {
  await jobs.close();
  await pipeline.close();
  await helpdesks.close();
  await docspace.close();
});

async function attachmentsFolder(event: ReturnType<typeof ticketEvent>): Promise<number> {
  const entry = await pipeline.ledgerOf(event);
  const id = entry?.folders?.Attachments;
  if (id === undefined) throw new Error('the room has no Attachments folder');
  return id;
}

async function expectRoomHolds(event: ReturnType<typeof ticketEvent>, files: Array<{ title: string; file: TestFile }>) {
  const held = await filesInRoom(pipeline.reader(docspace), docspace, await attachmentsFolder(event));
  const want = await Promise.all(
    files.map(async (f) => ({ title: f.title, size: f.file.size, sha256: await fileSha(f.file) })),
  );
  expect(held.sort((a, b) => a.title.localeCompare(b.title))).toEqual(
    want.sort((a, b) => a.title.localeCompare(b.title)),
  );
}

describe.each(VENDORS)('%s attachments', (vendor: Vendor) => {
  it('copies nothing for a ticket without files', async () => {
    const ticketId = await ticketWithFiles(helpdesks, vendor, []);
    const event = ticketEvent(vendor, { ticketId });
    await pipeline.add(event);
    await pipeline.finished(event);
    await jobs.settled(event);
    await expectRoomHolds(event, []);
  });

  it('copies one file', async () => {
    const one: TestFile = { name: 'screenshot.png', size: 70_001, seed: `${vendor}-one` };
    const ticketId = await ticketWithFiles(helpdesks, vendor, [one]);
    const event = ticketEvent(vendor, { ticketId });
    await pipeline.add(event);
    await pipeline.finished(event);
    await jobs.settled(event);
    await expectRoomHolds(event, [{ title: 'screenshot.png', file: one }]);
  });

  it('copies three files (30 MB, a non-ASCII name, two namesakes), then one more from a comment, and never twice', async () => {
    const big: TestFile = { name: 'core.dump', size: 30 * MB + 7, seed: `${vendor}-big` };
    const accented: TestFile = { name: 'Журнал ошибок – été.log', size: 4_096, seed: `${vendor}-utf8` };
    const twinA: TestFile = { name: 'log.txt', size: 1_000, seed: `${vendor}-twin-a` };
    const twinB: TestFile = { name: 'log.txt', size: 2_000, seed: `${vendor}-twin-b` };
    const ticketId = await ticketWithFiles(helpdesks, vendor, [big, accented, twinA]);
    await addFiles(helpdesks, vendor, ticketId, [twinB]);
    const event = ticketEvent(vendor, { ticketId });
    await pipeline.add(event);
    await pipeline.finished(event);
    await jobs.settled(event);
    const twins = [
      { title: 'log.txt', file: twinA },
      { title: 'log (1).txt', file: twinB },
    ];
    const first = [{ title: 'core.dump', file: big }, { title: accented.name, file: accented }, ...twins];
    await expectRoomHolds(event, first);

    // A comment adds a file: its event lists it and the room gets exactly that one more.
    const later: TestFile = { name: 'after.txt', size: 333, seed: `${vendor}-later` };
    await addFiles(helpdesks, vendor, ticketId, [later]);
    const added = ticketEvent(vendor, { ticketId, kind: 'ticket.attachment_added', deliveryId: `added-${ticketId}` });
    await pipeline.rooms.add('ticket.attachment_added', { event: added }, { jobId: `${vendor}-added-${ticketId}` });
    await jobs.settled(added);
    await expectRoomHolds(event, [...first, { title: 'after.txt', file: later }]);

    // A redelivery of the same event, and another event listing everything again: nothing new.
    const again = ticketEvent(vendor, { ticketId, kind: 'ticket.attachment_added', deliveryId: `again-${ticketId}` });
    await pipeline.rooms.add('ticket.attachment_added', { event: again }, { jobId: `${vendor}-again-${ticketId}` });
    await jobs.settled(again);
    await expectRoomHolds(event, [...first, { title: 'after.txt', file: later }]);
  });
});

describe('failures', () => {
  it('finds a file whose commit answer was lost instead of uploading it again', async () => {
    const file: TestFile = { name: 'lost-answer.bin', size: 50_000, seed: 'lost' };
    const ticketId = await ticketWithFiles(helpdesks, 'zendesk', [file]);
    const event = ticketEvent('zendesk', { ticketId });
    docspace.faults.set({ dropAfterCommitRate: 1, only: '/ChunkedUploader.ashx', limit: 1 });
    await pipeline.add(event);
    await pipeline.finished(event);
    await jobs.settled(event);
    expect(docspace.faults.injected.dropAfterCommit).toBeGreaterThan(0);
    docspace.faults.set({});
    await expectRoomHolds(event, [{ title: 'lost-answer.bin', file }]);
  });

  it('fetches a fresh Freshdesk URL when the one it got has expired', async () => {
    const file: TestFile = { name: 'expiring.pdf', size: 9_999, seed: 'expiring' };
    const ticketId = await ticketWithFiles(helpdesks, 'freshdesk', [file]);
    const event = ticketEvent('freshdesk', { ticketId });
    // The sync's listing signs one URL; the copy's first listing gets an expired one.
    helpdesks.freshdesk.attachments.expireNextUrls = 2;
    await pipeline.add(event);
    await pipeline.finished(event);
    await jobs.settled(event);
    expect(helpdesks.freshdesk.attachments.expireNextUrls).toBe(0);
    await expectRoomHolds(event, [{ title: 'expiring.pdf', file }]);
  });
});
