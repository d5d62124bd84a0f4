import type { Source } from '@ticket-rooms/core';
import { basicAuthHeader } from '@ticket-rooms/core';
import { type InboundConfig, type InboundOutcome, parseDelivery } from '@ticket-rooms/helpdesk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFreshdeskSimulator, createJiraSimulator, createZendeskSimulator, startSimulators } from '../src/index';

const SECRETS = { zendesk: 'zd-hook-secret', jira: 'jira-hook-secret', freshdesk: 'fd-hook-token' };
const config: InboundConfig = {
  zendesk: { secrets: [SECRETS.zendesk] },
  jira: { secrets: [SECRETS.jira] },
  freshdesk: { tokens: [SECRETS.freshdesk] },
};

interface Received {
  source: Source;
  headers: Record<string, string | string[] | undefined>;
  outcome: InboundOutcome;
}

/**
 * A stand-in receiver on a real port: each delivery's exact bytes go through `parseDelivery`, so a
 * badly signed one shows as a rejection. `failNext` answers the next deliveries 503, as a receiver
 * whose Redis is down; `hold` keeps them waiting until released.
 */
let receiver: FastifyInstance;
let url: string;
let received: Received[] = [];
let failNext = 0;
let hold: Promise<void> | undefined;
const waiters: Array<() => void> = [];

