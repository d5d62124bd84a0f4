import {
  createRedis,
  desiredField,
  jobSpecOf,
  ledgerKey,
  QUEUE_NAMES,
  type Source,
  ticketKey,
} from '@ticket-rooms/core';
import { testRedisUrl } from '@ticket-rooms/testkit';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seenKey } from '../src/intake/ticket-intake';
import { type Delivery, signedDelivery } from './support/deliveries';
import { post, type ReceiverUnderTest, startReceiverUnderTest } from './support/receiver-under-test';

let rcv: ReceiverUnderTest;
beforeAll(async () => {
  rcv = await startReceiverUnderTest();
});
afterAll(async () => {
  await rcv.close();
});

const tenantOf: Record<Source, string> = {
  zendesk: '22129848',
  freshdesk: 'example.freshdesk.com',
  jira: 'example.atlassian.net',
  generic: 'default',
};

let n = 0;
function delivery(source: Source, ticketId = `${source}-${++n}`): Delivery {
  return signedDelivery(source, { ticketId, subject: `Printer on fire (${ticketId})` });
}
const send = (d: Delivery, path = d.path) => post(rcv.url + path, d.body, d.headers);

describe('signed deliveries', () => {
  const routes: Array<{ source: Source; path?: string }> = [
    { source: 'zendesk' },
    { source: 'freshdesk' },
    { source: 'jira' },
    { source: 'generic' },
    { source: 'generic', path: '/helpdesk/ticket-created' },
  ];

  it.each(routes)(
    '$source on $path: 202 once Redis holds a job with the normalized event',
    async ({ source, path }) => {
      const d = delivery(source, source === 'jira' ? `SD-${++n}` : undefined);
      const res = await send(d, path);

      expect(res.status).toBe(202);
      const ticketId =
        source === 'jira' ? (JSON.parse(d.body) as { issue: { key: string } }).issue.key : `${source}-${n}`;
      const jobId = ticketKey({ source, tenant: tenantOf[source], ticketId });
      expect(res.json).toEqual({ status: 'accepted', jobId, duplicate: false });

      const job = await rcv.rooms.getJob(jobId);
      expect(job?.name).toBe('ticket.created');
      expect(job?.data.event).toMatchObject({
        source,
        tenant: tenantOf[source],
        ticketId,
        subject: `Printer on fire (${ticketId})`,
      });
      expect(Date.parse(job?.data.event.receivedAt ?? '')).not.toBeNaN();
    },
  );

  it('records the Jira webhook identifier as the delivery id', async () => {
    const d = delivery('jira', 'SD-4242');
    await send(d);
    const job = await rcv.rooms.getJob(ticketKey({ source: 'jira', tenant: tenantOf.jira, ticketId: 'SD-4242' }));
    expect(job?.data.event.deliveryId).toBe(d.headers['x-atlassian-webhook-identifier']);
  });

  it('accepts Freshdesk’s token as a header as well as basic auth', async () => {
    const d = signedDelivery('freshdesk', { ticketId: 'fd-header', subject: 'x', freshdeskAuth: 'header' });
    expect(d.headers.authorization).toBeUndefined();
    expect((await send(d)).status).toBe(202);
  });

  it.each([
    ['zendesk', 'zen:event-type:ticket.comment_added', 'upd-1'],
    ['jira', 'jira:issue_updated', 'SD-77'],
    ['generic', 'ticket.solved', 'solved-1'],
  ] as const)('acknowledges a %s %s without enqueuing it', async (source, eventType, ticketId) => {
    const res = await send(signedDelivery(source, { ticketId, subject: 'x', eventType }));

    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'ignored' });
    const jobId = ticketKey({ source, tenant: tenantOf[source], ticketId });
    expect(await rcv.rooms.getJob(jobId)).toBeUndefined();
    expect(await rcv.redis.exists(seenKey(rcv.prefix, jobId))).toBe(0);
  });
});

