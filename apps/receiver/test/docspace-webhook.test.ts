import { createHmac } from 'node:crypto';
import { ROOM_FILES_QUEUE, type RoomFileJobData } from '@ticket-rooms/core';
import { createDocspaceSimulator, type DocspaceSimulator } from '@ticket-rooms/simulators';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { post, type ReceiverUnderTest, startReceiverUnderTest } from './support/receiver-under-test';

// DocSpace's own deliveries, sent by the simulator as the server sends them (signed, retried),
// into a real receiver on real Redis: what is queued, and what is refused.

const SECRET = 'findings-secret-one';
const OLD_SECRET = 'findings-secret-old';
let rcv: ReceiverUnderTest;
let sim: DocspaceSimulator;
let queue: Queue<RoomFileJobData>;
let folderId: number;

async function api(path: string, body: unknown): Promise<{ response: { id: number } }> {
  const res = await fetch(`${sim.baseUrl}/api/2.0/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { response: { id: number } };
}

async function jobs() {
  return queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
}

beforeAll(async () => {
  rcv = await startReceiverUnderTest({ env: { DOCSPACE_WEBHOOK_SECRET: `${SECRET}, ${OLD_SECRET}` } });
  queue = new Queue<RoomFileJobData>(ROOM_FILES_QUEUE, { connection: rcv.redis, prefix: rcv.prefix });
  sim = await createDocspaceSimulator({ webhookRetries: { repeatCount: 2, firstDelayMs: 20 } });
  await sim.listen();
  const room = await api('files/rooms', { title: 'INC-1 Printer', roomType: 2 });
  folderId = (await api(`files/folder/${room.response.id}`, { title: 'Findings' })).response.id;
  const res = await fetch(`${sim.baseUrl}/api/2.0/settings/webhook`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'ticket-rooms',
      uri: `${rcv.url}/webhooks/docspace`,
      secretKey: SECRET,
      enabled: true,
      triggers: 384,
    }),
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  await sim.close();
  await rcv.close();
});
beforeEach(async () => {
  await sim.webhooks.idle();
  await queue.obliterate({ force: true });
  sim.webhooks.faults = {};
});

async function upload(title: string): Promise<number> {
  const file = await api(`files/${folderId}/file`, { title });
  await sim.webhooks.idle();
  return file.response.id;
}

describe('POST /webhooks/docspace', () => {
  it('queues one room.file_added job for a new file, with its id, title and folder', async () => {
    const fileId = await upload('trace.log');
    const all = await jobs();
    expect(all).toHaveLength(1);
    expect(all[0]?.name).toBe('room.file_added');
    expect(all[0]?.data).toMatchObject({
      trigger: 'file.created',
      file: { id: fileId, title: 'trace.log', folderId },
    });
  });

  it('queues one job when the same delivery arrives three times', async () => {
    sim.webhooks.faults = { duplicates: 3 };
    await upload('dup.txt');
    expect(sim.webhooks.sent.succeeded).toBeGreaterThanOrEqual(3);
    expect(await jobs()).toHaveLength(1);
  });

  it('queues a file created in the editor as file.created', async () => {
    const res = await fetch(`${sim.baseUrl}/api/2.0/files/${folderId}/file`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Notes.docx' }),
    });
    expect(res.status).toBe(200);
    await sim.webhooks.idle();
    expect((await jobs()).map((j) => j.data.trigger)).toEqual(['file.created']);
  });

  const body = (createOn: string) =>
    JSON.stringify({
      event: { id: 9001, createOn, trigger: 'file.uploaded', triggerId: 256 },
      payload: { id: 77, title: 'x.txt', parentId: folderId },
      webhook: { id: 1, name: 'n', url: 'u', triggers: ['file.uploaded'] },
    });
  const sign = (text: string, secret: string) =>
    `sha256=${createHmac('sha256', secret).update(text).digest('hex').toUpperCase()}`;
  const now = () => `${new Date().toISOString().slice(0, 19)}Z`;

  it('takes a delivery signed with the previous secret during rotation', async () => {
    const text = body(now());
    const res = await post(`${rcv.url}/webhooks/docspace`, text, {
      'content-type': 'application/json',
      'x-docspace-signature-256': sign(text, OLD_SECRET),
    });
    expect(res.status).toBe(202);
    expect(await jobs()).toHaveLength(1);
  });

  it.each([
    ['a forged signature', () => body(now()), (t: string) => sign(t, 'not-the-secret')],
    ['a signature over another body', () => body(now()), () => sign(body('2020-01-01T00:00:00Z'), SECRET)],
    ['a stale event', () => body('2020-01-01T00:00:00Z'), (t: string) => sign(t, SECRET)],
  ])('refuses %s with 401 and queues nothing', async (_name, make, signature) => {
    const text = make();
    const res = await post(`${rcv.url}/webhooks/docspace`, text, {
      'content-type': 'application/json',
      'x-docspace-signature-256': signature(text),
    });
    expect(res.status).toBe(401);
    expect((res.json as { code: string }).code).toBe('RCV_ERR_UNAUTHORIZED');
    expect(await jobs()).toHaveLength(0);
  });

  it('answers 202 ignored for a trigger that is not a new file', async () => {
    const text = JSON.stringify({ event: { id: 5, createOn: now(), trigger: 'user.created' }, payload: { id: 'u' } });
    const res = await post(`${rcv.url}/webhooks/docspace`, text, {
      'content-type': 'application/json',
      'x-docspace-signature-256': sign(text, SECRET),
    });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'ignored' });
    expect(await jobs()).toHaveLength(0);
  });
});
