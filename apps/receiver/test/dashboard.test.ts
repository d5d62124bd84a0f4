import { ALL_QUEUE_NAMES } from '@ticket-rooms/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  basicAuth,
  DASHBOARD_USER,
  type ReceiverUnderTest,
  SECRETS,
  sendGeneric,
  startReceiverUnderTest,
} from './support/receiver-under-test';

let rcv: ReceiverUnderTest | undefined;
afterEach(async () => {
  await rcv?.close();
  rcv = undefined;
});

const GOOD = basicAuth(DASHBOARD_USER, SECRETS.dashboardPassword);

describe('Bull Board at /admin/queues', () => {
  it('refuses without credentials or with wrong ones, in our error shape, and answers with them', async () => {
    rcv = await startReceiverUnderTest();
    const anonymous = await fetch(`${rcv.url}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="Ticket Rooms"/);
    expect(await anonymous.json()).toMatchObject({ status: 'error', code: 'RCV_ERR_UNAUTHORIZED' });

    const wrong = await fetch(`${rcv.url}/admin/queues`, {
      headers: { authorization: basicAuth(DASHBOARD_USER, 'guess-guess') },
    });
    expect(wrong.status).toBe(401);

    const page = await fetch(`${rcv.url}/admin/queues`, { headers: { authorization: GOOD } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('shows every queue the service uses', async () => {
    rcv = await startReceiverUnderTest();
    const res = await fetch(`${rcv.url}/admin/queues/api/queues`, { headers: { authorization: GOOD } });
    expect(res.status).toBe(200);
    const { queues } = (await res.json()) as { queues: { name: string }[] };
    expect(queues.map((q) => q.name).sort()).toEqual([...ALL_QUEUE_NAMES].sort());
  });

  it('keeps its credentials to itself: deliveries and health need none', async () => {
    rcv = await startReceiverUnderTest();
    expect((await fetch(`${rcv.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${rcv.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${rcv.url}/metrics`)).status).toBe(200);
    expect((await sendGeneric(rcv.url, 'dash-1')).status).toBe(202);
  });

  it('refuses every write in read-only mode, and allows it otherwise', async () => {
    rcv = await startReceiverUnderTest({ env: { DASHBOARD_READ_ONLY: 'true' } });
    const pause = () =>
      fetch(`${rcv?.url}/admin/queues/api/queues/rooms/pause`, { method: 'PUT', headers: { authorization: GOOD } });
    expect((await pause()).status).toBe(405);
    expect(await rcv.rooms.isPaused()).toBe(false);
    await rcv.close();

    rcv = await startReceiverUnderTest();
    expect((await pause()).status).toBeLessThan(300);
    expect(await rcv.rooms.isPaused()).toBe(true);
  });

  it('is off without credentials, and a log line says how to turn it on', async () => {
    rcv = await startReceiverUnderTest({ env: { DASHBOARD_USER: '', DASHBOARD_PASSWORD: '' } });
    const res = await fetch(`${rcv.url}/admin/queues`);
    expect(res.status).toBe(404);
    expect(rcv.logs.join('')).toMatch(/set DASHBOARD_USER and DASHBOARD_PASSWORD/);
  });
});

describe('/metrics', () => {
  it('counts deliveries, duplicates, rejections, enqueue latency and queue depth', async () => {
    rcv = await startReceiverUnderTest();
    await sendGeneric(rcv.url, 'm-1');
    await sendGeneric(rcv.url, 'm-1');
    await sendGeneric(rcv.url, 'm-2');
    await fetch(`${rcv.url}/webhooks/generic`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });

    const res = await fetch(`${rcv.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('receiver_deliveries_total{source="generic",outcome="accepted"} 2');
    expect(text).toContain('receiver_deliveries_total{source="generic",outcome="duplicate"} 1');
    expect(text).toContain('receiver_deliveries_total{source="generic",outcome="rejected"} 1');
    expect(text).toContain('receiver_duplicates_total{source="generic"} 1');
    expect(text).toContain('receiver_rejections_total{code="RCV_ERR_UNSUPPORTED_MEDIA_TYPE"} 1');
    expect(text).toContain('receiver_enqueue_duration_seconds_count 3');
    expect(text).toContain('receiver_queue_depth{queue="rooms",state="waiting"} 2');
    expect(text).toContain('receiver_queue_depth{queue="notes-zendesk",state="waiting"} 0');
  });

  it('asks for the dashboard credentials when METRICS_REQUIRE_AUTH=true', async () => {
    rcv = await startReceiverUnderTest({ env: { METRICS_REQUIRE_AUTH: 'true' } });
    const anonymous = await fetch(`${rcv.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'RCV_ERR_UNAUTHORIZED' });
    expect((await fetch(`${rcv.url}/metrics`, { headers: { authorization: GOOD } })).status).toBe(200);
  });
});
