import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  FRESHDESK_AUTOMATION_BODY_TEMPLATE,
  FRESHDESK_UPDATE_BODY_TEMPLATE,
  renderTemplate,
  ZENDESK_TEST_SECRET,
  ZENDESK_TRIGGER_BODY_TEMPLATE,
  ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE,
} from '@ticket-rooms/helpdesk';
import { jiraSignature, standardWebhookSignature, zendeskSignature } from './sign';

export type SenderVendor = 'zendesk' | 'freshdesk' | 'jira' | 'generic';
export const SENDER_VENDORS: readonly SenderVendor[] = ['zendesk', 'freshdesk', 'jira', 'generic'];

/** What happened to the ticket: its creation, or one of its later changes (`attachment`: a file was added). */
export type SenderKind = 'created' | 'status' | 'subject' | 'deleted' | 'attachment';
export const SENDER_KINDS: readonly SenderKind[] = ['created', 'status', 'subject', 'deleted', 'attachment'];

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
  /** The ticket's creation (default) or one of its later changes, as the vendor reports it. */
  kind?: SenderKind;
  /**
   * The ticket's status after the change, in our vocabulary (`solved`) or the vendor's own word;
   * default `solved` for `kind: 'status'`, else `open`.
   */
  status?: string;
  /** The status before the change, where the vendor reports it (Zendesk, Jira, Freshdesk); default `open`. */
  previousStatus?: string;
  /** When the change happened (ISO 8601); default one second before `nowMs`. */
  occurredAt?: string;
  /** `kind: 'attachment'`: the added file's name and size, where the vendor's body names them. */
  attachment?: { id?: string; name: string; size: number };
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
  const kind = opts.kind ?? 'created';
  let built: Built;
  if (kind === 'created') {
    built =
      vendor === 'zendesk'
        ? zendesk(opts, nowMs)
        : vendor === 'jira'
          ? jira(opts, nowMs)
          : vendor === 'freshdesk'
            ? freshdesk(opts)
            : generic(opts, nowMs);
  } else {
    const change: Change = {
      kind,
      status: opts.status ?? (kind === 'status' ? 'solved' : 'open'),
      previousStatus: opts.previousStatus ?? 'open',
      atMs: opts.occurredAt === undefined ? nowMs - 1_000 : Date.parse(opts.occurredAt),
    };
    if (Number.isNaN(change.atMs)) throw new TypeError('occurredAt must be an ISO 8601 date-time.');
    built =
      vendor === 'zendesk'
        ? zendeskUpdate(opts, change, nowMs)
        : vendor === 'jira'
          ? jiraUpdate(opts, change)
          : vendor === 'freshdesk'
            ? freshdeskUpdate(opts, change)
            : genericUpdate(opts, change, nowMs);
  }
  return { vendor, path: opts.path ?? `/webhooks/${vendor}`, ...built };
}

interface Change {
  kind: Exclude<SenderKind, 'created'>;
  /** The new status in our vocabulary or the vendor's own word. */
  status: string;
  previousStatus: string;
  atMs: number;
}

type Built = Omit<Delivery, 'vendor' | 'path'>;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function zendesk(opts: BuildDeliveryOptions, nowMs: number): Built {
  const account = opts.tenant ?? '22129848';
  const invocationId = zendeskInvocationId(opts);
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
  return { headers: zendeskHeaders(opts, account, invocationId, body, nowMs), body };
}

/** The headers Zendesk adds to every webhook request, signed over the signature time and the body. */
function zendeskHeaders(
  opts: BuildDeliveryOptions,
  account: string,
  invocationId: string,
  body: string,
  nowMs: number,
): Record<string, string> {
  const timestamp = isoSeconds(nowMs);
  return {
    'content-type': 'application/json',
    'user-agent': 'Zendesk Webhook',
    'x-zendesk-account-id': account,
    'x-zendesk-webhook-id': '01F1KRFQ6BG29CNWFR60NK5FNY',
    'x-zendesk-webhook-invocation-id': invocationId,
    'x-zendesk-webhook-signature': zendeskSignature(body, timestamp, opts.secret ?? ZENDESK_TEST_SECRET),
    'x-zendesk-webhook-signature-timestamp': timestamp,
  };
}

