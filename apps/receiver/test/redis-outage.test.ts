import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, freePort, LocalRedis, QUEUE_NAMES, ticketKey } from '@ticket-rooms/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadReceiverConfig } from '../src/config/config';
import { seenKey } from '../src/intake/ticket-intake';
import { startReceiver } from '../src/start';
import {
  nextEvent,
  type ReceiverUnderTest,
  SECRETS,
  sendGeneric,
  startReceiverUnderTest,
} from './support/receiver-under-test';

// Redis of our own, so it can be stopped, frozen and restarted without touching the run's Redis.

const BOUND_MS = 1_000;
/** Far above the bound: a fetch still pending by then means the receiver hung. */
const HANG_GUARD_MS = BOUND_MS + 10_000;

let dir: string;
let local: LocalRedis;
let rcv: ReceiverUnderTest | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'receiver-outage-'));
  local = new LocalRedis({ dir });
});

afterEach(async () => {
  if (local.pid !== undefined) process.kill(local.pid, 'SIGCONT');
  await rcv?.close();
  rcv = undefined;
  await local.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function jobExists(redisUrl: string, prefix: string, ticketId: string): Promise<boolean> {
  const redis = new Redis(redisUrl);
  const queue = new Queue(QUEUE_NAMES.rooms, { connection: redis, prefix });
  try {
    const key = ticketKey({ source: 'generic', tenant: 'default', ticketId });
    return (await queue.getJob(key)) !== undefined || (await redis.exists(seenKey(prefix, key))) === 1;
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

describe('when Redis goes away', () => {
  it('answers 503 with Retry-After at once and keeps nothing, then accepts again by itself', async () => {
    await local.start();
    rcv = await startReceiverUnderTest({ redisUrl: local.url, env: { ENQUEUE_TIMEOUT_MS: String(BOUND_MS) } });
    expect((await sendGeneric(rcv.url, 'before')).status).toBe(202);

    const lost = nextEvent(rcv.redis, 'close');
    await local.stop();
    await lost;

    const res = await sendGeneric(rcv.url, 'during', undefined, AbortSignal.timeout(HANG_GUARD_MS));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.json).toMatchObject({ status: 'error', code: 'RCV_ERR_REDIS_UNAVAILABLE' });
    const ready = await fetch(`${rcv.url}/readyz`, { signal: AbortSignal.timeout(HANG_GUARD_MS) });
    expect(ready.status).toBe(503);
    const line = rcv.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.ticketId === 'during');
    expect(line).toMatchObject({ level: 50, msg: 'delivery unavailable', code: 'RCV_ERR_REDIS_UNAVAILABLE' });
    expect(line?.err).toBeDefined();

    const back = nextEvent(rcv.redis, 'ready');
    await local.start();
    await back;

    expect(await jobExists(local.url, rcv.prefix, 'during')).toBe(false);
    const retried = await sendGeneric(rcv.url, 'during');
    expect(retried.status).toBe(202);
    expect(retried.json).toMatchObject({ status: 'accepted', duplicate: false });
    expect(await jobExists(local.url, rcv.prefix, 'during')).toBe(true);
    expect((await fetch(`${rcv.url}/readyz`)).status).toBe(200);
  });

  it('answers 503 within the bound when Redis stops answering without closing the connection', async () => {
    await local.start();
    rcv = await startReceiverUnderTest({ redisUrl: local.url, env: { ENQUEUE_TIMEOUT_MS: String(BOUND_MS) } });
    process.kill(local.pid as number, 'SIGSTOP');

    const res = await sendGeneric(rcv.url, 'frozen', undefined, AbortSignal.timeout(HANG_GUARD_MS));
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ code: 'RCV_ERR_REDIS_UNAVAILABLE' });
    expect(res.json.message).toContain(`${BOUND_MS} ms`);

    process.kill(local.pid as number, 'SIGCONT');
    // The sender retries; whether or not the frozen write landed late, the ticket has one job.
    const retried = await sendGeneric(rcv.url, 'frozen');
    expect(retried.status).toBe(202);
    expect(await rcv.traces()).toEqual({ jobs: 1, markers: 1 });
  });

  it('starts without Redis, says it is not ready, and accepts once Redis comes up', async () => {
    const port = await freePort();
    local = new LocalRedis({ dir, port });
    const logs: string[] = [];
    const config = loadReceiverConfig({
      PORT: '0',
      REDIS_URL: `redis://127.0.0.1:${port}`,
      QUEUE_PREFIX: '{outage-start}',
      ENQUEUE_TIMEOUT_MS: String(BOUND_MS),
      GENERIC_WEBHOOK_SECRET: SECRETS.generic,
    });
    const logger = createLogger({ name: 'receiver', destination: { write: (l: string) => void logs.push(l) } });
    const running = await startReceiver(config, { logger });
    try {
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${running.url}/readyz`, { signal: AbortSignal.timeout(HANG_GUARD_MS) })).status).toBe(503);
      const early = await sendGeneric(running.url, 'early', undefined, AbortSignal.timeout(HANG_GUARD_MS));
      expect(early.status).toBe(503);

      await local.start();
      // Wait for the receiver's own connection to come back, as an operator's readiness probe would.
      while ((await fetch(`${running.url}/readyz`)).status !== 200) await new Promise((r) => setTimeout(r, 50));
      const later = await sendGeneric(running.url, 'early');
      expect(later.status).toBe(202);
      expect(logs.join('')).toContain('Redis is not reachable yet');
    } finally {
      await running.close();
    }
  });
});
