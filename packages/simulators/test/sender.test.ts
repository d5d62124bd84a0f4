import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Source } from '@ticket-rooms/core';
import { type InboundConfig, parseDelivery } from '@ticket-rooms/helpdesk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDelivery,
  jiraSignature,
  type SenderVendor,
  sendDelivery,
  sendMain,
  standardWebhookSignature,
  zendeskSignature,
} from '../src/sender/index';

const SECRETS = {
  zendesk: 'zendesk-signing-secret',
  jira: 'jira-webhook-secret',
  freshdesk: 'freshdesk-token',
  generic: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};
const config: InboundConfig = {
  zendesk: { secrets: [SECRETS.zendesk] },
  jira: { secrets: [SECRETS.jira] },
  freshdesk: { tokens: [SECRETS.freshdesk] },
  generic: { secrets: [SECRETS.generic], tokens: ['generic-token'] },
};

let receiver: FastifyInstance;
let url: string;

/** A stand-in receiver: the exact bytes go to `parseDelivery`, and the outcome comes back as the answer. */
beforeAll(async () => {
  receiver = Fastify();
  receiver.removeAllContentTypeParsers();
  receiver.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  receiver.post<{ Params: { source: Source } }>('/webhooks/:source', async (req, reply) => {
    const outcome = parseDelivery(
      req.params.source,
      { headers: req.headers, rawBody: req.body as Buffer, nowMs: Date.now() },
      config,
    );
    return reply.code(outcome.kind === 'rejected' ? outcome.status : 202).send(outcome);
  });
  await receiver.listen({ port: 0, host: '127.0.0.1' });
  const address = receiver.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(() => receiver.close());

const credentials = (vendor: SenderVendor) =>
  vendor === 'freshdesk' ? { token: SECRETS.freshdesk } : { secret: SECRETS[vendor] };

describe('sender signatures', () => {
  it('match the vendors’ published vectors', () => {
    expect(
      zendeskSignature(
        '{"type":"zen:event-type:ticket.created","account_id":22129848,"id":"cbe4028c-7239-495d-b020-f22348516046","time":"2025-01-08T10:12:07.672717030Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:5158","detail":{"id":"5158","subject":"Cannot login","priority":"HIGH","requester_id":"8447388090494","brand_id":"8447346621310"},"event":{}}',
        '2025-01-08T10:12:08Z',
        'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==',
      ),
    ).toBe('A6/kTmTLSmAnSp3WSrc6YLKkFEqKPRwnsFdDz4keEZk=');
    expect(jiraSignature('Hello World!', "It's a Secret to Everybody")).toBe(
      'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9',
    );
    expect(
      standardWebhookSignature('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}', SECRETS.generic),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('sender deliveries are accepted by the receiving side', () => {
  it.each(['zendesk', 'freshdesk', 'jira', 'generic'] as const)('%s', async (vendor) => {
    const delivery = buildDelivery(vendor, { ticketId: '123', subject: 'Printer on fire 🔥', ...credentials(vendor) });
    const res = await sendDelivery(url, delivery);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({
      kind: 'event',
      event: { source: vendor, ticketId: vendor === 'jira' ? 'SD-123' : '123', subject: 'Printer on fire 🔥' },
    });
  });

  it('Zendesk trigger bodies, with subjects Zendesk may or may not escape', async () => {
    const subject = 'Quote "this" and \\ that\nplease';
    for (const jsonEscape of [true, false]) {
      const delivery = buildDelivery('zendesk', {
        ticketId: '77',
        subject,
        secret: SECRETS.zendesk,
        variant: 'trigger',
        jsonEscape,
        tenant: '999',
      });
      const res = await sendDelivery(url, delivery);
      expect(res.json).toMatchObject({ kind: 'event', event: { ticketId: '77', subject, tenant: '999' } });
    }
  });

  it('keeps the delivery id of a retried Jira delivery', async () => {
    const first = buildDelivery('jira', { ticketId: 'SD-9', subject: 's', secret: SECRETS.jira, deliveryId: '42' });
    const retry = buildDelivery('jira', {
      ticketId: 'SD-9',
      subject: 's',
      secret: SECRETS.jira,
      deliveryId: '42',
      attempt: 1,
    });
    expect(retry.headers['x-atlassian-webhook-retry']).toBe('1');
    for (const d of [first, retry]) {
      expect((await sendDelivery(url, d)).json).toMatchObject({ event: { deliveryId: '42' } });
    }
  });

  it('builds events other than creation, which are acknowledged and ignored', async () => {
    const cases = [
      buildDelivery('zendesk', {
        ticketId: '1',
        subject: 's',
        secret: SECRETS.zendesk,
        eventType: 'zen:event-type:ticket.comment_added',
      }),
      buildDelivery('zendesk', {
        ticketId: '1',
        subject: 's',
        secret: SECRETS.zendesk,
        variant: 'trigger',
        eventType: 'ticket.solved',
      }),
      buildDelivery('jira', { ticketId: '1', subject: 's', secret: SECRETS.jira, eventType: 'jira:issue_updated' }),
      buildDelivery('freshdesk', {
        ticketId: '1',
        subject: 's',
        token: SECRETS.freshdesk,
        eventType: 'ticket.merged',
      }),
      buildDelivery('generic', { ticketId: '1', subject: 's', secret: SECRETS.generic, eventType: 'ticket.closed' }),
    ];
    for (const d of cases) expect((await sendDelivery(url, d)).json).toMatchObject({ kind: 'ignored' });
  });

  it('signs with what it was given, so a wrong secret is refused', async () => {
    const wrong = buildDelivery('zendesk', { ticketId: '1', subject: 's', secret: 'not-it' });
    expect(await sendDelivery(url, wrong)).toMatchObject({ status: 401, json: { code: 'SIGNATURE_INVALID' } });
    const stale = buildDelivery('generic', {
      ticketId: '1',
      subject: 's',
      secret: SECRETS.generic,
      nowMs: Date.now() - 600_000,
    });
    expect(await sendDelivery(url, stale)).toMatchObject({ status: 401, json: { code: 'TIMESTAMP_EXPIRED' } });
    const unsigned = buildDelivery('jira', { ticketId: '1', subject: 's' });
    expect(await sendDelivery(url, unsigned)).toMatchObject({ status: 401, json: { code: 'SIGNATURE_MISSING' } });
    const basic = buildDelivery('freshdesk', {
      ticketId: '1',
      subject: 's',
      token: SECRETS.freshdesk,
      freshdeskAuth: 'basic',
    });
    expect((await sendDelivery(url, basic)).status).toBe(202);
  });
});

describe('sender updates are accepted by the receiving side (build → sign → parse)', () => {
  const at = '2026-12-01T10:00:00.000Z';
  const vendors = ['zendesk', 'freshdesk', 'jira', 'generic'] as const;
  const ticketOf = (vendor: SenderVendor) => (vendor === 'jira' ? 'SD-123' : '123');

  it.each(vendors)('%s: a status change to solved, at the given time', async (vendor) => {
    const d = buildDelivery(vendor, {
      ticketId: '123',
      subject: 'Printer on fire',
      kind: 'status',
      status: 'solved',
      occurredAt: at,
      ...credentials(vendor),
    });
    expect((await sendDelivery(url, d)).json).toMatchObject({
      kind: 'event',
      event: {
        kind: 'ticket.status_changed',
        source: vendor,
        ticketId: ticketOf(vendor),
        status: 'solved',
        changed: ['status'],
        occurredAt: at,
      },
    });
  });

  it.each(vendors)('%s: a subject change and a deletion', async (vendor) => {
    const subject = buildDelivery(vendor, {
      ticketId: '123',
      subject: 'Printer "HP" on fire again',
      kind: 'subject',
      occurredAt: at,
      ...credentials(vendor),
    });
    expect((await sendDelivery(url, subject)).json).toMatchObject({
      event: {
        kind: 'ticket.subject_changed',
        subject: 'Printer "HP" on fire again',
        changed: ['subject'],
        occurredAt: at,
      },
    });
    const deleted = buildDelivery(vendor, { ticketId: '123', subject: 's', kind: 'deleted', ...credentials(vendor) });
    expect((await sendDelivery(url, deleted)).json).toMatchObject({
      event: { kind: 'ticket.deleted', status: 'deleted', changed: ['status'] },
    });
  });

  it.each(vendors)('%s: every status of our vocabulary that the vendor has comes back as itself', async (vendor) => {
    // Jira keeps only the category, so pending and on-hold read back as open and closed as solved.
    const expected: Record<string, string> =
      vendor === 'jira'
        ? { new: 'new', open: 'open', pending: 'open', 'on-hold': 'open', solved: 'solved', closed: 'solved' }
        : vendor === 'freshdesk'
          ? { open: 'open', pending: 'pending', solved: 'solved', closed: 'closed' }
          : { new: 'new', open: 'open', pending: 'pending', 'on-hold': 'on-hold', solved: 'solved', closed: 'closed' };
    for (const [status, back] of Object.entries(expected)) {
      const d = buildDelivery(vendor, { ticketId: '5', subject: 's', kind: 'status', status, ...credentials(vendor) });
      expect((await sendDelivery(url, d)).json, `${vendor} ${status}`).toMatchObject({ event: { status: back } });
    }
  });

  it('Zendesk trigger bodies for a status and a subject change', async () => {
    for (const kind of ['status', 'subject'] as const) {
      const d = buildDelivery('zendesk', {
        ticketId: '77',
        subject: 'New "subject"',
        kind,
        status: 'on-hold',
        occurredAt: at,
        variant: 'trigger',
        secret: SECRETS.zendesk,
        jsonEscape: false,
      });
      expect((await sendDelivery(url, d)).json).toMatchObject({
        event:
          kind === 'status'
            ? { status: 'on-hold', changed: ['status'] }
            : { subject: 'New "subject"', changed: ['subject'] },
      });
    }
  });

  it('keeps the delivery id of a retried update, and gives a different change another', async () => {
    const idOf = async (opts: Parameters<typeof buildDelivery>[1], vendor: SenderVendor) =>
      ((await sendDelivery(url, buildDelivery(vendor, opts))).json as { event: { deliveryId: string } }).event
        .deliveryId;
    const change = { ticketId: '9', subject: 's', kind: 'status' as const, occurredAt: at };
    // Freshdesk sends no id: the same change, retried, derives the same one.
    const fd = { ...change, token: SECRETS.freshdesk };
    expect(await idOf(fd, 'freshdesk')).toBe(await idOf(fd, 'freshdesk'));
    expect(await idOf({ ...fd, status: 'closed' }, 'freshdesk')).not.toBe(await idOf(fd, 'freshdesk'));
    const zd = { ...change, secret: SECRETS.zendesk, deliveryId: 'evt-1' };
    expect(await idOf(zd, 'zendesk')).toBe('evt-1');
  });
});

describe('pnpm send', () => {
  it('takes the secret from the environment and prints what the receiver answered', async () => {
    const lines: string[] = [];
    const code = await sendMain(
      ['jira', '--to', url, '--ticket', 'SD-5', '--subject', 'VPN down'],
      { JIRA_WEBHOOK_SECRET: `${SECRETS.jira},older` },
      (line) => lines.push(line),
    );
    expect(code).toBe(0);
    expect(lines[0]).toBe(`202 POST ${url}/webhooks/jira`);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ event: { ticketId: 'SD-5', subject: 'VPN down' } });
  });

  it('sends a status change with --kind, --status and --at', async () => {
    const lines: string[] = [];
    const code = await sendMain(
      [
        'zendesk',
        '--to',
        url,
        '--ticket',
        '5',
        '--kind',
        'status',
        '--status',
        'on-hold',
        '--at',
        '2026-12-01T10:00:00Z',
      ],
      { ZENDESK_WEBHOOK_SECRET: SECRETS.zendesk },
      (line) => lines.push(line),
    );
    expect(code).toBe(0);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({
      event: { kind: 'ticket.status_changed', status: 'on-hold', occurredAt: '2026-12-01T10:00:00.000Z' },
    });
    const quiet = () => {};
    expect(await sendMain(['zendesk', '--to', url, '--ticket', '5', '--kind', 'solved'], {}, quiet)).toBe(2);
    expect(
      await sendMain(['zendesk', '--to', url, '--ticket', '5', '--kind', 'status', '--at', 'soon'], {}, quiet),
    ).toBe(2);
  });

  it('exits non-zero on a refusal and on a usage mistake', async () => {
    const quiet = () => {};
    expect(await sendMain(['generic', '--to', url, '--ticket', '1', '--token', 'nope'], {}, quiet)).toBe(1);
    expect(await sendMain(['myspace', '--ticket', '1'], {}, quiet)).toBe(2);
    expect(await sendMain(['zendesk', '--bogus'], {}, quiet)).toBe(2);
  });

  it('runs as the workspace script', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const { stdout } = await promisify(execFile)(
      'pnpm',
      ['--silent', 'send', 'zendesk', '--to', url, '--ticket', '123', '--subject', 'Printer on fire'],
      { cwd: root, env: { ...process.env, ZENDESK_WEBHOOK_SECRET: SECRETS.zendesk }, timeout: 30_000 },
    );
    expect(stdout).toContain(`202 POST ${url}/webhooks/zendesk`);
    expect(stdout).toContain('"ticketId":"123"');
  });
});
