import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  FRESHDESK_AUTOMATION_BODY_TEMPLATE,
  renderTemplate,
  ZENDESK_TEST_SECRET,
  ZENDESK_TRIGGER_BODY_TEMPLATE,
} from '@ticket-rooms/helpdesk';
import { jiraSignature, standardWebhookSignature, zendeskSignature } from './sign';

export type SenderVendor = 'zendesk' | 'freshdesk' | 'jira' | 'generic';
export const SENDER_VENDORS: readonly SenderVendor[] = ['zendesk', 'freshdesk', 'jira', 'generic'];

export interface BuildDeliveryOptions {
  ticketId: string;
  subject: string;
  /** Zendesk account id (default `22129848`), Jira site host, Freshdesk host, or the generic `tenant`. */
  tenant?: string;
  /** Signing secret: Zendesk (default: Zendesk's documented test secret), Jira (none: unsigned), generic `whsec_…`. */
  secret?: string;
  /** Shared token: Freshdesk and generic. */
  token?: string;
  /** The sender's clock, for signature timestamps; default now. */
  nowMs?: number;
  /** Zendesk: an event-subscribed webhook (default) or a trigger with our documented body. */
  variant?: 'event' | 'trigger';
  /** Keep the same id to replay a retry of one delivery (Zendesk event id, Jira identifier, webhook-id). */
  deliveryId?: string;
  /** Jira's `X-Atlassian-Webhook-Retry` counter: absent on the first attempt. */
  attempt?: number;
  /** Something other than ticket creation, e.g. `zen:event-type:ticket.comment_added` or `jira:issue_updated`. */
  eventType?: string;
  priority?: string;
  requesterEmail?: string;
  /** Template vendors: whether placeholder values are JSON-escaped (undocumented; default yes). */
  jsonEscape?: boolean;
  /** Freshdesk: the token as the `x-ticket-rooms-token` header (default) or the basic-auth password. */
  freshdeskAuth?: 'header' | 'basic';
  /** Overrides the receiver path, e.g. `/helpdesk/ticket-created`. */
  path?: string;
}

export interface Delivery {
  vendor: SenderVendor;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Builds one webhook delivery exactly as the vendor sends it: headers, body bytes and signature. */
export function buildDelivery(vendor: SenderVendor, opts: BuildDeliveryOptions): Delivery {
  const nowMs = opts.nowMs ?? Date.now();
  const built =
    vendor === 'zendesk'
      ? zendesk(opts, nowMs)
      : vendor === 'jira'
        ? jira(opts, nowMs)
        : vendor === 'freshdesk'
          ? freshdesk(opts)
          : generic(opts, nowMs);
  return { vendor, path: opts.path ?? `/webhooks/${vendor}`, ...built };
}

type Built = Omit<Delivery, 'vendor' | 'path'>;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function zendesk(opts: BuildDeliveryOptions, nowMs: number): Built {
  const account = opts.tenant ?? '22129848';
  // Retries of one invocation keep its id; the event id (event webhooks) is `deliveryId` too.
  const invocationId =
    opts.deliveryId === undefined
      ? String(8_000_000_000 + randomInt(1_000_000_000))
      : opts.variant === 'trigger'
        ? opts.deliveryId
        : String(
            8_000_000_000 + (createHash('sha256').update(opts.deliveryId).digest().readUInt32BE(0) % 1_000_000_000),
          );
  let body: string;
  if (opts.variant === 'trigger') {
    body = renderTemplate(
      ZENDESK_TRIGGER_BODY_TEMPLATE,
      {
        'ticket.id': opts.ticketId,
        'ticket.title': opts.subject,
        'ticket.priority': opts.priority ?? 'Normal',
        'ticket.requester.email': opts.requesterEmail ?? 'customer@example.com',
        'ticket.link': `https://example.zendesk.com/agent/tickets/${opts.ticketId}`,
      },
      { jsonEscape: opts.jsonEscape ?? true },
    );
    if (opts.eventType) body = body.replace('"event": "ticket.created"', `"event": ${JSON.stringify(opts.eventType)}`);
  } else {
    const at = isoSeconds(nowMs - 1_000);
    body = JSON.stringify({
      account_id: /^\d+$/.test(account) ? Number(account) : account,
      detail: {
        actor_id: '8447388090494',
        assignee_id: null,
        brand_id: '8447346621310',
        created_at: at,
        description: opts.subject,
        external_id: null,
        group_id: null,
        id: opts.ticketId,
        is_public: true,
        organization_id: null,
        priority: opts.priority?.toUpperCase() ?? null,
        requester_id: '8447388090494',
        status: 'NEW',
        subject: opts.subject,
        submitter_id: '8447388090494',
        tags: [],
        type: null,
        updated_at: at,
        via: { channel: 'web_service' },
      },
      event: {},
      id: opts.deliveryId ?? randomUUID(),
      subject: `zen:ticket:${opts.ticketId}`,
      time: new Date(nowMs - 1_000).toISOString(),
      type: opts.eventType ?? 'zen:event-type:ticket.created',
      zendesk_event_version: '2022-11-06',
    });
  }
  const timestamp = isoSeconds(nowMs);
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Zendesk Webhook',
      'x-zendesk-account-id': account,
      'x-zendesk-webhook-id': '01F1KRFQ6BG29CNWFR60NK5FNY',
      'x-zendesk-webhook-invocation-id': invocationId,
      'x-zendesk-webhook-signature': zendeskSignature(body, timestamp, opts.secret ?? ZENDESK_TEST_SECRET),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    },
    body,
  };
}

