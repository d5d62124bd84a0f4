import { describe, expect, it } from 'vitest';
import { fixture, fixtureJson } from '../../test/fixtures';
import { renderTemplate } from '../inbound/template';
import type { InboundOutcome, InboundRequest } from '../inbound/types';
import { parseZendeskDelivery } from './inbound';
import { ZENDESK_TRIGGER_BODY_TEMPLATE, ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE } from './payload';
import { signZendesk } from './signature';

const SECRET = 'zendesk-signing-secret';
const NOW = Date.parse('2025-01-08T10:12:10Z');
const config = { secrets: [SECRET] };

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function delivery(
  body: Buffer | string,
  opts: { secret?: string; atMs?: number; headers?: Record<string, string> } = {},
) {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const timestamp = iso(opts.atMs ?? NOW - 2_000);
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-zendesk-account-id': '22129848',
    'x-zendesk-webhook-id': '01F1KRFQ6BG29CNWFR60NK5FNY',
    'x-zendesk-webhook-invocation-id': '8350205582',
    'x-zendesk-webhook-signature': signZendesk(rawBody, timestamp, opts.secret ?? SECRET),
    'x-zendesk-webhook-signature-timestamp': timestamp,
    ...opts.headers,
  };
  return { headers, rawBody, nowMs: NOW } satisfies InboundRequest;
}

function expectEvent(outcome: InboundOutcome) {
  if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
  return outcome.event;
}

function expectRejected(outcome: InboundOutcome, code: string, status: number) {
  expect(outcome).toMatchObject({ kind: 'rejected', code, status });
  if (outcome.kind !== 'rejected') throw new Error('unreachable');
  expect(outcome.message).toMatch(/^[A-Z].*\.$/);
  expect(outcome.message).not.toContain(SECRET);
  return outcome.message;
}

const trigger = (values: Record<string, string>, jsonEscape = true) =>
  renderTemplate(ZENDESK_TRIGGER_BODY_TEMPLATE, values, { jsonEscape });

describe('Zendesk event webhooks', () => {
  it('normalizes the documented ticket.created example', () => {
    const event = expectEvent(parseZendeskDelivery(delivery(fixture('zendesk-ticket-created.json')), config));
    expect(event).toEqual({
      kind: 'ticket.created',
      source: 'zendesk',
      tenant: '22129848',
      ticketId: '5158',
      subject: 'Cannot login to mobile app',
      priority: 'high',
      requester: { id: '8447388090494' },
      brand: '8447346621310',
      group: '8447320466430',
      ticketType: 'PROBLEM',
      tags: ['mobile', 'login'],
      deliveryId: 'cbe4028c-7239-495d-b020-f22348516046',
    });
  });

  it('takes nulls, unknown fields and emoji in its stride', () => {
    const event = expectEvent(parseZendeskDelivery(delivery(fixture('zendesk-ticket-created-nulls.json')), config));
    expect(event.ticketId).toBe('5159');
    expect(event.subject).toBe('Printer on fire 🔥🖨️ — 日本語 ✓');
    expect(event.priority).toBeUndefined();
  });

  it('falls back to account_id when the account header is absent', () => {
    const req = delivery(fixture('zendesk-ticket-created.json'));
    delete req.headers['x-zendesk-account-id'];
    expect(expectEvent(parseZendeskDelivery(req, config)).tenant).toBe('22129848');
  });

  it('shortens a very long subject instead of refusing the ticket', () => {
    const body = fixtureJson('zendesk-ticket-created.json');
    (body.detail as Record<string, unknown>).subject = `${'🔥'.repeat(6_000)}end`;
    const event = expectEvent(parseZendeskDelivery(delivery(JSON.stringify(body)), config));
    expect(event.subject.length).toBeLessThanOrEqual(10_000);
    expect(event.subject.endsWith('🔥…')).toBe(true);
  });

  it('acknowledges other event types as ignored, with their id', () => {
    const outcome = parseZendeskDelivery(delivery(fixture('zendesk-comment-added.json')), config);
    expect(outcome).toMatchObject({ kind: 'ignored', deliveryId: '9d1d5c4e-1b3a-4a44-9b0e-6f3c2d4f1a77' });
    if (outcome.kind === 'ignored') expect(outcome.reason).toContain('ticket.comment_added');
  });

  it('names the missing field', () => {
    const body = fixtureJson('zendesk-ticket-created.json');
    delete (body.detail as Record<string, unknown>).id;
    const message = expectRejected(
      parseZendeskDelivery(delivery(JSON.stringify(body)), config),
      'PAYLOAD_INVALID',
      400,
    );
    expect(message).toBe('The field detail.id is missing.');
  });

  it('names a field of the wrong type', () => {
    const body = fixtureJson('zendesk-ticket-created.json');
    (body.detail as Record<string, unknown>).id = { nested: true };
    const message = expectRejected(
      parseZendeskDelivery(delivery(JSON.stringify(body)), config),
      'PAYLOAD_INVALID',
      400,
    );
    expect(message).toBe('The field detail.id must be a non-empty string or a whole number.');
  });

  it('refuses a body that is not JSON, after the signature passed', () => {
    expectRejected(parseZendeskDelivery(delivery('{"type": '), config), 'JSON_INVALID', 400);
    expectRejected(parseZendeskDelivery(delivery('[1,2]'), config), 'PAYLOAD_INVALID', 400);
  });
});

