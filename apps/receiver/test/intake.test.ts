import { once } from 'node:events';
import { createRedis, ledgerKey, QUEUE_NAMES, type RoomJobData, type TicketEvent, ticketKey } from '@ticket-rooms/core';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimAndAdd } from '../src/intake/claim-and-add';
import { createTicketIntake, seenKey, type TicketIntake } from '../src/intake/ticket-intake';

// The intake alone, against the run's real Redis: what makes "one ticket = one job" true.

let redis: Redis;
let prefix: string;
let rooms: Queue<RoomJobData>;
let intake: TicketIntake;
const DAY = 24 * 3600;

function ticket(ticketId: string, deliveryId = `d-${Math.random().toString(36).slice(2)}`): TicketEvent {
  return {
    kind: 'ticket.created',
    source: 'zendesk',
    tenant: '22129848',
    ticketId,
    subject: `Cannot log in (${ticketId})`,
    deliveryId,
    receivedAt: new Date().toISOString(),
  };
}

beforeEach(async () => {
  redis = createRedis(testRedisUrl(), { role: 'producer' });
  await once(redis, 'ready');
  prefix = testPrefix('intake');
  rooms = new Queue(QUEUE_NAMES.rooms, { connection: redis, prefix });
  intake = createTicketIntake({ redis, rooms, prefix, dedupeWindowSeconds: 30 * DAY, timeoutMs: 2_000 });
});

afterEach(async () => {
  await rooms.obliterate({ force: true });
  await rooms.close();
  await redis.quit();
});

describe('ticket intake', () => {
  it('turns a new ticket into one room job carrying the event and the shared job options', async () => {
    const event = ticket('5158');
    const result = await intake.accept(event);

    expect(result).toEqual({ jobId: ticketKey(event), duplicate: false, repaired: false });
    const job = await rooms.getJob(result.jobId);
    expect(job?.data).toEqual({ event });
    expect(job?.opts).toMatchObject({ attempts: 300, backoff: { type: 'vendor' }, removeOnFail: false });
    expect(job?.opts.removeOnComplete).toEqual({ age: 7 * DAY });
  });

  it('makes one job out of ten concurrent deliveries of one ticket, and calls exactly one of them new', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => intake.accept(ticket('77', `inv-${i}`))));

    expect(new Set(results.map((r) => r.jobId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await rooms.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed')).toBe(1);
  });

  it('keeps calling a ticket a duplicate after its job completed and was removed by retention', async () => {
    const first = await intake.accept(ticket('900'));
    const workerConnection = createRedis(testRedisUrl(), { role: 'worker' });
    const worker = new Worker(QUEUE_NAMES.rooms, async () => 'room made', { connection: workerConnection, prefix });
    const completed = new Promise<void>((resolve) =>
      worker.on('completed', (job) => job.id === first.jobId && resolve()),
    );
    await completed;
    await worker.close();
    await workerConnection.quit();

    const afterCompletion = await intake.accept(ticket('900'));
    expect(afterCompletion).toMatchObject({ jobId: first.jobId, duplicate: true });

    // Days later retention has removed the completed job; the worker's ledger still has the room.
    await redis.set(ledgerKey(prefix, first.jobId), JSON.stringify({ roomId: 1 }));
    await rooms.remove(first.jobId);
    const daysLater = await intake.accept(ticket('900'));
    expect(daysLater).toMatchObject({ duplicate: true, repaired: false });
    expect(await rooms.getJob(first.jobId)).toBeUndefined();
    expect(await rooms.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed')).toBe(0);
  });

  it('remembers a ticket for at least the senders’ 72-hour retry horizon', async () => {
    const { jobId } = await intake.accept(ticket('42'));
    expect(await redis.ttl(seenKey(prefix, jobId))).toBeGreaterThanOrEqual(72 * 3600);
  });

  it('enqueues a ticket whose marker was written but whose job never was (a crash between the two)', async () => {
    const event = ticket('13');
    const key = ticketKey(event);
    await redis.set(seenKey(prefix, key), 'the-delivery-that-crashed', 'EX', 30 * DAY);

    const result = await intake.accept(event);

    expect(result).toMatchObject({ jobId: key, duplicate: true, repaired: true });
    expect((await rooms.getJob(key))?.data.event.ticketId).toBe('13');
  });

  it('keeps tickets of different tenants and sources apart', async () => {
    const a = await intake.accept(ticket('1'));
    const b = await intake.accept({ ...ticket('1'), tenant: 'other-account' });
    const c = await intake.accept({ ...ticket('1'), source: 'jira' });
    expect([a, b, c].every((r) => !r.duplicate)).toBe(true);
    expect(new Set([a.jobId, b.jobId, c.jobId]).size).toBe(3);
  });
});

describe('claim and add', () => {
  it('refuses job options that BullMQ adds with another script, before writing anything', async () => {
    const add = claimAndAdd(redis, rooms);
    const event = ticket('delayed');
    const key = ticketKey(event);
    const marker = { key: seenKey(prefix, key), value: event.deliveryId, ttlSeconds: DAY };

    await expect(
      add({ name: event.kind, data: { event }, opts: { delay: 60_000 }, jobId: key }, marker, [rooms.toKey(key)]),
    ).rejects.toThrow(/addStandardJob only, not addDelayedJob/);
    expect(await redis.exists(marker.key)).toBe(0);
    expect(await rooms.getJob(key)).toBeUndefined();
  });
});
