import { describe, expect, it } from 'vitest';
import { FRESHDESK_AUTOMATION_BODY_TEMPLATE } from '../freshdesk/payload';
import { renderTemplate } from '../inbound/template';
import type { InboundConfig, InboundEvent, InboundRequest } from '../inbound/types';
import { signJira } from '../jira/signature';
import { ZENDESK_TRIGGER_BODY_TEMPLATE } from '../zendesk/payload';
import { signZendesk } from '../zendesk/signature';
import { parseDelivery, ticketPriority } from './parse-delivery';

// What routing rules look at, as each vendor's creation delivery carries it, through the
// registry as the receiver calls it: priorities in one vocabulary, brand, group, type and tags.
const NOW = Date.parse('2026-03-02T10:00:10Z');
const config: InboundConfig = {
  zendesk: { secrets: ['zs'] },
  jira: { secrets: ['js'] },
  freshdesk: { tokens: ['ft'] },
  generic: { secrets: [], tokens: ['gt'] },
};

function request(body: string, headers: Record<string, string>): InboundRequest {
  return { headers: { 'content-type': 'application/json', ...headers }, rawBody: Buffer.from(body), nowMs: NOW };
}

function zendesk(body: string): InboundRequest {
  const timestamp = '2026-03-02T10:00:08Z';
  return request(body, {
    'x-zendesk-account-id': '22129848',
    'x-zendesk-webhook-invocation-id': '1',
    'x-zendesk-webhook-signature': signZendesk(Buffer.from(body), timestamp, 'zs'),
    'x-zendesk-webhook-signature-timestamp': timestamp,
  });
}

function zendeskEvent(detail: Record<string, unknown>): string {
  return JSON.stringify({
    type: 'zen:event-type:ticket.created',
    id: 'e1',
    account_id: 22129848,
    detail: { id: '5158', subject: 'Breach', ...detail },
  });
}

function jira(fields: Record<string, unknown>): InboundRequest {
  const body = JSON.stringify({
    webhookEvent: 'jira:issue_created',
    issue: { id: '1', key: 'SEC-1', self: 'https://acme.atlassian.net/rest/api/2/issue/1', fields },
  });
  return request(body, { 'x-hub-signature': signJira(Buffer.from(body), 'js'), 'x-atlassian-webhook-identifier': '7' });
}

function freshdesk(values: Record<string, string>): InboundRequest {
  const body = renderTemplate(FRESHDESK_AUTOMATION_BODY_TEMPLATE, {
    'ticket.id': '11',
    'ticket.url': 'https://acme.freshdesk.com/helpdesk/tickets/11',
    'ticket.subject': 'Invoice',
    ...values,
  });
  return request(body, { 'x-ticket-rooms-token': 'ft' });
}

function generic(body: Record<string, unknown>): InboundRequest {
  return request(JSON.stringify({ ticketId: 'INC-1', subject: 'Hi', ...body }), { 'x-ticket-rooms-token': 'gt' });
}

function eventOf(source: Parameters<typeof parseDelivery>[0], req: InboundRequest): InboundEvent {
  const outcome = parseDelivery(source, req, config);
  if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
  return outcome.event;
}

describe('priorities in one vocabulary', () => {
  it('Zendesk LOW, NORMAL, HIGH, URGENT', () => {
    const got = ['LOW', 'NORMAL', 'HIGH', 'URGENT'].map(
      (p) => eventOf('zendesk', zendesk(zendeskEvent({ priority: p }))).priority,
    );
    expect(got).toEqual(['low', 'normal', 'high', 'urgent']);
  });

  it('Freshdesk labels and numbers, Medium being normal', () => {
    const labels = ['Low', 'Medium', 'High', 'Urgent', '1', '2', '3', '4'];
    const got = labels.map((p) => eventOf('freshdesk', freshdesk({ 'ticket.priority': p })).priority);
    expect(got).toEqual(['low', 'normal', 'high', 'urgent', 'low', 'normal', 'high', 'urgent']);
  });

  it('Jira Lowest to Highest', () => {
    const names = ['Lowest', 'Low', 'Medium', 'High', 'Highest'];
    const got = names.map((name) => eventOf('jira', jira({ summary: 'x', priority: { name } })).priority);
    expect(got).toEqual(['low', 'low', 'normal', 'high', 'urgent']);
  });

  it('generic free text: the vocabulary in any case, anything else lower-cased as sent', () => {
    expect(eventOf('generic', generic({ priority: 'URGENT' })).priority).toBe('urgent');
    expect(eventOf('generic', generic({ priority: 'P1 ' })).priority).toBe('p1');
    // A site's own Jira priority stays as it is.
    expect(eventOf('jira', jira({ summary: 'x', priority: { name: 'Blocker' } })).priority).toBe('blocker');
  });

  it('the same mapping is there for tools, by source', () => {
    expect(ticketPriority('freshdesk', 'Medium')).toBe('normal');
    expect(ticketPriority('jira', 'HIGHEST')).toBe('urgent');
    expect(ticketPriority('zendesk', ' ')).toBeUndefined();
  });
});

describe('brand, group, ticket type and tags', () => {
  it('a Zendesk event webhook: brand_id, group_id, type and tags', () => {
    const event = eventOf(
      'zendesk',
      zendesk(zendeskEvent({ brand_id: '360', group_id: 777, type: 'INCIDENT', tags: ['security', 'vip', 'vip'] })),
    );
    expect(event).toMatchObject({ brand: '360', group: '777', ticketType: 'INCIDENT', tags: ['security', 'vip'] });
  });

  it('a Zendesk trigger body: names, and the tags space-separated', () => {
    const body = renderTemplate(ZENDESK_TRIGGER_BODY_TEMPLATE, {
      'ticket.id': '42',
      'ticket.title': 'Refund',
      'ticket.brand.name': 'Acme EU',
      'ticket.group.name': 'Billing',
      'ticket.ticket_type': 'Question',
      'ticket.tags': 'refund  eu_customer',
    });
    expect(eventOf('zendesk', zendesk(body))).toMatchObject({
      brand: 'Acme EU',
      group: 'Billing',
      ticketType: 'Question',
      tags: ['refund', 'eu_customer'],
    });
  });

  it('a Freshdesk automation body: group, type and the tags comma-separated', () => {
    const event = eventOf(
      'freshdesk',
      freshdesk({ 'ticket.group.name': 'Billing', 'ticket.ticket_type': 'Refund', 'ticket.tags': 'eu, late payment' }),
    );
    expect(event).toMatchObject({ group: 'Billing', ticketType: 'Refund', tags: ['eu', 'late payment'] });
    expect(event.brand).toBeUndefined();
  });

  it('a Jira issue: project key as brand, issue type, labels', () => {
    const event = eventOf(
      'jira',
      jira({ summary: 'x', project: { key: 'SEC' }, issuetype: { name: 'Incident' }, labels: ['breach'] }),
    );
    expect(event).toMatchObject({ brand: 'SEC', ticketType: 'Incident', tags: ['breach'] });
  });

  it('a generic body: the optional fields, blanks dropped', () => {
    const event = eventOf('generic', generic({ brand: 'acme', group: ' ', ticketType: 'how-to', tags: 'a,b' }));
    expect(event).toMatchObject({ brand: 'acme', ticketType: 'how-to', tags: ['a', 'b'] });
    expect(event.group).toBeUndefined();
    expect(eventOf('generic', generic({})).tags).toBeUndefined();
  });
});
