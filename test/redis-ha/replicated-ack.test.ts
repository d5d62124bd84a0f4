import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@ticket-rooms/core';
import type { RunningReceiver } from '@ticket-rooms/receiver';
import { buildDelivery } from '@ticket-rooms/simulators';
import { RedisNode, testPrefix, topologyUnavailable } from '@ticket-rooms/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FRESHDESK_TOKEN, startTestReceiver } from './support';

const unavailable = topologyUnavailable('sentinel');
if (unavailable) process.stdout.write(`Replicated acknowledgement test skipped: ${unavailable}.\n`);

const conf = (port: number, dir: string, extra: string[] = []) =>
  [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'appendonly yes', 'save ""', 'protected-mode no', ...extra].join(
    '\n',
  );

describe.skipIf(unavailable !== undefined)('REDIS_MIN_REPLICAS_ACK and /readyz on a primary with one replica', () => {
  let dir: string;
  let primary: RedisNode;
  let replica: RedisNode;
  const receivers: RunningReceiver[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ticket-rooms-replicas-'));
    const [p, r] = [await freePort(), await freePort()];
    primary = await new RedisNode('primary', join(dir, 'p'), p, conf(p, join(dir, 'p'))).start();
    replica = await new RedisNode(
      'replica',
      join(dir, 'r'),
      r,
      conf(r, join(dir, 'r'), [`replicaof 127.0.0.1 ${p}`]),
    ).start();
    // The replica has made its first sync once the primary lists it online.
    const probe = new Redis(p, '127.0.0.1');
    const deadline = Date.now() + 15_000;
    while (!/slave0:.*state=online/.test(await probe.info('replication')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    probe.disconnect();
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((x) => x.close()));
  });
  afterAll(async () => {
    await replica?.stop();
    await primary?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (port: number, extra: Record<string, string> = {}) => {
    const receiver = await startTestReceiver({ REDIS_URL: `redis://127.0.0.1:${port}`, LOG_LEVEL: 'silent', ...extra });
    receivers.push(receiver);
    return receiver;
  };
  const deliver = async (receiver: RunningReceiver, ticketId: string) => {
    const d = buildDelivery('freshdesk', { ticketId, subject: 'Replicated?', token: FRESHDESK_TOKEN });
    const res = await fetch(`${receiver.url}${d.path}`, { method: 'POST', headers: d.headers, body: d.body });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };

  it('answers 202 once the replica holds the job, 503 with Retry-After when it cannot, and the retry is a duplicate', async () => {
    const prefix = testPrefix('ack');
    const ticketId = String(800_000_000 + Math.floor(Math.random() * 1_000_000));
    // Two replicas asked for, one exists: refused, in our error shape, with Retry-After.
    const strict = await start(primary.port, {
      QUEUE_PREFIX: prefix,
      REDIS_MIN_REPLICAS_ACK: '2',
      ENQUEUE_TIMEOUT_MS: '300',
    });
    const refused = await deliver(strict, ticketId);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('5');
    expect(refused.body.code).toBe('RCV_ERR_NOT_REPLICATED');
    expect(String(refused.body.message)).toContain('REDIS_MIN_REPLICAS_ACK');
    // The sender's retry, against receivers asking for the one replica there is.
    const one = await start(primary.port, { QUEUE_PREFIX: prefix, REDIS_MIN_REPLICAS_ACK: '1' });
    const retried = await deliver(one, ticketId);
    expect(retried.status).toBe(202);
    expect(retried.body.duplicate).toBe(true);
    const fresh = await deliver(one, String(Number(ticketId) + 1));
    expect(fresh).toMatchObject({ status: 202, body: { duplicate: false } });
  });

  it('is ready on the primary and not on the replica, which refuses writes', async () => {
    const onPrimary = await start(primary.port);
    expect((await fetch(`${onPrimary.url}/readyz`)).status).toBe(200);
    const onReplica = await start(replica.port);
    const res = await fetch(`${onReplica.url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toMatch(/refuses writes/);
  });
});
