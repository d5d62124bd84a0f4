import { describe, expect, it } from 'vitest';
import type { InboundOutcome, InboundRequest } from '../inbound/types';
import { parseGenericDelivery } from './inbound';
import { signStandardWebhook } from './signature';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TOKEN = 'generic-shared-token';
const NOW = 1_700_000_000_000;

function signed(body: string, opts: { id?: string; atSeconds?: number; secret?: string } = {}): InboundRequest {
  const id = opts.id ?? 'msg_2b4kKcMZ9JtqM6yJ';
  const ts = String(opts.atSeconds ?? NOW / 1000 - 1);
  return {
    headers: {
      'webhook-id': id,
      'webhook-timestamp': ts,
      'webhook-signature': signStandardWebhook(id, ts, body, opts.secret ?? SECRET),
    },
    rawBody: Buffer.from(body),
    nowMs: NOW,
  };
}

function withToken(body: string, headers: Record<string, string> = { 'x-ticket-rooms-token': TOKEN }): InboundRequest {
  return { headers, rawBody: Buffer.from(body), nowMs: NOW };
}

function rejection(outcome: InboundOutcome) {
  if (outcome.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
  expect(outcome.message).not.toContain(TOKEN);
  expect(outcome.message).not.toContain(SECRET.slice(6));
  return outcome;
}

const both = { secrets: [SECRET], tokens: [TOKEN] };

describe('generic deliveries', () => {
  it('reads the payload existing integrations send, signed', () => {
    expect(parseGenericDelivery(signed('{"ticketId": "123", "subject": "Printer on fire"}'), both)).toEqual({
      kind: 'event',
      event: {
        kind: 'ticket.created',
        source: 'generic',
        tenant: 'default',
        ticketId: '123',
        subject: 'Printer on fire',
        deliveryId: 'msg_2b4kKcMZ9JtqM6yJ',
      },
    });
  });

  it('coerces a numeric ticket id and takes the optional fields', () => {
    const body = JSON.stringify({
      ticketId: 4711,
      subject: 'Mail 📧 bounces',
      priority: 'P1',
      requester: 'ann@example.com',
      ticketUrl: 'https://tickets.example.com/4711',
      tenant: 'acme',
      extra: { ignored: [null] },
    });
    expect(parseGenericDelivery(withToken(body), both)).toMatchObject({
      kind: 'event',
      event: {
        ticketId: '4711',
        tenant: 'acme',
        priority: 'p1',
        requester: { email: 'ann@example.com' },
        ticketUrl: 'https://tickets.example.com/4711',
        deliveryId: expect.stringMatching(/^generic-/),
      },
    });
  });

  it('uses a deliveryId field when the delivery is not signed', () => {
    const body = JSON.stringify({ ticketId: '1', subject: 's', deliveryId: 'd-1', requester: { name: 'Ann', id: 7 } });
    expect(parseGenericDelivery(withToken(body), both)).toMatchObject({
      kind: 'event',
      event: { deliveryId: 'd-1', requester: { name: 'Ann', id: '7' } },
    });
  });

  it('ignores events it does not know', () => {
    const body = JSON.stringify({ ticketId: '1', subject: 's', event: 'ticket.closed' });
    expect(parseGenericDelivery(signed(body), both)).toMatchObject({
      kind: 'ignored',
      deliveryId: 'msg_2b4kKcMZ9JtqM6yJ',
    });
  });

  it('names an invalid ticket id', () => {
    for (const ticketId of [undefined, '', '   ', 1.5, true, []]) {
      const outcome = rejection(parseGenericDelivery(withToken(JSON.stringify({ ticketId, subject: 's' })), both));
      expect(outcome).toMatchObject({ status: 400, code: 'PAYLOAD_INVALID' });
      expect(outcome.message).toMatch(/^The field ticketId (is missing|must be)/);
    }
  });

  it('refuses an id longer than the ticket event allows, rather than cutting it', () => {
    const outcome = rejection(parseGenericDelivery(withToken(JSON.stringify({ ticketId: 'x'.repeat(201) })), both));
    expect(outcome.message).toContain('ticketId');
  });
});

describe('generic later events', () => {
  const change = (fields: Record<string, unknown>) =>
    JSON.stringify({ ticketId: 'INC-7', subject: 'Printer on fire', occurredAt: '2026-11-30T18:02:11Z', ...fields });

  it('reads a status change: the mapped status, the event time, the signed id', () => {
    expect(parseGenericDelivery(signed(change({ event: 'ticket.status_changed', status: 'Resolved' })), both)).toEqual({
      kind: 'event',
      event: {
        kind: 'ticket.status_changed',
        source: 'generic',
        tenant: 'default',
        ticketId: 'INC-7',
        subject: 'Printer on fire',
        status: 'solved',
        changed: ['status'],
        occurredAt: '2026-11-30T18:02:11.000Z',
        deliveryId: 'msg_2b4kKcMZ9JtqM6yJ',
      },
    });
  });

  it('maps our vocabulary and common spellings in any case, and keeps an unknown status verbatim', () => {
    for (const [raw, status] of [
      ['NEW', 'new'],
      ['Open', 'open'],
      ['pending', 'pending'],
      ['On Hold', 'on-hold'],
      ['on-hold', 'on-hold'],
      ['SOLVED', 'solved'],
      ['closed', 'closed'],
      ['Escalated to L3', 'Escalated to L3'],
    ]) {
      const body = change({ event: 'ticket.status_changed', status: raw });
      expect(parseGenericDelivery(withToken(body), both)).toMatchObject({ event: { status } });
    }
  });

  it('reads subject changes and deletions', () => {
    expect(
      parseGenericDelivery(withToken(change({ event: 'ticket.subject_changed', subject: 'New' })), both),
    ).toMatchObject({
      event: { kind: 'ticket.subject_changed', subject: 'New', changed: ['subject'] },
    });
    expect(parseGenericDelivery(withToken(change({ event: 'ticket.deleted' })), both)).toMatchObject({
      event: { kind: 'ticket.deleted', status: 'deleted', changed: ['status'] },
    });
  });

  it('takes eventId as the delivery id of an unsigned change, else derives one stable across retries', () => {
    const named = change({ event: 'ticket.status_changed', status: 'open', eventId: 'evt-9' });
    expect(parseGenericDelivery(withToken(named), both)).toMatchObject({ event: { deliveryId: 'evt-9' } });
    const bare = change({ event: 'ticket.status_changed', status: 'open' });
    const first = parseGenericDelivery(withToken(bare), both);
    expect(first).toMatchObject({ event: { deliveryId: expect.stringMatching(/^generic-[0-9a-f]{32}$/) } });
    expect(parseGenericDelivery(withToken(bare), both)).toEqual(first);
    const other = change({ event: 'ticket.status_changed', status: 'solved' });
    expect(parseGenericDelivery(withToken(other), both)).not.toEqual(first);
  });

  it('names a missing status and an unreadable event time', () => {
    expect(rejection(parseGenericDelivery(withToken(change({ event: 'ticket.status_changed' })), both)).message).toBe(
      'The field status is missing.',
    );
    const when = change({ event: 'ticket.status_changed', status: 'open', occurredAt: 'yesterday' });
    expect(rejection(parseGenericDelivery(withToken(when), both)).message).toBe(
      'The field occurredAt is not an ISO 8601 date-time with a time zone.',
    );
  });
});

describe('generic authenticity', () => {
  const body = '{"ticketId":"1","subject":"s"}';

  it('refuses a wrong, expired, future, re-identified or missing signature', () => {
    expect(rejection(parseGenericDelivery(signed(body, { secret: 'whsec_AAAAAAAAAAAAAAAA' }), both)).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect(rejection(parseGenericDelivery(signed(body, { atSeconds: NOW / 1000 - 301 }), both)).code).toBe(
      'TIMESTAMP_EXPIRED',
    );
    expect(rejection(parseGenericDelivery(signed(body, { atSeconds: NOW / 1000 + 301 }), both)).code).toBe(
      'TIMESTAMP_EXPIRED',
    );
    const replayed = signed(body);
    replayed.headers['webhook-id'] = 'msg_other';
    expect(rejection(parseGenericDelivery(replayed, both)).code).toBe('SIGNATURE_INVALID');
    const bad = signed(body);
    bad.headers['webhook-timestamp'] = 'yesterday';
    expect(rejection(parseGenericDelivery(bad, both)).code).toBe('TIMESTAMP_INVALID');
    for (const name of ['webhook-id', 'webhook-timestamp']) {
      const req = signed(body);
      delete req.headers[name];
      const outcome = rejection(parseGenericDelivery(req, both));
      expect(outcome).toMatchObject({ code: 'SIGNATURE_MISSING', message: `The ${name} header is missing.` });
    }
  });

  it('accepts a token as the header or a bearer, and refuses a wrong one', () => {
    expect(parseGenericDelivery(withToken(body), both).kind).toBe('event');
    expect(parseGenericDelivery(withToken(body, { authorization: `Bearer ${TOKEN}` }), both).kind).toBe('event');
    expect(rejection(parseGenericDelivery(withToken(body, { 'x-ticket-rooms-token': 'nope' }), both)).code).toBe(
      'CREDENTIAL_INVALID',
    );
  });

  it('does not let a token stand in when only signatures are configured', () => {
    const outcome = rejection(parseGenericDelivery(withToken(body), { secrets: [SECRET], tokens: [] }));
    expect(outcome).toMatchObject({ code: 'SIGNATURE_MISSING', message: 'The webhook-id header is missing.' });
  });

  it('names what is missing when nothing is presented', () => {
    expect(rejection(parseGenericDelivery(withToken(body, {}), both)).code).toBe('CREDENTIAL_MISSING');
    expect(rejection(parseGenericDelivery(withToken(body, {}), { secrets: [], tokens: [TOKEN] })).message).toBe(
      'The x-ticket-rooms-token header is missing.',
    );
    const off = rejection(parseGenericDelivery(signed(body), undefined));
    expect(off).toMatchObject({ status: 401, code: 'SOURCE_NOT_CONFIGURED' });
    expect(off.message).toContain('GENERIC_WEBHOOK_SECRET');
  });
});

describe('generic new attachments', () => {
  it('reads ticket.attachment_added with its event time and signed id, changing no tracked field', () => {
    const body = JSON.stringify({
      event: 'ticket.attachment_added',
      ticketId: 'INC-7',
      subject: 'Printer on fire',
      occurredAt: '2026-11-30T18:02:11Z',
    });
    expect(parseGenericDelivery(signed(body), both)).toEqual({
      kind: 'event',
      event: {
        kind: 'ticket.attachment_added',
        source: 'generic',
        tenant: 'default',
        ticketId: 'INC-7',
        subject: 'Printer on fire',
        occurredAt: '2026-11-30T18:02:11.000Z',
        deliveryId: 'msg_2b4kKcMZ9JtqM6yJ',
      },
    });
  });
});