describe('Zendesk trigger webhooks', () => {
  const values = {
    'ticket.id': '42',
    'ticket.title': 'Printer on fire',
    'ticket.priority': 'High',
    'ticket.requester.email': 'ann@example.com',
    'ticket.link': 'https://acme.zendesk.com/agent/tickets/42',
  };

  it('reads what the documented template renders', () => {
    const event = expectEvent(parseZendeskDelivery(delivery(trigger(values)), config));
    expect(event).toEqual({
      kind: 'ticket.created',
      source: 'zendesk',
      tenant: '22129848',
      ticketId: '42',
      subject: 'Printer on fire',
      priority: 'high',
      requester: { email: 'ann@example.com' },
      ticketUrl: 'https://acme.zendesk.com/agent/tickets/42',
      deliveryId: '8350205582',
    });
  });

  it('reads a subject with quotes and newlines whether or not Zendesk escapes it', () => {
    const subject = 'He said "it\'s on fire"\nand left \\ 🔥';
    for (const jsonEscape of [true, false]) {
      const event = expectEvent(
        parseZendeskDelivery(delivery(trigger({ ...values, 'ticket.title': subject }, jsonEscape)), config),
      );
      expect(event.subject).toBe(subject);
      expect(event.ticketId).toBe('42');
    }
  });

  it('cannot be steered to another ticket by a crafted, unescaped subject', () => {
    const subject = 'x", "ticket_id": "999';
    const event = expectEvent(
      parseZendeskDelivery(delivery(trigger({ ...values, 'ticket.title': subject }, false)), config),
    );
    expect(event.ticketId).toBe('42');
    expect(event.subject).toBe(subject);
  });

  it('accepts an edited template that is valid JSON', () => {
    const body = JSON.stringify({ ticket_id: 7, subject: 'Edited', extra: [1, { a: null }] });
    expect(expectEvent(parseZendeskDelivery(delivery(body), config))).toMatchObject({
      ticketId: '7',
      subject: 'Edited',
    });
  });

  it('ignores a trigger that reports something other than creation', () => {
    const body = JSON.stringify({ event: 'ticket.solved', ticket_id: '42' });
    expect(parseZendeskDelivery(delivery(body), config)).toMatchObject({ kind: 'ignored', deliveryId: '8350205582' });
  });

  it('needs the account header, since the body names no account', () => {
    const req = delivery(trigger(values));
    delete req.headers['x-zendesk-account-id'];
    expect(expectRejected(parseZendeskDelivery(req, config), 'PAYLOAD_INVALID', 400)).toContain('x-zendesk-account-id');
  });

  it('derives a stable delivery id when Zendesk sends none', () => {
    const a = delivery(trigger(values));
    const b = delivery(trigger(values), { atMs: NOW - 60_000 });
    delete a.headers['x-zendesk-webhook-invocation-id'];
    delete b.headers['x-zendesk-webhook-invocation-id'];
    const idA = expectEvent(parseZendeskDelivery(a, config)).deliveryId;
    expect(idA).toMatch(/^zendesk-[0-9a-f]{32}$/);
    expect(expectEvent(parseZendeskDelivery(b, config)).deliveryId).toBe(idA);
  });
});

