import { QUEUE_NAMES, shardPrefixes, ticketKey } from '@ticket-rooms/core';
import type { RunningReceiver } from '@ticket-rooms/receiver';
import { buildDelivery } from '@ticket-rooms/simulators';
import { testRedisUrl } from '@ticket-rooms/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FRESHDESK_TOKEN, startTestReceiver } from './support';

describe('changing QUEUE_SHARDS on a running system', () => {
  const receivers: RunningReceiver[] = [];
  const redis = new Redis(testRedisUrl());
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await redis.quit();
  });

  const start = async (env: Record<string, string>) => {
    const receiver = await startTestReceiver({ REDIS_URL: testRedisUrl(), LOG_LEVEL: 'silent', ...env });
    receivers.push(receiver);
    return receiver;
  };
  const deliver = async (receiver: RunningReceiver, ticketId: string) => {
    const d = buildDelivery('freshdesk', { ticketId, subject: 'Moved shards', token: FRESHDESK_TOKEN });
    const res = await fetch(`${receiver.url}${d.path}`, { method: 'POST', headers: d.headers, body: d.body });
    return { status: res.status, body: (await res.json()) as { duplicate?: boolean } };
  };
  const jobsOf = async (prefixes: string[], key: string) => {
    const found: string[] = [];
    for (const p of prefixes) if (await redis.exists(`${p}:${QUEUE_NAMES.rooms}:${key}`)) found.push(p);
    return found;
  };

  it('keeps the key names of one shard exactly as before, and finds a known ticket under the former layout', async () => {
    const base = `mig-${Math.random().toString(36).slice(2, 8)}`;
    const ticketId = String(500_000_000 + Math.floor(Math.random() * 1_000_000));
    const key = ticketKey({ source: 'freshdesk', tenant: 'example.freshdesk.com', ticketId });

    // One shard: the prefix as configured, no braces added.
    expect(await deliver(await start({ QUEUE_PREFIX: base }), ticketId)).toMatchObject({
      status: 202,
      body: { duplicate: false },
    });
    expect(await jobsOf([base], key)).toEqual([base]);

    // Three shards, told about the former layout: the known ticket is a duplicate, no new job.
    const three = shardPrefixes(base, 3);
    const migrated = await start({ QUEUE_PREFIX: base, QUEUE_SHARDS: '3', QUEUE_SHARDS_PREVIOUS: '1' });
    expect(await deliver(migrated, ticketId)).toMatchObject({ status: 202, body: { duplicate: true } });
    expect(await jobsOf(three, key)).toEqual([]);

    // Not told: the same delivery would make a second job (whose room stage then relies on the
    // DocSpace tag alone), which is why the setting exists.
    const forgetful = await start({ QUEUE_PREFIX: base, QUEUE_SHARDS: '3' });
    expect(await deliver(forgetful, ticketId)).toMatchObject({ status: 202, body: { duplicate: false } });
    expect(await jobsOf(three, key)).toHaveLength(1);
  });
});
