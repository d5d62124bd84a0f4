import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../src/ledger/ledger';

const ticket = (id: string) => ({ source: 'zendesk' as const, tenant: 'acme', ticketId: id });

describe('the ticket ledger in Redis', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  it('keeps each stage result and the overall state, with no expiry', async () => {
    const ledger = new Ledger(redis, testPrefix('ledger'));
    const t = ticket('1');
    expect(await ledger.read(t)).toBeUndefined();
    await ledger.write(t, {
      stage: { name: 'room', state: 'done' },
      room: { id: 7, title: 'Ticket #1 - x', roomType: 2, archived: false, origin: 'created' },
    });
    await ledger.write(t, { stage: { name: 'folders', state: 'done' }, folders: { Logs: 8 } });
    const entry = await ledger.read(t);
    expect(entry).toMatchObject({
      source: 'zendesk',
      tenant: 'acme',
      ticketId: '1',
      state: 'in-progress',
      stages: { room: 'done', folders: 'done', share: 'pending', link: 'pending', helpdesk: 'pending' },
      room: { id: 7 },
      folders: { Logs: 8 },
    });
    expect(await redis.ttl(ledger.keyOf(t))).toBe(-1);
  });

  it('gets the overall state right when the rooms and notes queues write at once', async () => {
    const ledger = new Ledger(redis, testPrefix('ledger'));
    const t = ticket('2');
    await ledger.write(t, { stage: { name: 'route', state: 'done' }, route: { rule: 'default', skip: false } });
    await ledger.write(t, { stage: { name: 'room', state: 'done' } });
    await ledger.write(t, { stage: { name: 'folders', state: 'done' } });
    await ledger.write(t, { stage: { name: 'share', state: 'skipped', reason: 'ROOM_SHARE is not set' } });
    const states = await Promise.all([
      ledger.write(t, { stage: { name: 'link', state: 'done' } }),
      ledger.write(t, { stage: { name: 'helpdesk', state: 'done' }, note: { id: '99', alreadyPresent: false } }),
    ]);
    expect(states).toContain('done');
    const entry = await ledger.read(t);
    expect(entry?.state).toBe('done');
    expect(entry?.reasons.share).toBe('ROOM_SHARE is not set');
  });

  it('marks the ticket failed when a stage fails, and clears it when a retry succeeds', async () => {
    const ledger = new Ledger(redis, testPrefix('ledger'));
    const t = ticket('3');
    const error = {
      stage: 'room' as const,
      message: 'room: DocSpace rejected the API key',
      code: 'UNAUTHORIZED',
      at: 'now',
    };
    expect(
      await ledger.write(t, { stage: { name: 'room', state: 'failed', reason: error.message }, lastError: error }),
    ).toBe('failed');
    expect((await ledger.read(t))?.lastError).toEqual(error);
    expect(await ledger.write(t, { stage: { name: 'room', state: 'done' }, lastError: null })).toBe('in-progress');
    const entry = await ledger.read(t);
    expect(entry?.lastError).toBeUndefined();
    expect(entry?.reasons.room).toBeUndefined();
  });
});
