import { randomUUID } from 'node:crypto';
import type { Source } from '@ticket-rooms/core';
import {
  basicAuthHeader,
  FRESHDESK_AUTOMATION_BODY_TEMPLATE,
  renderTemplate,
  signJira,
  signStandardWebhook,
  signZendesk,
} from '@ticket-rooms/helpdesk';

export interface Delivery {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryInput {
  ticketId: string;
  subject: string;
  tenant?: string;
  secret: string;
  nowMs?: number;
}

/**
 * A delivery shaped and signed the way each vendor sends it (see reference/helpdesks.md), built
 * at test time with the helpdesk package's own signers.
 */
export function vendorDelivery(vendor: Source, input: DeliveryInput): Delivery {
  const now = input.nowMs ?? Date.now();
  switch (vendor) {
    case 'zendesk': {
      const account = input.tenant ?? '22129848';
      const body = JSON.stringify({
        account_id: Number(account),
        detail: { id: input.ticketId, subject: input.subject, priority: 'HIGH', requester_id: '8447388090494' },
        event: {},
        id: randomUUID(),
        subject: `zen:ticket:${input.ticketId}`,
        time: new Date(now).toISOString(),
        type: 'zen:event-type:ticket.created',
        zendesk_event_version: '2022-11-06',
      });
      const ts = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        path: '/webhooks/zendesk',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Zendesk Webhook',
          'x-zendesk-account-id': account,
          'x-zendesk-webhook-id': '01F1KRFQ6BG29CNWFR60NK5FNY',
          'x-zendesk-webhook-invocation-id': String(Math.floor(Math.random() * 1e10)),
          'x-zendesk-webhook-signature-timestamp': ts,
          'x-zendesk-webhook-signature': signZendesk(body, ts, input.secret),
        },
      };
    }
    case 'freshdesk': {
      const domain = input.tenant ?? 'acme.freshdesk.com';
      const body = renderTemplate(FRESHDESK_AUTOMATION_BODY_TEMPLATE, {
        'ticket.id': input.ticketId,
        'ticket.url': `https://${domain}/helpdesk/tickets/${input.ticketId}`,
        'ticket.priority': 'High',
        'ticket.requester.email': 'requester-bob@example.com',
        'ticket.subject': input.subject,
      });
      return {
        path: '/webhooks/freshdesk',
        body,
        headers: { 'content-type': 'application/json', authorization: basicAuthHeader('freshdesk', input.secret) },
      };
    }
    case 'jira': {
      const site = input.tenant ?? 'acme.atlassian.net';
      const body = JSON.stringify({
        timestamp: now,
        webhookEvent: 'jira:issue_created',
        issue_event_type_name: 'issue_created',
        user: { accountId: '5c19', displayName: 'Reporter', active: true },
        issue: {
          id: '10000',
          key: input.ticketId,
          self: `https://${site}/rest/api/2/issue/10000`,
          fields: {
            summary: input.subject,
            priority: { id: '3', name: 'Medium' },
            project: { id: '10001', key: 'SD', name: 'Service Desk', projectTypeKey: 'service_desk' },
          },
        },
      });
      return {
        path: '/webhooks/jira',
        body,
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'user-agent': 'Atlassian Webhook HTTP Client',
          'x-atlassian-webhook-flow': 'Primary',
          'x-atlassian-webhook-identifier': String(Math.floor(Math.random() * 1e17)),
          'x-hub-signature': signJira(body, input.secret),
        },
      };
    }
    case 'generic': {
      const body = JSON.stringify({
        ticketId: input.ticketId,
        subject: input.subject,
        ...(input.tenant ? { tenant: input.tenant } : {}),
      });
      const id = `msg_${randomUUID()}`;
      const ts = Math.floor(now / 1000);
      return {
        path: '/webhooks/generic',
        body,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': signStandardWebhook(id, ts, body, input.secret),
        },
      };
    }
  }
}
