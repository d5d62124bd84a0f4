import { basicAuthHeader } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures';
import { renderTemplate } from '../inbound/template';
import type { InboundOutcome, InboundRequest } from '../inbound/types';
import { parseFreshdeskDelivery } from './inbound';
import { FRESHDESK_AUTOMATION_BODY_TEMPLATE, FRESHDESK_UPDATE_BODY_TEMPLATE } from './payload';

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

  it('ignores rules that fire on a change other than status or subject, and events it does not know', () => {
    const priority = JSON.stringify({
      freshdesk_webhook: {
        triggered_event: '{priority:{from:Low,to:High}}',
        ticket_id: '11',
        ticket_url: 'https://acme.freshdesk.com/helpdesk/tickets/11',
        ticket_status: 'Open',
      },
    });
    expect(parseFreshdeskDelivery(delivery(priority), config).kind).toBe('ignored');
    const other = JSON.stringify({ event: 'ticket.merged', ticket_id: '11' });
    expect(parseFreshdeskDelivery(delivery(other), config).kind).toBe('ignored');
  });

  it('names what is missing', () => {
    expect(rejection(parseFreshdeskDelivery(delivery('{"subject":"x"}'), config)).message).toBe(
      'The field ticket_id is missing.',
    );
    expect(rejection(parseFreshdeskDelivery(delivery('{"ticket_id":"3"}'), config)).message).toContain('ticket_url');
  });
});