describe('Zendesk event webhooks for a ticket’s later changes', () => {
  it('normalizes the documented ticket.status_changed example: the new status, the event time and id', () => {
    const event = expectEvent(parseZendeskDelivery(delivery(fixture('zendesk-ticket-status-changed.json')), config));
    expect(event).toEqual({
      kind: 'ticket.status_changed',
      source: 'zendesk',
      tenant: '22129848',
      ticketId: '5158',
      subject: 'Cannot login to mobile app',
      status: 'solved',
      changed: ['status'],
      occurredAt: '2025-01-08T16:45:20.987Z',
      deliveryId: 'a8b9c1d2-3e4f-5a6b-7c8d-9e0f1a2b3c4d',
    });
  });

  it('maps every Zendesk status, whatever its case, and keeps an unknown one verbatim', () => {
    const cases: Array<[string, string]> = [
      ['NEW', 'new'],
      ['OPEN', 'open'],
      ['PENDING', 'pending'],
      ['HOLD', 'on-hold'],
      ['On-hold', 'on-hold'],
      ['SOLVED', 'solved'],
      ['closed', 'closed'],
      ['ARCHIVED', 'closed'],
      ['Awaiting Parts', 'Awaiting Parts'],
    ];
    for (const [current, status] of cases) {
      const body = fixtureJson('zendesk-ticket-status-changed.json');
      body.event = { current: ` ${current} `, previous: 'OPEN' };
      expect(expectEvent(parseZendeskDelivery(delivery(JSON.stringify(body)), config)).status).toBe(status);
    }
  });

  it('takes the status from the ticket when the event object does not carry it', () => {
    const body = fixtureJson('zendesk-ticket-status-changed.json');
    body.event = {};
    (body.detail as Record<string, unknown>).status = 'PENDING';
    expect(expectEvent(parseZendeskDelivery(delivery(JSON.stringify(body)), config)).status).toBe('pending');
    delete (body.detail as Record<string, unknown>).status;
    expect(expectRejected(parseZendeskDelivery(delivery(JSON.stringify(body)), config), 'PAYLOAD_INVALID', 400)).toBe(
      'The field detail.status is missing.',
    );
  });

  it('normalizes a subject change to the new subject, from the event or else the ticket', () => {
    const event = expectEvent(parseZendeskDelivery(delivery(fixture('zendesk-ticket-subject-changed.json')), config));
    expect(event).toMatchObject({
      kind: 'ticket.subject_changed',
      ticketId: '5158',
      subject: 'Cannot log in to the mobile app (iOS 18)',
      changed: ['subject'],
      occurredAt: '2025-01-08T11:02:41.120Z',
      deliveryId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
    });
    const body = fixtureJson('zendesk-ticket-subject-changed.json');
    body.event = {};
    (body.detail as Record<string, unknown>).subject = 'From the ticket';
    expect(expectEvent(parseZendeskDelivery(delivery(JSON.stringify(body)), config)).subject).toBe('From the ticket');
  });

  it('makes both deletions a ticket.deleted with the status deleted', () => {
    for (const type of ['zen:event-type:ticket.soft_deleted', 'zen:event-type:ticket.permanently_deleted']) {
      const body = fixtureJson('zendesk-ticket-soft-deleted.json');
      body.type = type;
      expect(expectEvent(parseZendeskDelivery(delivery(JSON.stringify(body)), config))).toMatchObject({
        kind: 'ticket.deleted',
        status: 'deleted',
        changed: ['status'],
        occurredAt: '2025-01-09T08:00:03.500Z',
        deliveryId: 'c0ffee00-1234-4abc-9def-0123456789ab',
      });
    }
  });

  it('makes a restored ticket a status change back to its status, and ignores one restored to nothing', () => {
    const body = fixtureJson('zendesk-ticket-soft-deleted.json');
    body.type = 'zen:event-type:ticket.undeleted';
    (body.detail as Record<string, unknown>).status = 'OPEN';
    expect(expectEvent(parseZendeskDelivery(delivery(JSON.stringify(body)), config))).toMatchObject({
      kind: 'ticket.status_changed',
      status: 'open',
      changed: ['status'],
    });
    (body.detail as Record<string, unknown>).status = 'DELETED';
    expect(parseZendeskDelivery(delivery(JSON.stringify(body)), config).kind).toBe('ignored');
  });

  it('keeps the event id on a retry, however late and with whatever signature time', () => {
    const first = parseZendeskDelivery(delivery(fixture('zendesk-ticket-status-changed.json')), config);
    const retry = parseZendeskDelivery(
      delivery(fixture('zendesk-ticket-status-changed.json'), {
        atMs: NOW - 120_000,
        headers: { 'x-zendesk-webhook-invocation-id': '8350209999' },
      }),
      config,
    );
    expect(retry).toEqual(first);
  });

  it('leaves out an event time it cannot read instead of guessing one', () => {
    const body = fixtureJson('zendesk-ticket-status-changed.json');
    body.time = '08/01/2025 16:45';
    const event = expectEvent(parseZendeskDelivery(delivery(JSON.stringify(body)), config));
    expect(event.occurredAt).toBeUndefined();
    expect(event.status).toBe('solved');
  });
});