describe('a ticket’s later events', () => {
  const sources = ['zendesk', 'freshdesk', 'jira', 'generic'] as const;
  const kinds = [
    { kind: 'status', eventKind: 'ticket.status_changed', changed: ['status'] },
    { kind: 'subject', eventKind: 'ticket.subject_changed', changed: ['subject'] },
    { kind: 'deleted', eventKind: 'ticket.deleted', changed: ['status'] },
  ] as const;
  const cases = sources.flatMap((source) => kinds.map((k) => ({ source, ...k })));

  it.each(cases)('$source $kind: 202 once Redis holds a $eventKind job keyed by its delivery', async (c) => {
    const ticketId = c.source === 'jira' ? `SD-${++n}` : `${c.source}-upd-${++n}`;
    const at = '2026-12-01T10:00:00.000Z';
    const d = signedDelivery(c.source, {
      ticketId,
      subject: 'Renamed',
      kind: c.kind,
      status: 'solved',
      occurredAt: at,
    });
    const res = await send(d);

    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'accepted', duplicate: false });
    const job = await rcv.rooms.getJob(String(res.json.jobId));
    expect(job?.name).toBe(c.eventKind);
    const event = job?.data.event;
    expect(event).toMatchObject({
      kind: c.eventKind,
      source: c.source,
      tenant: tenantOf[c.source],
      ticketId,
      changed: c.changed,
      occurredAt: at,
      ...(c.kind === 'status'
        ? { status: 'solved' }
        : c.kind === 'deleted'
          ? { status: 'deleted' }
          : { subject: 'Renamed' }),
    });
    if (event) expect(res.json.jobId).toBe(jobSpecOf(c.eventKind).jobId(event));
  });

  it.each(sources)('%s: a redelivered update is a duplicate; another update of the ticket is not', async (source) => {
    const ticketId = source === 'jira' ? `SD-${++n}` : `${source}-redo-${++n}`;
    const solved = {
      ticketId,
      subject: 'x',
      kind: 'status' as const,
      status: 'solved',
      occurredAt: '2026-12-01T10:00:00Z',
      deliveryId: `evt-${source}-${n}-a`,
    };
    const first = await send(signedDelivery(source, solved));
    // A retry: the same vendor event, sent again (Freshdesk repeats the body; the others keep their id).
    const retry = await send(signedDelivery(source, { ...solved, attempt: 1 }));
    const reopened = await send(
      signedDelivery(source, {
        ...solved,
        status: 'open',
        occurredAt: '2026-12-01T10:05:00Z',
        deliveryId: `evt-${source}-${n}-b`,
      }),
    );

    expect([first.status, retry.status, reopened.status]).toEqual([202, 202, 202]);
    expect(first.json).toMatchObject({ status: 'accepted', duplicate: false });
    expect(retry.json).toEqual({ status: 'accepted', jobId: first.json.jobId, duplicate: true });
    expect(reopened.json).toMatchObject({ status: 'accepted', duplicate: false });
    expect(reopened.json.jobId).not.toBe(first.json.jobId);
    const jobs = await rcv.rooms.getJobs(['waiting', 'active', 'delayed', 'completed']);
    expect(jobs.filter((j) => j.data.event.ticketId === ticketId)).toHaveLength(2);
  });

  it.each(sources)(
    '%s: an update records what the ticket says now in its ledger, an older one changes nothing',
    async (source) => {
      const ticketId = source === 'jira' ? `SD-${++n}` : `${source}-want-${++n}`;
      const change = (status: string, occurredAt: string, deliveryId: string) =>
        send(signedDelivery(source, { ticketId, subject: 'x', kind: 'status', status, occurredAt, deliveryId }));
      const wanted = async () => {
        const key = ledgerKey(rcv.prefix, ticketKey({ source, tenant: tenantOf[source], ticketId }));
        const raw = await rcv.redis.hget(key, desiredField('status'));
        return raw === null ? undefined : (JSON.parse(raw) as { value: string; at: string });
      };

      expect((await change('solved', '2026-12-01T10:05:00Z', `want-${n}-new`)).status).toBe(202);
      expect(await wanted()).toMatchObject({ value: 'solved', at: '2026-12-01T10:05:00.000Z' });
      // Sent later but changed earlier: accepted and queued, but the ledger keeps the newer value.
      const older = await change('open', '2026-12-01T10:00:00Z', `want-${n}-old`);
      expect(older.json).toMatchObject({ status: 'accepted', duplicate: false });
      expect(await wanted()).toMatchObject({ value: 'solved' });
    },
  );

  it('acknowledges an update that changes nothing we follow without enqueuing it', async () => {
    const res = await send(
      signedDelivery('jira', { ticketId: 'SD-31337', subject: 'x', eventType: 'jira:issue_updated' }),
    );
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'ignored' });
    const jobs = await rcv.rooms.getJobs(['waiting', 'active', 'delayed', 'completed']);
    expect(jobs.filter((j) => j.data.event.ticketId === 'SD-31337')).toHaveLength(0);
  });
});