describe('Freshdesk update rules', () => {
  const update = {
    'ticket.id': '11',
    'ticket.url': 'https://acme.freshdesk.com/helpdesk/tickets/11',
    triggered_event: '{status:{from:Open,to:Resolved}}',
    'ticket.status': 'Resolved',
    'ticket.updated_at': '2026-11-30T18:02:11Z',
    'ticket.subject': 'Printer "HP" on fire',
  };
  const body = (values: Record<string, string>, event = 'ticket.updated', jsonEscape = true) =>
    renderTemplate(FRESHDESK_UPDATE_BODY_TEMPLATE.replace('"ticket.updated"', JSON.stringify(event)), values, {
      jsonEscape,
    });
  const eventOf = (outcome: InboundOutcome) => {
    if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
    return outcome.event;
  };

  it('reads the documented update body: a status change, at the ticket’s update time', () => {
    for (const jsonEscape of [true, false]) {
      expect(eventOf(parseFreshdeskDelivery(delivery(body(update, 'ticket.updated', jsonEscape)), config))).toEqual({
        kind: 'ticket.status_changed',
        source: 'freshdesk',
        tenant: 'acme.freshdesk.com',
        ticketId: '11',
        subject: 'Printer "HP" on fire',
        status: 'solved',
        changed: ['status'],
        occurredAt: '2026-11-30T18:02:11.000Z',
        ticketUrl: 'https://acme.freshdesk.com/helpdesk/tickets/11',
        deliveryId: expect.stringMatching(/^freshdesk-[0-9a-f]{32}$/),
      });
    }
  });

  it('maps numbers and labels in any case, and keeps a custom status by name', () => {
    const cases: Array<[string, string]> = [
      ['2', 'open'],
      ['3', 'pending'],
      ['4', 'solved'],
      ['5', 'closed'],
      ['OPEN', 'open'],
      ['pending', 'pending'],
      ['resolved', 'solved'],
      ['Closed', 'closed'],
      ['Waiting on Customer', 'Waiting on Customer'],
    ];
    for (const [raw, status] of cases) {
      const event = eventOf(parseFreshdeskDelivery(delivery(body({ ...update, 'ticket.status': raw })), config));
      expect(event.status).toBe(status);
    }
  });

  it('takes the new status from triggered_event when the body has none (numbers, as older rules sent)', () => {
    const wrapped = JSON.stringify({
      freshdesk_webhook: {
        triggered_event: '{status:{from:2,to:4}}',
        ticket_id: '11',
        ticket_url: 'https://acme.freshdesk.com/helpdesk/tickets/11',
        ticket_subject: 'x',
      },
    });
    expect(eventOf(parseFreshdeskDelivery(delivery(wrapped), config))).toMatchObject({
      kind: 'ticket.status_changed',
      status: 'solved',
      changed: ['status'],
    });
  });

  it('reads a subject change, and records both fields when nothing says what changed', () => {
    const subject = eventOf(
      parseFreshdeskDelivery(delivery(body({ ...update, triggered_event: '{subject:{from:a,to:b}}' })), config),
    );
    expect(subject).toMatchObject({ kind: 'ticket.subject_changed', changed: ['subject'] });
    const unsaid = eventOf(parseFreshdeskDelivery(delivery(body({ ...update, triggered_event: '' })), config));
    expect(unsaid).toMatchObject({ kind: 'ticket.status_changed', changed: ['status', 'subject'] });
    const named = eventOf(parseFreshdeskDelivery(delivery(body(update, 'ticket.subject_changed')), config));
    expect(named).toMatchObject({ kind: 'ticket.subject_changed', changed: ['subject'] });
  });

  it('reads a deletion rule', () => {
    expect(eventOf(parseFreshdeskDelivery(delivery(body(update, 'ticket.deleted')), config))).toMatchObject({
      kind: 'ticket.deleted',
      status: 'deleted',
      changed: ['status'],
    });
  });

  it('gives a retried delivery the same id and a different change another one', () => {
    const idOf = (values: Record<string, string>) =>
      eventOf(parseFreshdeskDelivery(delivery(body(values)), config)).deliveryId;
    expect(idOf(update)).toBe(idOf(update));
    expect(idOf(update)).not.toBe(idOf({ ...update, 'ticket.status': 'Closed' }));
    expect(idOf(update)).not.toBe(idOf({ ...update, 'ticket.updated_at': '2026-11-30T18:09:00Z' }));
    const created = renderTemplate(FRESHDESK_AUTOMATION_BODY_TEMPLATE, values);
    expect(idOf(update)).not.toBe(eventOf(parseFreshdeskDelivery(delivery(created), config)).deliveryId);
  });

  it('does without an update time it cannot read, and refuses a status change without a status', () => {
    const odd = eventOf(
      parseFreshdeskDelivery(delivery(body({ ...update, 'ticket.updated_at': 'Mon, 30 Nov 2026 06:02 PM' })), config),
    );
    expect(odd.occurredAt).toBeUndefined();
    const none = rejection(
      parseFreshdeskDelivery(delivery(body({ ...update, 'ticket.status': '', triggered_event: '' })), config),
    );
    expect(none.message).toBe('The field status is missing.');
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

describe('Freshdesk new notes and replies', () => {
  const values = {
    'ticket.id': '11',
    'ticket.url': 'https://acme.freshdesk.com/helpdesk/tickets/11',
    triggered_event: '{note_type:private}',
    'ticket.status': 'Open',
    'ticket.updated_at': '2026-11-30T18:05:00Z',
    'ticket.subject': 'Printer on fire',
  };
  const body = (v: Record<string, string>) =>
    renderTemplate(FRESHDESK_UPDATE_BODY_TEMPLATE.replace('"ticket.updated"', '"ticket.attachment_added"'), v, {
      jsonEscape: true,
    });

  it('reads the update body with event ticket.attachment_added as a possible new file', () => {
    const outcome = parseFreshdeskDelivery(delivery(body(values)), config);
    expect(outcome).toEqual({
      kind: 'event',
      event: {
        kind: 'ticket.attachment_added',
        source: 'freshdesk',
        tenant: 'acme.freshdesk.com',
        ticketId: '11',
        subject: 'Printer on fire',
        occurredAt: '2026-11-30T18:05:00.000Z',
        ticketUrl: 'https://acme.freshdesk.com/helpdesk/tickets/11',
        deliveryId: expect.stringMatching(/^freshdesk-[0-9a-f]{32}$/),
      },
    });
  });

  it('gives a retry the same id and a later note another one', () => {
    const id = (v: Record<string, string>) => {
      const outcome = parseFreshdeskDelivery(delivery(body(v)), config);
      return outcome.kind === 'event' ? outcome.event.deliveryId : undefined;
    };
    expect(id(values)).toBe(id(values));
    expect(id({ ...values, 'ticket.updated_at': '2026-11-30T18:09:00Z' })).not.toBe(id(values));
  });
});