beforeAll(async () => {
  receiver = Fastify();
  receiver.removeAllContentTypeParsers();
  receiver.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  receiver.post<{ Params: { source: Source } }>('/webhooks/:source', async (req, reply) => {
    if (hold) await hold;
    const outcome = parseDelivery(
      req.params.source,
      { headers: req.headers, rawBody: req.body as Buffer, nowMs: Date.now() },
      config,
    );
    received.push({ source: req.params.source, headers: req.headers, outcome });
    for (const wake of waiters.splice(0)) wake();
    if (failNext > 0) {
      failNext -= 1;
      return reply.code(503).send({ code: 'RCV_ERR_REDIS_UNAVAILABLE' });
    }
    return reply.code(outcome.kind === 'rejected' ? outcome.status : 202).send(outcome);
  });
  url = await receiver.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(() => {
  received = [];
  failNext = 0;
  hold = undefined;
});
afterAll(() => receiver.close());

/** Resolves once the receiver has had `count` deliveries; waits on deliveries, not on time. */
async function deliveries(count: number): Promise<Received[]> {
  while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
  return received.slice(0, count);
}

function events(list: Received[]) {
  return list.map((r) => {
    if (r.outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(r.outcome)}`);
    return r.outcome.event;
  });
}

const json = (auth: string) => ({ authorization: auth, 'content-type': 'application/json' });

describe('the Zendesk simulator sends its webhooks', () => {
  const auth = basicAuthHeader('agent@example.com/token', 'zd-api');
  let sim: Awaited<ReturnType<typeof createZendeskSimulator>>;
  let api: string;
  // The stand-in receiver listens first (its `beforeAll` is outside this block).
  beforeAll(async () => {
    sim = await createZendeskSimulator({
      email: 'agent@example.com',
      apiToken: 'zd-api',
      webhook: { url, secret: SECRETS.zendesk, retryDelaysMs: [10, 10] },
    });
    api = await sim.listen();
  });
  afterAll(() => sim.close());
  const put = (id: number, body: unknown) =>
    fetch(`${api}/api/v2/tickets/${id}.json`, { method: 'PUT', headers: json(auth), body: JSON.stringify(body) });

  it('for a ticket created, solved and renamed through the API, signed, and the API shows the ticket so', async () => {
    const created = await fetch(`${api}/api/v2/tickets.json`, {
      method: 'POST',
      headers: json(auth),
      body: JSON.stringify({ ticket: { subject: 'Printer on fire', comment: { body: 'It smokes.' } } }),
    });
    const { ticket } = (await created.json()) as { ticket: { id: number } };
    await deliveries(1);
    expect((await put(ticket.id, { ticket: { status: 'solved' } })).status).toBe(200);
    await deliveries(2);
    expect((await put(ticket.id, { ticket: { subject: 'Printer replaced' } })).status).toBe(200);
    const [create, solved, renamed] = events(await deliveries(3));

    expect(create).toMatchObject({ kind: 'ticket.created', ticketId: String(ticket.id), subject: 'Printer on fire' });
    expect(solved).toMatchObject({ kind: 'ticket.status_changed', status: 'solved', changed: ['status'] });
    expect(Date.parse(solved?.occurredAt ?? '')).not.toBeNaN();
    expect(renamed).toMatchObject({ kind: 'ticket.subject_changed', subject: 'Printer replaced' });
    const shown = await (
      await fetch(`${api}/api/v2/tickets/${ticket.id}.json`, { headers: { authorization: auth } })
    ).json();
    expect(shown).toMatchObject({ ticket: { status: 'solved', subject: 'Printer replaced' } });
  });

  it('refuses a status Zendesk does not have, and sends nothing for it', async () => {
    expect((await put(7, { ticket: { status: 'archived' } })).status).toBe(422);
    await sim.webhooksIdle();
    expect(received).toHaveLength(0);
  });

  it('retries a failed delivery with the same event id, without holding up the API', async () => {
    let release: () => void = () => {};
    hold = new Promise((resolve) => {
      release = resolve;
    });
    failNext = 1;
    // The receiver holds every delivery, yet the API answers.
    expect((await put(42, { ticket: { status: 'hold' } })).status).toBe(200);
    release();
    hold = undefined;
    const [first, retry] = events(await deliveries(2));
    expect(first).toMatchObject({ status: 'on-hold' });
    expect(retry).toEqual(first);
    await sim.webhooksIdle();
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.outcome.kind)).toEqual(['event', 'event']);
  });
});

describe('the Freshdesk simulator sends its automation rules’ webhooks', () => {
  it('for a ticket created, resolved and renamed through the API, and the API shows the ticket so', async () => {
    const sim = await createFreshdeskSimulator({
      apiKey: 'fd-api',
      webhook: { url, token: SECRETS.freshdesk, tenant: 'acme.freshdesk.com' },
    });
    const api = await sim.listen();
    const auth = basicAuthHeader('fd-api', 'X');
    try {
      const created = await fetch(`${api}/api/v2/tickets`, {
        method: 'POST',
        headers: json(auth),
        body: JSON.stringify({ email: 'a@example.com', subject: 'VPN down', description: 'x', status: 2 }),
      });
      const ticket = (await created.json()) as { id: number };
      await deliveries(1);
      const put = (body: unknown) =>
        fetch(`${api}/api/v2/tickets/${ticket.id}`, { method: 'PUT', headers: json(auth), body: JSON.stringify(body) });
      expect((await put({ status: 4 })).status).toBe(200);
      await deliveries(2);
      expect((await put({ subject: 'VPN fixed' })).status).toBe(200);
      expect((await put({ status: 9 })).status).toBe(400);
      const list = events(await deliveries(3));

      expect(list.map((e) => [e.kind, e.tenant, e.ticketId])).toEqual([
        ['ticket.created', 'acme.freshdesk.com', String(ticket.id)],
        ['ticket.status_changed', 'acme.freshdesk.com', String(ticket.id)],
        ['ticket.subject_changed', 'acme.freshdesk.com', String(ticket.id)],
      ]);
      expect(list[1]).toMatchObject({ status: 'solved', changed: ['status'] });
      expect(list[2]).toMatchObject({ subject: 'VPN fixed', changed: ['subject'] });
      const shown = await (
        await fetch(`${api}/api/v2/tickets/${ticket.id}`, { headers: { authorization: auth } })
      ).json();
      expect(shown).toMatchObject({ status: 4, subject: 'VPN fixed' });
      await sim.webhooksIdle();
      expect(received).toHaveLength(3);
    } finally {
      await sim.close();
    }
  });
});

describe('the Jira simulator sends its webhooks', () => {
  it('for an issue created, transitioned, renamed and deleted through the API, with a retry counter', async () => {
    const sim = await createJiraSimulator({
      email: 'agent@example.com',
      apiToken: 'jira-api',
      webhook: { url, secret: SECRETS.jira, tenant: 'acme.atlassian.net', retryDelaysMs: [10] },
    });
    const api = await sim.listen();
    const auth = basicAuthHeader('agent@example.com', 'jira-api');
    try {
      const created = await fetch(`${api}/rest/api/3/issue`, {
        method: 'POST',
        headers: json(auth),
        body: JSON.stringify({
          fields: { project: { key: 'SD' }, summary: 'Laptop dead', issuetype: { name: 'Task' } },
        }),
      });
      const { key } = (await created.json()) as { key: string };
      await deliveries(1);
      const transitions = (await (
        await fetch(`${api}/rest/api/3/issue/${key}/transitions`, { headers: { authorization: auth } })
      ).json()) as { transitions: Array<{ id: string; to: { name: string } }> };
      const resolve = transitions.transitions.find((t) => t.to.name === 'Resolved');
      failNext = 1;
      const moved = await fetch(`${api}/rest/api/3/issue/${key}/transitions`, {
        method: 'POST',
        headers: json(auth),
        body: JSON.stringify({ transition: { id: resolve?.id } }),
      });
      expect(moved.status).toBe(204);
      const [, refused, retried] = await deliveries(3);
      expect(retried?.headers['x-atlassian-webhook-retry']).toBe('1');
      expect(retried?.headers['x-atlassian-webhook-identifier']).toBe(
        refused?.headers['x-atlassian-webhook-identifier'],
      );
      const shown = await (await fetch(`${api}/rest/api/3/issue/${key}`, { headers: { authorization: auth } })).json();
      expect(shown).toMatchObject({ fields: { status: { name: 'Resolved', statusCategory: { key: 'done' } } } });

      const renamed = await fetch(`${api}/rest/api/3/issue/${key}`, {
        method: 'PUT',
        headers: json(auth),
        body: JSON.stringify({ fields: { summary: 'Laptop replaced' } }),
      });
      expect(renamed.status).toBe(204);
      await deliveries(4);
      expect(
        (await fetch(`${api}/rest/api/3/issue/${key}`, { method: 'DELETE', headers: { authorization: auth } })).status,
      ).toBe(204);
      const list = events(await deliveries(5));

      expect(list.map((e) => e.kind)).toEqual([
        'ticket.created',
        'ticket.status_changed',
        'ticket.status_changed',
        'ticket.subject_changed',
        'ticket.deleted',
      ]);
      expect(list[2]).toMatchObject({ ticketId: key, tenant: 'acme.atlassian.net', status: 'solved' });
      expect(list[3]).toMatchObject({ subject: 'Laptop replaced' });
      expect((await fetch(`${api}/rest/api/3/issue/${key}`, { headers: { authorization: auth } })).status).toBe(404);
    } finally {
      await sim.close();
    }
  });
});

describe('startSimulators with webhooks', () => {
  it('points each asked-for helpdesk at the receiver with its own credentials', async () => {
    const sims = await startSimulators({
      helpdesks: { zendesk: { email: 'a@example.com', apiToken: 't' }, freshdesk: { apiKey: 'k' } },
      webhooks: { url, zendesk: { secret: SECRETS.zendesk } },
    });
    try {
      const res = await fetch(`${sims.urls.zendesk}/api/v2/tickets/3.json`, {
        method: 'PUT',
        headers: json(basicAuthHeader('a@example.com/token', 't')),
        body: JSON.stringify({ ticket: { status: 'pending' } }),
      });
      expect(res.status).toBe(200);
      expect(events(await deliveries(1))[0]).toMatchObject({ source: 'zendesk', status: 'pending' });
      // Freshdesk was given no webhook credentials, so it sends nothing.
      await fetch(`${sims.urls.freshdesk}/api/v2/tickets/3`, {
        method: 'PUT',
        headers: json(basicAuthHeader('k', 'X')),
        body: JSON.stringify({ status: 5 }),
      });
      await sims.helpdesks.freshdesk?.webhooksIdle();
      await sims.helpdesks.zendesk?.webhooksIdle();
      expect(received).toHaveLength(1);
    } finally {
      await sims.close();
    }
  });
});

describe('the simulators send a delivery when a file is added to a ticket', () => {
  const form = (field: string, extra: Record<string, string> = {}) => {
    const boundary = '----sim-test-boundary';
    const parts = Object.entries(extra).map(
      ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    );
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="trace.log"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`;
    return {
      type: `multipart/form-data; boundary=${boundary}`,
      body: `${parts.join('')}${file}--${boundary}--\r\n`,
    };
  };

  it('Zendesk: a comment with an upload sends attachment_linked_to_comment; one without sends nothing', async () => {
    const auth = basicAuthHeader('agent@example.com/token', 'zd-api');
    const sim = await createZendeskSimulator({
      email: 'agent@example.com',
      apiToken: 'zd-api',
      webhook: { url, secret: SECRETS.zendesk },
    });
    const api = await sim.listen();
    try {
      const created = await fetch(`${api}/api/v2/tickets.json`, {
        method: 'POST',
        headers: json(auth),
        body: JSON.stringify({ ticket: { subject: 'Crash', comment: { body: 'x' } } }),
      });
      const { ticket } = (await created.json()) as { ticket: { id: number } };
      await deliveries(1);
      const put = (comment: unknown) =>
        fetch(`${api}/api/v2/tickets/${ticket.id}.json`, {
          method: 'PUT',
          headers: json(auth),
          body: JSON.stringify({ ticket: { comment } }),
        });
      expect((await put({ body: 'no file' })).status).toBe(200);
      const upload = await fetch(`${api}/api/v2/uploads.json?filename=trace.log`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/binary' },
        body: 'hello',
      });
      const { upload: u } = (await upload.json()) as { upload: { token: string } };
      expect((await put({ body: 'file', uploads: [u.token] })).status).toBe(200);
      const [, added] = events(await deliveries(2));
      expect(added).toMatchObject({ kind: 'ticket.attachment_added', ticketId: String(ticket.id) });
      await sim.webhooksIdle();
      expect(received).toHaveLength(2);
    } finally {
      await sim.close();
    }
  });

  it('Jira: an attachment sends jira:issue_updated with an Attachment item', async () => {
    const sim = await createJiraSimulator({
      email: 'agent@example.com',
      apiToken: 'jira-api',
      webhook: { url, secret: SECRETS.jira, tenant: 'acme.atlassian.net' },
    });
    const api = await sim.listen();
    const auth = basicAuthHeader('agent@example.com', 'jira-api');
    try {
      const created = await fetch(`${api}/rest/api/3/issue`, {
        method: 'POST',
        headers: json(auth),
        body: JSON.stringify({ fields: { project: { key: 'SD' }, summary: 'Crash', issuetype: { name: 'Task' } } }),
      });
      const { key } = (await created.json()) as { key: string };
      const f = form('file');
      const res = await fetch(`${api}/rest/api/3/issue/${key}/attachments`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': f.type, 'x-atlassian-token': 'no-check' },
        body: f.body,
      });
      expect(res.status).toBe(200);
      const [, added] = events(await deliveries(2));
      expect(added).toMatchObject({ kind: 'ticket.attachment_added', ticketId: key, tenant: 'acme.atlassian.net' });
    } finally {
      await sim.close();
    }
  });

  it('Freshdesk: a reply with a file sends the ticket.attachment_added rule body', async () => {
    const sim = await createFreshdeskSimulator({
      apiKey: 'fd-api',
      webhook: { url, token: SECRETS.freshdesk, tenant: 'acme.freshdesk.com' },
    });
    const api = await sim.listen();
    const auth = basicAuthHeader('fd-api', 'X');
    try {
      const created = await fetch(`${api}/api/v2/tickets`, {
        method: 'POST',
        headers: json(auth),
        body: JSON.stringify({ email: 'a@example.com', subject: 'Crash', description: 'x', status: 2 }),
      });
      const ticket = (await created.json()) as { id: number };
      const f = form('attachments[]', { body: 'log attached' });
      const res = await fetch(`${api}/api/v2/tickets/${ticket.id}/reply`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': f.type },
        body: f.body,
      });
      expect(res.status).toBe(201);
      const [, added] = events(await deliveries(2));
      expect(added).toMatchObject({ kind: 'ticket.attachment_added', ticketId: String(ticket.id) });
    } finally {
      await sim.close();
    }
  });
});