describe('Zendesk trigger webhooks for a ticket’s later changes', () => {
  const values = {
    'ticket.id': '42',
    'ticket.status': 'Solved',
    'ticket.updated_at_with_timestamp': '2025-01-08T16:45:20Z',
    'ticket.title': 'Printer "HP" on fire',
  };
  const update = (v: Record<string, string>, event = 'ticket.updated', jsonEscape = true) =>
    renderTemplate(ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE.replace('"ticket.updated"', JSON.stringify(event)), v, {
      jsonEscape,
    });

  it('reads the documented update body: the status and subject the ticket has now, at its update time', () => {
    for (const jsonEscape of [true, false]) {
      const event = expectEvent(parseZendeskDelivery(delivery(update(values, 'ticket.updated', jsonEscape)), config));
      expect(event).toEqual({
        kind: 'ticket.status_changed',
        source: 'zendesk',
        tenant: '22129848',
        ticketId: '42',
        subject: 'Printer "HP" on fire',
        status: 'solved',
        changed: ['status', 'subject'],
        occurredAt: '2025-01-08T16:45:20.000Z',
        deliveryId: '8350205582',
      });
    }
  });

  it('records only what a narrower trigger names', () => {
    const status = expectEvent(
      parseZendeskDelivery(
        delivery(update({ ...values, 'ticket.status': 'on-hold' }, 'ticket.status_changed')),
        config,
      ),
    );
    expect(status).toMatchObject({ kind: 'ticket.status_changed', status: 'on-hold', changed: ['status'] });
    const subject = expectEvent(parseZendeskDelivery(delivery(update(values, 'ticket.subject_changed')), config));
    expect(subject).toMatchObject({ kind: 'ticket.subject_changed', changed: ['subject'] });
  });

  it('derives one delivery id per change when the invocation id is absent, the same on a retry', () => {
    const idOf = (v: Record<string, string>) => {
      const req = delivery(update(v));
      delete req.headers['x-zendesk-webhook-invocation-id'];
      return expectEvent(parseZendeskDelivery(req, config)).deliveryId;
    };
    expect(idOf(values)).toBe(idOf(values));
    expect(idOf(values)).not.toBe(idOf({ ...values, 'ticket.status': 'Open' }));
    expect(idOf(values)).not.toBe(idOf({ ...values, 'ticket.updated_at_with_timestamp': '2025-01-08T16:45:21Z' }));
  });

  it('does without an update time it cannot read, and refuses a status change without a status', () => {
    const event = expectEvent(
      parseZendeskDelivery(delivery(update({ ...values, 'ticket.updated_at_with_timestamp': '' })), config),
    );
    expect(event.occurredAt).toBeUndefined();
    const message = expectRejected(
      parseZendeskDelivery(delivery(update({ ...values, 'ticket.status': '' })), config),
      'PAYLOAD_INVALID',
      400,
    );
    expect(message).toBe('The field status is missing.');
  });
});