/** Retries of one invocation keep its id; a given delivery id always gives the same invocation id. */
function zendeskInvocationId(opts: BuildDeliveryOptions): string {
  if (opts.deliveryId === undefined) return String(8_000_000_000 + randomInt(1_000_000_000));
  if (opts.variant === 'trigger') return opts.deliveryId;
  return String(
    8_000_000_000 + (createHash('sha256').update(opts.deliveryId).digest().readUInt32BE(0) % 1_000_000_000),
  );
}

/** The agent whose action a Jira delivery reports, as Jira describes a user. */
function jiraAgent(site: string) {
  return {
    self: `https://${site}/rest/api/2/user?accountId=5c19d1e6a4b2c50e4b1f2a33`,
    accountId: '5c19d1e6a4b2c50e4b1f2a33',
    displayName: 'Ada Agent',
    active: true,
    timeZone: 'Etc/UTC',
    accountType: 'atlassian',
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
    user: jiraAgent(site),
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
  return { headers: jiraHeaders(opts, body), body };
}

/** Jira's webhook headers: the identifier (the same on retries), the retry count, the signature with a secret. */
function jiraHeaders(opts: BuildDeliveryOptions, body: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=UTF-8',
    'user-agent': 'Atlassian Webhook HTTP Client',
    'x-atlassian-webhook-flow': 'Primary',
    'x-atlassian-webhook-identifier': opts.deliveryId ?? String(BigInt(`0x${randomBytes(7).toString('hex')}`)),
  };
  if (opts.attempt !== undefined && opts.attempt > 0) headers['x-atlassian-webhook-retry'] = String(opts.attempt);
  // Jira signs only when the webhook was given a secret.
  if (opts.secret) headers['x-hub-signature'] = jiraSignature(body, opts.secret);
  return headers;
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
  return { headers: freshdeskHeaders(opts), body };
}