/** A bare number N becomes the key `SD-N`, since Jira tickets are issue keys. */
export function jiraKey(ticketId: string): string {
  return /^\d+$/.test(ticketId) ? `SD-${ticketId}` : ticketId;
}

function jira(opts: BuildDeliveryOptions, nowMs: number): Built {
  const site = opts.tenant ?? 'example.atlassian.net';
  const key = jiraKey(opts.ticketId);
  const issueId = String(10_000 + (Number(/\d+$/.exec(key)?.[0] ?? 0) % 1_000_000));
  const body = JSON.stringify({
    timestamp: nowMs,
    webhookEvent: opts.eventType ?? 'jira:issue_created',
    issue_event_type_name: 'issue_created',
    user: {
      self: `https://${site}/rest/api/2/user?accountId=5c19d1e6a4b2c50e4b1f2a33`,
      accountId: '5c19d1e6a4b2c50e4b1f2a33',
      displayName: 'Ada Agent',
      active: true,
      timeZone: 'Etc/UTC',
      accountType: 'atlassian',
    },
    issue: {
      id: issueId,
      self: `https://${site}/rest/api/2/issue/${issueId}`,
      key,
      fields: {
        summary: opts.subject,
        created: new Date(nowMs).toISOString().replace('Z', '+0000'),
        priority: { name: opts.priority ?? 'Medium', id: '3' },
        reporter: { accountId: 'qm:5c19d1e6', displayName: 'Carl Customer', active: true, accountType: 'customer' },
        project: { id: '10001', key: key.split('-')[0], name: 'Service Desk', projectTypeKey: 'service_desk' },
        issuetype: { id: '10003', name: 'Service Request' },
        status: { name: 'Waiting for support' },
        description: null,
      },
    },
    changelog: { id: '10000', items: [] },
  });
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=UTF-8',
    'user-agent': 'Atlassian Webhook HTTP Client',
    'x-atlassian-webhook-flow': 'Primary',
    'x-atlassian-webhook-identifier': opts.deliveryId ?? String(BigInt(`0x${randomBytes(7).toString('hex')}`)),
  };
  if (opts.attempt !== undefined && opts.attempt > 0) headers['x-atlassian-webhook-retry'] = String(opts.attempt);
  // Jira signs only when the webhook was given a secret.
  if (opts.secret) headers['x-hub-signature'] = jiraSignature(body, opts.secret);
  return { headers, body };
}

function freshdesk(opts: BuildDeliveryOptions): Built {
  const host = opts.tenant ?? 'example.freshdesk.com';
  let body = renderTemplate(
    FRESHDESK_AUTOMATION_BODY_TEMPLATE,
    {
      'ticket.id': opts.ticketId,
      'ticket.url': `https://${host}/helpdesk/tickets/${opts.ticketId}`,
      'ticket.priority': opts.priority ?? 'Medium',
      'ticket.requester.email': opts.requesterEmail ?? 'customer@example.com',
      'ticket.subject': opts.subject,
    },
    { jsonEscape: opts.jsonEscape ?? true },
  );
  if (opts.eventType) body = body.replace('"event": "ticket.created"', `"event": ${JSON.stringify(opts.eventType)}`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token && opts.freshdeskAuth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`freshdesk:${opts.token}`).toString('base64')}`;
  } else if (opts.token) {
    headers['x-ticket-rooms-token'] = opts.token;
  }
  return { headers, body };
}

function generic(opts: BuildDeliveryOptions, nowMs: number): Built {
  const body = JSON.stringify({
    ticketId: opts.ticketId,
    subject: opts.subject,
    ...(opts.tenant ? { tenant: opts.tenant } : {}),
    ...(opts.priority ? { priority: opts.priority } : {}),
    ...(opts.requesterEmail ? { requester: opts.requesterEmail } : {}),
    ...(opts.eventType ? { event: opts.eventType } : {}),
  });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.secret) {
    const id = opts.deliveryId ?? `msg_${randomBytes(12).toString('base64url')}`;
    const ts = Math.floor(nowMs / 1000);
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = String(ts);
    headers['webhook-signature'] = standardWebhookSignature(id, ts, body, opts.secret);
  } else if (opts.token) {
    headers['x-ticket-rooms-token'] = opts.token;
  }
  return { headers, body };
}