describe('a file added to a ticket', () => {
  const cases = [
    { source: 'zendesk', variant: 'event' },
    { source: 'zendesk', variant: 'trigger' },
    { source: 'freshdesk' },
    { source: 'jira' },
    { source: 'generic' },
  ] as const;

  it.each(cases)(
    '$source $variant: 202, a ticket.attachment_added job per delivery; a redelivery is a duplicate',
    async (c) => {
      const ticketId = c.source === 'jira' ? `SD-${++n}` : `${c.source}-file-${++n}`;
      const added = {
        ticketId,
        subject: 'Crash on start',
        kind: 'attachment' as const,
        attachment: { name: 'screenshot.png', size: 70_001 },
        occurredAt: '2026-12-01T10:00:00Z',
        deliveryId: `file-${c.source}-${n}-a`,
        ...('variant' in c ? { variant: c.variant } : {}),
      };
      const first = await send(signedDelivery(c.source, added));
      const retry = await send(signedDelivery(c.source, { ...added, attempt: 1 }));
      const another = await send(
        signedDelivery(c.source, {
          ...added,
          occurredAt: '2026-12-01T10:07:00Z',
          deliveryId: `file-${c.source}-${n}-b`,
        }),
      );

      expect([first.status, retry.status, another.status]).toEqual([202, 202, 202]);
      expect(first.json).toMatchObject({ status: 'accepted', duplicate: false });
      expect(retry.json).toEqual({ status: 'accepted', jobId: first.json.jobId, duplicate: true });
      expect(another.json).toMatchObject({ status: 'accepted', duplicate: false });
      expect(another.json.jobId).not.toBe(first.json.jobId);
      const job = await rcv.rooms.getJob(String(first.json.jobId));
      expect(job?.name).toBe('ticket.attachment_added');
      const event = job?.data.event;
      expect(event).toMatchObject({
        kind: 'ticket.attachment_added',
        source: c.source,
        tenant: tenantOf[c.source],
        ticketId,
      });
      expect(event?.changed).toBeUndefined();
      if (event) expect(first.json.jobId).toBe(jobSpecOf('ticket.attachment_added').jobId(event));
    },
  );
});

describe('duplicates', () => {
  it('makes one job out of ten concurrent deliveries of one ticket; exactly one is not a duplicate', async () => {
    // Ten separate invocations of the same ticket, as a sender retrying on timeouts would send.
    const deliveries = Array.from({ length: 10 }, () => delivery('zendesk', 'storm-1'));
    const results = await Promise.all(deliveries.map((d) => send(d)));

    expect(results.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(new Set(results.map((r) => r.json.jobId)).size).toBe(1);
    expect(results.filter((r) => r.json.duplicate === false)).toHaveLength(1);
    const jobId = String(results[0]?.json.jobId);
    expect((await rcv.rooms.getJobs(['waiting', 'active', 'completed'])).filter((j) => j.id === jobId)).toHaveLength(1);
  });

  it('still calls a delivery a duplicate after the job has completed', async () => {
    const first = await send(delivery('jira', 'SD-900'));
    const jobId = String(first.json.jobId);
    const connection = createRedis(testRedisUrl(), { role: 'worker' });
    const worker = new Worker(QUEUE_NAMES.rooms, async () => ({ roomId: 1 }), { connection, prefix: rcv.prefix });
    await new Promise<void>((resolve) => worker.on('completed', (job) => job.id === jobId && resolve()));
    await worker.close();
    await connection.quit();

    const again = await send(delivery('jira', 'SD-900'));
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ status: 'accepted', jobId, duplicate: true });
    expect(await (await rcv.rooms.getJob(jobId))?.getState()).toBe('completed');
    expect(await rcv.rooms.getWaitingCount()).toBe(0);
  });

  it('enqueues a ticket whose marker exists without a job (the process died between the two)', async () => {
    const d = delivery('generic', 'half-done');
    const jobId = ticketKey({ source: 'generic', tenant: 'default', ticketId: 'half-done' });
    await rcv.redis.set(seenKey(rcv.prefix, jobId), 'earlier-delivery', 'EX', 3600);

    const res = await send(d);

    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ jobId, duplicate: true });
    expect((await rcv.rooms.getJob(jobId))?.data.event.ticketId).toBe('half-done');
  });
});