/** Freshdesk signs nothing: the rule presents the token as a custom header or the basic-auth password. */
function freshdeskHeaders(opts: BuildDeliveryOptions): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token && opts.freshdeskAuth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`freshdesk:${opts.token}`).toString('base64')}`;
  } else if (opts.token) {
    headers['x-ticket-rooms-token'] = opts.token;
  }
  return headers;
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
  return { headers: genericHeaders(opts, body, nowMs), body };
}

/** Standard Webhooks headers with a secret, else the shared token. */
function genericHeaders(opts: BuildDeliveryOptions, body: string, nowMs: number): Record<string, string> {
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
  return headers;
}

// A ticket's later changes, each in the shape its vendor sends (see the helpdesk package's
// fixtures and payload modules for where each shape comes from).

/** Our statuses in Zendesk's words: upper case in event webhooks, `HOLD` for on-hold. */
const ZENDESK_WORDS: Record<string, string> = {
  new: 'NEW',
  open: 'OPEN',
  pending: 'PENDING',
  'on-hold': 'HOLD',
  solved: 'SOLVED',
  closed: 'CLOSED',
};
// Zendesk's event webhooks spell every status in upper case, its own words included.
const zendeskWord = (status: string) => ZENDESK_WORDS[status.toLowerCase()] ?? status.toUpperCase();

function zendeskUpdate(opts: BuildDeliveryOptions, change: Change, nowMs: number): Built {
  const account = opts.tenant ?? '22129848';
  const invocationId = zendeskInvocationId(opts);
  // Deletions fire no trigger; they only come as events.
  if (opts.variant === 'trigger' && change.kind !== 'deleted') {
    const event =
      change.kind === 'status'
        ? 'ticket.status_changed'
        : change.kind === 'attachment'
          ? 'ticket.attachment_added'
          : 'ticket.subject_changed';
    const body = renderTemplate(
      ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE.replace('"event": "ticket.updated"', `"event": ${JSON.stringify(event)}`),
      {
        'ticket.id': opts.ticketId,
        'ticket.status': zendeskWord(change.status).toLowerCase(),
        'ticket.updated_at_with_timestamp': isoSeconds(change.atMs),
        'ticket.title': opts.subject,
      },
      { jsonEscape: opts.jsonEscape ?? true },
    );
    return { headers: zendeskHeaders(opts, account, invocationId, body, nowMs), body };
  }
  const type =
    change.kind === 'status'
      ? 'zen:event-type:ticket.status_changed'
      : change.kind === 'subject'
        ? 'zen:event-type:ticket.subject_changed'
        : change.kind === 'attachment'
          ? 'zen:event-type:ticket.attachment_linked_to_comment'
          : 'zen:event-type:ticket.soft_deleted';
  const status = change.kind === 'deleted' ? 'DELETED' : zendeskWord(change.status);
  const at = new Date(change.atMs).toISOString();
  const body = JSON.stringify({
    account_id: /^\d+$/.test(account) ? Number(account) : account,
    detail: {
      actor_id: '8447388090494',
      assignee_id: null,
      brand_id: '8447346621310',
      created_at: isoSeconds(change.atMs - 3_600_000),
      description: opts.subject,
      external_id: null,
      group_id: null,
      id: opts.ticketId,
      is_public: true,
      organization_id: null,
      priority: opts.priority?.toUpperCase() ?? null,
      requester_id: '8447388090494',
      status,
      subject: opts.subject,
      submitter_id: '8447388090494',
      tags: [],
      type: null,
      updated_at: isoSeconds(change.atMs),
      via: { channel: 'web_service' },
    },
    event:
      change.kind === 'status'
        ? { current: status, previous: zendeskWord(change.previousStatus) }
        : change.kind === 'subject'
          ? { current: opts.subject, previous: `Ticket ${opts.ticketId}` }
          : change.kind === 'attachment'
            ? { attachment: attachmentOf(opts) }
            : {},
    id: opts.deliveryId ?? randomUUID(),
    subject: `zen:ticket:${opts.ticketId}`,
    time: at,
    type,
    zendesk_event_version: '2022-11-06',
  });
  return { headers: zendeskHeaders(opts, account, invocationId, body, nowMs), body };
}

/** The added file as the vendors' bodies name it (the receiver reads none of it: the worker lists the files). */
function attachmentOf(opts: BuildDeliveryOptions): { id: string; file_name: string; size: number } {
  const file = opts.attachment ?? { name: 'attachment.bin', size: 1 };
  const id = file.id ?? String(10_000 + (createHash('sha256').update(file.name).digest().readUInt32BE(0) % 90_000));
  return { id, file_name: file.name, size: file.size };
}

/** Our statuses as a JSM workflow's statuses: a name, an id, and the category Jira files it under. */
const JIRA_WORKFLOW: Record<string, { name: string; id: string; category: string }> = {
  new: { name: 'Waiting for support', id: '10002', category: 'new' },
  open: { name: 'In Progress', id: '3', category: 'indeterminate' },
  pending: { name: 'Waiting for customer', id: '10003', category: 'indeterminate' },
  'on-hold': { name: 'Pending', id: '10004', category: 'indeterminate' },
  solved: { name: 'Resolved', id: '10005', category: 'done' },
  closed: { name: 'Closed', id: '6', category: 'done' },
};

/** A JSM workflow status: its name, id and the category Jira files it under. */
export type JiraWorkflowStatus = { name: string; id: string; category: string };

/** The statuses of the simulated JSM workflow, in order. */
export const JIRA_WORKFLOW_STATUSES: readonly JiraWorkflowStatus[] = Object.values(JIRA_WORKFLOW);

/**
 * A status in Jira's terms, from our vocabulary or a workflow status name; any other word becomes
 * a status of that name.
 */
export function jiraStatusOf(status: string): JiraWorkflowStatus {
  const key = status.toLowerCase();
  return (
    JIRA_WORKFLOW[key] ??
    JIRA_WORKFLOW_STATUSES.find((s) => s.name.toLowerCase() === key) ?? {
      name: status,
      id: '10099',
      category: 'indeterminate',
    }
  );
}

function jiraUpdate(opts: BuildDeliveryOptions, change: Change): Built {
  const site = opts.tenant ?? 'example.atlassian.net';
  const key = jiraKey(opts.ticketId);
  const issueId = String(10_000 + (Number(/\d+$/.exec(key)?.[0] ?? 0) % 1_000_000));
  const to = jiraStatusOf(change.status);
  const from = jiraStatusOf(change.previousStatus);
  const items =
    change.kind === 'status'
      ? [
          {
            field: 'status',
            fieldtype: 'jira',
            fieldId: 'status',
            from: from.id,
            fromString: from.name,
            to: to.id,
            toString: to.name,
          },
        ]
      : change.kind === 'subject'
        ? [
            {
              field: 'summary',
              fieldtype: 'jira',
              fieldId: 'summary',
              from: null,
              fromString: `Issue ${key}`,
              to: null,
              toString: opts.subject,
            },
          ]
        : change.kind === 'attachment'
          ? [
              {
                field: 'Attachment',
                fieldtype: 'jira',
                fieldId: 'attachment',
                from: null,
                fromString: null,
                to: attachmentOf(opts).id,
                toString: attachmentOf(opts).file_name,
              },
            ]
          : [];
  const webhookEvent = change.kind === 'deleted' ? 'jira:issue_deleted' : 'jira:issue_updated';
  const body = JSON.stringify({
    timestamp: change.atMs,
    webhookEvent,
    issue_event_type_name:
      change.kind === 'deleted' ? 'issue_deleted' : change.kind === 'status' ? 'issue_generic' : 'issue_updated',
    user: jiraAgent(site),
    issue: {
      id: issueId,
      self: `https://${site}/rest/api/2/issue/${issueId}`,
      key,
      fields: {
        summary: opts.subject,
        priority: { name: opts.priority ?? 'Medium', id: '3' },
        project: { id: '10001', key: key.split('-')[0], name: 'Service Desk', projectTypeKey: 'service_desk' },
        issuetype: { id: '10003', name: 'Service Request' },
        status: {
          self: `https://${site}/rest/api/2/status/${to.id}`,
          name: to.name,
          id: to.id,
          statusCategory: { key: to.category },
        },
      },
    },
    ...(change.kind === 'deleted' ? {} : { changelog: { id: String(10_000 + (change.atMs % 100_000)), items } }),
  });
  return { headers: jiraHeaders(opts, body), body };
}

