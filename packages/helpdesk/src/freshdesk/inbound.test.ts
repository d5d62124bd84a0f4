import { basicAuthHeader } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures';
import { renderTemplate } from '../inbound/template';
import type { InboundOutcome, InboundRequest } from '../inbound/types';
import { parseFreshdeskDelivery } from './inbound';
import { FRESHDESK_AUTOMATION_BODY_TEMPLATE } from './payload';

const TOKEN = 'freshdesk-shared-token';
const config = { tokens: [TOKEN] };
const values = {
  'ticket.id': '11',
  'ticket.url': 'https://acme.freshdesk.com/helpdesk/tickets/11',
  'ticket.priority': 'Urgent',
  'ticket.requester.email': 'bob@example.com',
  'ticket.subject': 'Printer on fire',
};

function delivery(
  body: Buffer | string,
  headers: Record<string, string | undefined> = { 'x-ticket-rooms-token': TOKEN },
) {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    headers: { 'content-type': 'application/json', ...headers },
    rawBody,
    nowMs: Date.now(),
  } satisfies InboundRequest;
}

function rejection(outcome: InboundOutcome) {
  if (outcome.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
  expect(outcome.message).not.toContain(TOKEN);
  return outcome;
}

describe('Freshdesk automation webhooks', () => {
  it('reads what the documented template renders, with labels as strings', () => {
    const outcome = parseFreshdeskDelivery(
      delivery(renderTemplate(FRESHDESK_AUTOMATION_BODY_TEMPLATE, values)),
      config,
    );
    expect(outcome).toEqual({
      kind: 'event',
      event: {
        kind: 'ticket.created',
        source: 'freshdesk',
        tenant: 'acme.freshdesk.com',
        ticketId: '11',
        subject: 'Printer on fire',
        priority: 'urgent',
        requester: { email: 'bob@example.com' },
        ticketUrl: 'https://acme.freshdesk.com/helpdesk/tickets/11',
        deliveryId: expect.stringMatching(/^freshdesk-[0-9a-f]{32}$/),
      },
    });
  });

  it('gives the same delivery id to a retried delivery', () => {
    const body = renderTemplate(FRESHDESK_AUTOMATION_BODY_TEMPLATE, values);
    const a = parseFreshdeskDelivery(delivery(body), config);
    const b = parseFreshdeskDelivery(delivery(body), config);
    expect(a.kind === 'event' && b.kind === 'event' && a.event.deliveryId === b.event.deliveryId).toBe(true);
  });

  it('reads subjects with quotes, escaped or not', () => {
    const subject = 'Toner "black" \\ empty\n☃';
    for (const jsonEscape of [true, false]) {
      const body = renderTemplate(
        FRESHDESK_AUTOMATION_BODY_TEMPLATE,
        { ...values, 'ticket.subject': subject },
        { jsonEscape },
      );
      expect(parseFreshdeskDelivery(delivery(body), config)).toMatchObject({
        kind: 'event',
        event: { subject, ticketId: '11' },
      });
    }
  });

  it('accepts the widely copied freshdesk_webhook layout (a captured delivery)', () => {
    expect(parseFreshdeskDelivery(delivery(fixture('freshdesk-wrapped-ticket-created.json')), config)).toMatchObject({
      kind: 'event',
      event: {
        tenant: 'test1234zzz.freshdesk.com',
        ticketId: '11',
        subject: 'Test ticket subject ☃',
        priority: 'high',
        requester: { email: 'requester-bob@example.com', name: 'Requester ☃ Bob' },
      },
    });
  });

  it('prefers an explicit tenant to the host of the ticket URL', () => {
    const body = JSON.stringify({ ticket_id: 5, tenant: 'acme', subject: 'x', unknown: null });
    expect(parseFreshdeskDelivery(delivery(body), config)).toMatchObject({ kind: 'event', event: { tenant: 'acme' } });
  });

  it('ignores rules that fire on something other than creation', () => {
    const update = JSON.stringify({
      freshdesk_webhook: { triggered_event: '{status:{from:Open,to:Pending}}', ticket_id: '11' },
    });
    expect(parseFreshdeskDelivery(delivery(update), config).kind).toBe('ignored');
    const other = JSON.stringify({ event: 'ticket.updated', ticket_id: '11' });
    expect(parseFreshdeskDelivery(delivery(other), config).kind).toBe('ignored');
  });

  it('names what is missing', () => {
    expect(rejection(parseFreshdeskDelivery(delivery('{"subject":"x"}'), config)).message).toBe(
      'The field ticket_id is missing.',
    );
    expect(rejection(parseFreshdeskDelivery(delivery('{"ticket_id":"3"}'), config)).message).toContain('ticket_url');
  });
});

describe('Freshdesk authenticity', () => {
  const body = renderTemplate(FRESHDESK_AUTOMATION_BODY_TEMPLATE, values);

  it('takes the token from the header or from the basic-auth password', () => {
    expect(parseFreshdeskDelivery(delivery(body), config).kind).toBe('event');
    const basic = delivery(body, { authorization: basicAuthHeader('freshdesk', TOKEN) });
    expect(parseFreshdeskDelivery(basic, config).kind).toBe('event');
  });

  it('refuses a wrong or missing token, and an unconfigured source', () => {
    expect(rejection(parseFreshdeskDelivery(delivery(body, { 'x-ticket-rooms-token': 'nope' }), config))).toMatchObject(
      {
        status: 401,
        code: 'CREDENTIAL_INVALID',
      },
    );
    const wrongBasic = delivery(body, { authorization: basicAuthHeader(TOKEN, 'X') });
    expect(rejection(parseFreshdeskDelivery(wrongBasic, config)).code).toBe('CREDENTIAL_INVALID');
    const missing = rejection(parseFreshdeskDelivery(delivery(body, {}), config));
    expect(missing).toMatchObject({ status: 401, code: 'CREDENTIAL_MISSING' });
    expect(missing.message).toContain('x-ticket-rooms-token');
    const off = rejection(parseFreshdeskDelivery(delivery(body), { tokens: [] }));
    expect(off.message).toContain('FRESHDESK_WEBHOOK_TOKEN');
  });

  it('checks the token before reading the body', () => {
    expect(rejection(parseFreshdeskDelivery(delivery('{{{', { 'x-ticket-rooms-token': 'x' }), config)).code).toBe(
      'CREDENTIAL_INVALID',
    );
  });
});
