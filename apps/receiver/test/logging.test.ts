import type { Source } from '@ticket-rooms/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedDelivery } from './support/deliveries';
import {
  basicAuth,
  DASHBOARD_USER,
  post,
  type ReceiverUnderTest,
  SECRETS,
  startReceiverUnderTest,
} from './support/receiver-under-test';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

let rcv: ReceiverUnderTest;
/** Every credential-bearing header value the test sent. */
const sentCredentials: string[] = [];

beforeAll(async () => {
  rcv = await startReceiverUnderTest();
  const wrong = {
    zendesk: { secret: 'wrong' },
    freshdesk: { token: 'wrong' },
    jira: { secret: 'wrong' },
    generic: { secret: `whsec_${Buffer.from('wrong key').toString('base64')}` },
  } satisfies Record<Source, { secret?: string; token?: string }>;
  for (const source of ['zendesk', 'freshdesk', 'jira', 'generic'] as const) {
    const good = signedDelivery(source, { ticketId: `log-${source}`, subject: 'Logged' });
    const bad = signedDelivery(source, { ticketId: `log-${source}-bad`, subject: 'Logged', ...wrong[source] });
    for (const d of [good, bad]) {
      for (const [name, value] of Object.entries(d.headers)) {
        if (/signature|authorization|token/.test(name)) sentCredentials.push(value);
      }
      await post(rcv.url + d.path, d.body, d.headers);
    }
  }
  const generic = JSON.stringify({ ticketId: 'bearer', subject: 'x' });
  await post(`${rcv.url}/webhooks/generic`, generic, {
    'content-type': 'application/json',
    authorization: `Bearer ${SECRETS.genericToken}`,
  });
  const dashboardAuth = basicAuth(DASHBOARD_USER, SECRETS.dashboardPassword);
  sentCredentials.push(dashboardAuth);
  await fetch(`${rcv.url}/admin/queues`, { headers: { authorization: dashboardAuth } });
  await fetch(`${rcv.url}/admin/queues`, { headers: { authorization: basicAuth(DASHBOARD_USER, 'wrong-password') } });
  await fetch(`${rcv.url}/nowhere`);
});
afterAll(async () => {
  await rcv.close();
});

const lines = (): LogLine[] => rcv.logs.map((l) => JSON.parse(l) as LogLine);
const deliveryLines = () => lines().filter((l) => l.msg.startsWith('delivery '));

describe('logs', () => {
  it('never contain a secret, a signature or a credential, even at trace level', () => {
    const text = rcv.logs.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    for (const value of sentCredentials) expect(text).not.toContain(value);
    expect(text).not.toContain('wrong-password');
  });

  it('give one line per delivery with source, tenant, ticket, job id, outcome and duration', () => {
    const deliveries = deliveryLines();
    expect(deliveries).toHaveLength(9);
    const accepted = deliveries.find((l) => l.ticketId === 'log-zendesk');
    expect(accepted).toMatchObject({
      level: 30,
      msg: 'delivery accepted',
      source: 'zendesk',
      tenant: '22129848',
      outcome: 'accepted',
      status: 202,
    });
    expect(accepted?.jobId).toEqual(expect.stringMatching(/^zendesk-22129848-log-zendesk-/));
    expect(typeof accepted?.durationMs).toBe('number');
    // The request's id, so a line can be matched with what the sender or a proxy logged.
    expect(accepted?.reqId).toEqual(expect.any(String));
  });

  it('log refusals at info with their code, not as errors', () => {
    const refused = deliveryLines().filter((l) => l.outcome === 'rejected');
    expect(refused.map((l) => l.source).sort()).toEqual(['freshdesk', 'generic', 'jira', 'zendesk']);
    for (const line of refused) {
      expect(line.level).toBe(30);
      expect(line.status).toBe(401);
      expect(line.code).toMatch(/^RCV_ERR_(SIGNATURE|CREDENTIAL)_/);
    }
    expect(lines().find((l) => l.url === '/nowhere')).toMatchObject({ level: 30, status: 404 });
    expect(lines().find((l) => l.url === '/admin/queues' && l.status === 401)).toMatchObject({ level: 30 });
  });
});