/** Our statuses as Freshdesk labels; a word Freshdesk does not have is a custom status of that name. */
const FRESHDESK_LABELS: Record<string, string> = {
  open: 'Open',
  pending: 'Pending',
  solved: 'Resolved',
  closed: 'Closed',
};
const freshdeskLabel = (status: string) => FRESHDESK_LABELS[status.toLowerCase()] ?? status;

function freshdeskUpdate(opts: BuildDeliveryOptions, change: Change): Built {
  const host = opts.tenant ?? 'example.freshdesk.com';
  const event =
    change.kind === 'status'
      ? 'ticket.updated'
      : change.kind === 'subject'
        ? 'ticket.subject_changed'
        : change.kind === 'attachment'
          ? 'ticket.attachment_added'
          : 'ticket.deleted';
  const status = freshdeskLabel(change.status);
  const body = renderTemplate(
    FRESHDESK_UPDATE_BODY_TEMPLATE.replace('"event": "ticket.updated"', `"event": ${JSON.stringify(event)}`),
    {
      'ticket.id': opts.ticketId,
      'ticket.url': `https://${host}/helpdesk/tickets/${opts.ticketId}`,
      triggered_event:
        change.kind === 'status' ? `{status:{from:${freshdeskLabel(change.previousStatus)},to:${status}}}` : '',
      'ticket.status': status,
      'ticket.updated_at': isoSeconds(change.atMs),
      'ticket.subject': opts.subject,
    },
    { jsonEscape: opts.jsonEscape ?? true },
  );
  return { headers: freshdeskHeaders(opts), body };
}

function genericUpdate(opts: BuildDeliveryOptions, change: Change, nowMs: number): Built {
  const event =
    change.kind === 'status'
      ? 'ticket.status_changed'
      : change.kind === 'subject'
        ? 'ticket.subject_changed'
        : change.kind === 'attachment'
          ? 'ticket.attachment_added'
          : 'ticket.deleted';
  const body = JSON.stringify({
    event,
    ticketId: opts.ticketId,
    subject: opts.subject,
    ...(change.kind === 'status' ? { status: change.status } : {}),
    occurredAt: new Date(change.atMs).toISOString(),
    ...(opts.tenant ? { tenant: opts.tenant } : {}),
    // Unsigned, the id travels in the body.
    ...(opts.deliveryId && !opts.secret ? { eventId: opts.deliveryId } : {}),
  });
  return { headers: genericHeaders(opts, body, nowMs), body };
}