describe('Zendesk authenticity', () => {
  const body = fixture('zendesk-ticket-created.json');

  it('is refused outright when no secret is configured, naming the variable', () => {
    for (const cfg of [undefined, { secrets: [] }, { secrets: [''] }]) {
      const message = expectRejected(parseZendeskDelivery(delivery(body), cfg), 'SOURCE_NOT_CONFIGURED', 401);
      expect(message).toContain('ZENDESK_WEBHOOK_SECRET');
    }
  });

  it('names a missing signature or timestamp header', () => {
    for (const name of ['x-zendesk-webhook-signature', 'x-zendesk-webhook-signature-timestamp']) {
      const req = delivery(body);
      delete req.headers[name];
      expect(expectRejected(parseZendeskDelivery(req, config), 'SIGNATURE_MISSING', 401)).toBe(
        `The ${name} header is missing.`,
      );
    }
  });

  it('refuses a signature made with another secret', () => {
    const message = expectRejected(
      parseZendeskDelivery(delivery(body, { secret: 'not-the-secret' }), config),
      'SIGNATURE_INVALID',
      401,
    );
    expect(message).toContain('ZENDESK_WEBHOOK_SECRET');
  });

  it('refuses a body changed after signing', () => {
    const req = delivery(body);
    const tampered = { ...req, rawBody: Buffer.from(body.toString().replace('"5158"', '"5160"')) };
    expectRejected(parseZendeskDelivery(tampered, config), 'SIGNATURE_INVALID', 401);
  });

  it('accepts the old and the new secret during a rotation', () => {
    const rotating = { secrets: ['new-secret', SECRET] };
    expect(parseZendeskDelivery(delivery(body, { secret: 'new-secret' }), rotating).kind).toBe('event');
    expect(parseZendeskDelivery(delivery(body, { secret: SECRET }), rotating).kind).toBe('event');
  });

  it('refuses a replay older than the tolerance, and a timestamp from the future', () => {
    const replay = delivery(body, { atMs: NOW - 301_000 });
    expect(expectRejected(parseZendeskDelivery(replay, config), 'TIMESTAMP_EXPIRED', 401)).toContain('301 s old');
    const early = delivery(body, { atMs: NOW + 400_000 });
    expect(expectRejected(parseZendeskDelivery(early, config), 'TIMESTAMP_EXPIRED', 401)).toContain('in the future');
    expect(parseZendeskDelivery(delivery(body, { atMs: NOW - 299_000 }), config).kind).toBe('event');
  });

  it('honours a configured tolerance', () => {
    const old = delivery(body, { atMs: NOW - 3_600_000 });
    expect(parseZendeskDelivery(old, { ...config, toleranceSeconds: 7_200 }).kind).toBe('event');
  });

  it('refuses a replay whose timestamp was moved forward', () => {
    const req = delivery(body, { atMs: NOW - 600_000 });
    req.headers['x-zendesk-webhook-signature-timestamp'] = iso(NOW);
    expectRejected(parseZendeskDelivery(req, config), 'SIGNATURE_INVALID', 401);
  });

  it('refuses a timestamp that is not ISO 8601', () => {
    const req = delivery(body);
    req.headers['x-zendesk-webhook-signature-timestamp'] = '1';
    expectRejected(parseZendeskDelivery(req, config), 'TIMESTAMP_INVALID', 401);
  });

  it('checks the signature before reading the JSON', () => {
    const req = delivery('not json', { secret: 'wrong' });
    expectRejected(parseZendeskDelivery(req, config), 'SIGNATURE_INVALID', 401);
  });
});

describe('Zendesk new attachments', () => {
  it('reads attachment_linked_to_comment as a new file on the ticket, with the event id and time', () => {
    const event = expectEvent(parseZendeskDelivery(delivery(fixture('zendesk-attachment-linked.json')), config));
    expect(event).toEqual({
      kind: 'ticket.attachment_added',
      source: 'zendesk',
      tenant: '22129848',
      ticketId: '5158',
      subject: 'Cannot login to mobile app',
      occurredAt: '2025-01-08T10:14:31.118Z',
      deliveryId: '3c7e9a52-5f0d-4f7e-8d8b-1a2b3c4d5e6f',
    });
  });

  it('reads a comment that lists attachments, and ignores one that lists none', () => {
    const event = expectEvent(
      parseZendeskDelivery(delivery(fixture('zendesk-comment-added-with-attachment.json')), config),
    );
    expect(event).toMatchObject({
      kind: 'ticket.attachment_added',
      ticketId: '5158',
      deliveryId: '5e2b1c9d-77aa-4c1e-9f00-0d1e2f3a4b5c',
    });
    const body = fixtureJson('zendesk-comment-added-with-attachment.json');
    ((body.event as Record<string, Record<string, unknown>>).comment as Record<string, unknown>).attachments = [];
    expect(parseZendeskDelivery(delivery(JSON.stringify(body)), config)).toMatchObject({ kind: 'ignored' });
  });

  it('reads the trigger body with event ticket.attachment_added, deduped by the invocation id', () => {
    const body = renderTemplate(
      ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE.replace('"ticket.updated"', '"ticket.attachment_added"'),
      {
        'ticket.id': '5158',
        'ticket.status': 'open',
        'ticket.updated_at_with_timestamp': '2025-01-08T10:14:31Z',
        'ticket.title': 'Cannot "login"',
      },
      { jsonEscape: false },
    );
    const event = expectEvent(parseZendeskDelivery(delivery(body), config));
    expect(event).toMatchObject({
      kind: 'ticket.attachment_added',
      ticketId: '5158',
      subject: 'Cannot "login"',
      occurredAt: '2025-01-08T10:14:31.000Z',
      deliveryId: '8350205582',
    });
    expect(event.changed).toBeUndefined();
  });
});
