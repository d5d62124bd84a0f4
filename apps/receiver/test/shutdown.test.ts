import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, LocalRedis, QUEUE_NAMES, ticketKey } from '@ticket-rooms/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReceiverConfig } from '../src/config/config';
import { startReceiver } from '../src/start';
import { SECRETS, signedGeneric } from './support/receiver-under-test';

// Graceful shutdown on a Redis of our own: we pause its writes to hold a delivery in flight.

let dir: string;
let local: LocalRedis;
let admin: Redis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'receiver-shutdown-'));
  local = await new LocalRedis({ dir }).start();
  admin = new Redis(local.url);
});
afterAll(async () => {
  admin.disconnect();
  await local.stop();
  rmSync(dir, { recursive: true, force: true });
});

function rawRequest(ticketId: string, port: number): string {
  const body = JSON.stringify({ ticketId, subject: `Ticket ${ticketId}` });
  const headers = {
    ...signedGeneric(body),
    host: `127.0.0.1:${port}`,
    'content-length': String(Buffer.byteLength(body)),
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `POST /webhooks/generic HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Collects what the server writes until it closes the connection. */
function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

const clientList = async () => String(await admin.call('CLIENT', 'LIST'));

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 10));
}

describe('graceful shutdown', () => {
  it('finishes the delivery in flight, answers 503 to new requests, then closes its Redis connection', async () => {
    const prefix = '{shutdown}';
    const config = loadReceiverConfig({
      PORT: '0',
      REDIS_URL: local.url,
      QUEUE_PREFIX: prefix,
      GENERIC_WEBHOOK_SECRET: SECRETS.generic,
      ENQUEUE_TIMEOUT_MS: '10000',
    });
    const logger = createLogger({ name: 'receiver', level: 'silent' });
    const receiver = await startReceiver(config, { logger });
    const port = Number(new URL(receiver.url).port);

    // 1. One delivery end to end, so the queues have finished their own start-up writes.
    const warmBody = JSON.stringify({ ticketId: 'warm-up', subject: 'x' });
    const warm = await fetch(`${receiver.url}/webhooks/generic`, {
      method: 'POST',
      headers: signedGeneric(warmBody),
      body: warmBody,
    });
    expect(warm.status).toBe(202);

    // 2. Hold the next delivery inside Redis: writes are paused, so its claim (a script) waits.
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    const socket = connect(port, '127.0.0.1');
    const responses = readAll(socket);
    socket.write(rawRequest('in-flight', port));
    await until(async () => /name=ticket-rooms-receiver .*flags=b.*cmd=evalsha /.test(await clientList()));

    // 3. Shut down; a second request arrives on the same connection while draining.
    const closed = receiver.close();
    socket.write(rawRequest('too-late', port));
    await admin.call('CLIENT', 'UNPAUSE');

    const text = await responses;
    await closed;

    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 202/);
    expect(first).toContain('"duplicate":false');
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toMatch(/retry-after: 5/i);
    expect(second).toContain('"code":"RCV_ERR_SHUTTING_DOWN"');

    const rooms = new Queue(QUEUE_NAMES.rooms, { connection: admin, prefix });
    const key = (id: string) => ticketKey({ source: 'generic', tenant: 'default', ticketId: id });
    expect(await rooms.getJob(key('in-flight'))).toBeDefined();
    expect(await rooms.getJob(key('too-late'))).toBeUndefined();
    await rooms.close();

    expect(await clientList()).not.toContain('name=ticket-rooms-receiver');
    // The port is closed too.
    await expect(fetch(`${receiver.url}/healthz`)).rejects.toThrow();
  });
});
