import type { TrackedField } from '@ticket-rooms/core';
import { parseBasicAuth, safeEqualsAny } from '@ticket-rooms/core';
import { header } from '../inbound/headers';
import { bodyText, isJsonObject, parseJsonText, parsePayload } from '../inbound/json-body';
import {
  derivedDeliveryId,
  type FieldNames,
  finishEvent,
  hostOf,
  isoTime,
  normalizeStatus,
} from '../inbound/normalize';
import { ignored, isRejection, reject } from '../inbound/outcome';
import { templateReader } from '../inbound/template';
import { type InboundConfig, type InboundOutcome, type InboundRequest, TOKEN_HEADER } from '../inbound/types';
import {
  FRESHDESK_AUTOMATION_BODY_TEMPLATE,
  FRESHDESK_EVENTS,
  FRESHDESK_STATUSES,
  FRESHDESK_UPDATE_BODY_TEMPLATE,
  FreshdeskAutomationBody,
  type FreshdeskAutomationBody as FreshdeskBody,
  type FreshdeskEvent,
  fromWrappedLayout,
} from './payload';

/** The creation body, and the update body with each `event` a rule may set, read by position. */
const automationReaders = [
  templateReader(FRESHDESK_AUTOMATION_BODY_TEMPLATE),
  ...Object.keys(FRESHDESK_EVENTS)
    .filter((event) => event !== 'ticket.created')
    .map((event) =>
      templateReader(
        FRESHDESK_UPDATE_BODY_TEMPLATE.replace('"event": "ticket.updated"', `"event": ${JSON.stringify(event)}`),
      ),
    ),
];

function readTemplate(body: string) {
  for (const reader of automationReaders) {
    const values = reader.read(body);
    if (values) return values;
  }
  return undefined;
}

/**
 * What `{{triggered_event}}` says fired the rule: `{ticket_action:created}`, or the changed
 * property with its old and new value, `{status:{from:Open,to:Resolved}}`. `undefined` when it
 * is absent or not in that form (an unrendered placeholder, a format Freshdesk changed).
 */
type Triggered = { action: string } | { property: string; to?: string };

function readTriggeredEvent(raw: string | undefined): Triggered | undefined {
  const text = raw?.trim();
  if (!text || text.includes('{{')) return undefined;
  const action = /^\{\s*ticket_action\s*:\s*([^{}]*?)\s*\}$/i.exec(text);
  if (action) return { action: (action[1] as string).toLowerCase() };
  const change = /^\{\s*([A-Za-z0-9_ ]+?)\s*:\s*\{\s*from\s*:(.*?),\s*to\s*:(.*?)\}\s*\}$/i.exec(text);
  if (change) return { property: (change[1] as string).toLowerCase(), to: (change[3] as string).trim() };
  return undefined;
}

/** Which event a body is: its `event`, else (older layouts) what `triggered_event` says. */
function eventOf(parsed: FreshdeskBody): FreshdeskEvent | { ignored: string } {
  const event = parsed.event?.trim();
  if (event) {
    return Object.hasOwn(FRESHDESK_EVENTS, event)
      ? (event as FreshdeskEvent)
      : {
          ignored: `Freshdesk event ${event.slice(0, 100)} is not one of ${Object.keys(FRESHDESK_EVENTS).join(', ')}.`,
        };
  }
  const triggered = readTriggeredEvent(parsed.triggered_event);
  if (triggered === undefined || ('action' in triggered && triggered.action === 'created')) return 'ticket.created';
  if ('action' in triggered && triggered.action === 'deleted') return 'ticket.deleted';
  return 'ticket.updated';
}

/**
 * A Freshdesk automation-rule delivery. Freshdesk signs nothing, so authenticity is a shared
 * token: the `x-ticket-rooms-token` header or the basic-auth password.
 */
export function parseFreshdeskDelivery(req: InboundRequest, config: InboundConfig['freshdesk']): InboundOutcome {
  // 1. Only with a token.
  const tokens = (config?.tokens ?? []).filter((t) => t !== '');
  if (tokens.length === 0) {
    return reject(
      'SOURCE_NOT_CONFIGURED',
      'Freshdesk deliveries are not accepted because FRESHDESK_WEBHOOK_TOKEN is not set; set it and use it as the rule password or x-ticket-rooms-token header.',
    );
  }

  // 2. The token, from the header or basic auth.
  const presented = header(req, TOKEN_HEADER) ?? parseBasicAuth(header(req, 'authorization'))?.password;
  if (presented === undefined || presented === '') {
    return reject(
      'CREDENTIAL_MISSING',
      `The ${TOKEN_HEADER} header and basic-auth credentials are both missing; Freshdesk deliveries need one of them.`,
    );
  }
  if (!safeEqualsAny(presented, tokens)) {
    return reject(
      'CREDENTIAL_INVALID',
      'The Freshdesk delivery token does not match any configured FRESHDESK_WEBHOOK_TOKEN.',
    );
  }

  // 3. The body: our template read by position, else JSON (edited templates, the wrapped layout).
  const text = bodyText(req.rawBody);
  let source = readTemplate(text);
  if (source === undefined) {
    const body = parseJsonText(text);
    if (isRejection(body)) return body;
    source = isJsonObject(body.freshdesk_webhook) ? fromWrappedLayout(body.freshdesk_webhook) : body;
  }
  const parsed = parsePayload(FreshdeskAutomationBody, source);
  if (isRejection(parsed)) return parsed;
  const event = eventOf(parsed);
  if (typeof event !== 'string') return ignored(event.ignored);
  const tenant = parsed.tenant?.trim() || hostOf(parsed.ticket_url);
  if (!tenant)
    return reject('PAYLOAD_INVALID', 'The field ticket_url is missing or not a URL, and no tenant field was sent.');
  if (event === 'ticket.attachment_added') return fromAttachmentBody(parsed, tenant, req.nowMs);
  if (event !== 'ticket.created') return fromUpdateBody(parsed, event, tenant);
  return freshdeskCreatedEvent(parsed, tenant);
}

/**
 * A parsed creation body as the core event: the one field mapping that the automation rule and the
 * backfill (which reads the Tickets API into this body) share.
 */
export function freshdeskCreatedEvent(parsed: FreshdeskAutomationBody, tenant: string): InboundOutcome {
  const requester = {
    ...(parsed.requester_email ? { email: parsed.requester_email } : {}),
    ...(parsed.requester_name ? { name: parsed.requester_name } : {}),
  };
  return finishEvent(
    {
      source: 'freshdesk',
      tenant,
      ticketId: parsed.ticket_id,
      subject: parsed.subject ?? '',
      ...(parsed.priority === undefined ? {} : { priority: parsed.priority }),
      ...(Object.keys(requester).length > 0 ? { requester } : {}),
      ...(parsed.ticket_url === undefined ? {} : { ticketUrl: parsed.ticket_url }),
      group: parsed.group,
      ticketType: parsed.ticket_type,
      tags: parsed.tags,
      // Freshdesk sends no delivery id; one per ticket creation is stable across its retries.
      deliveryId: derivedDeliveryId('freshdesk', tenant, parsed.ticket_id, 'created'),
    },
    { ticketId: 'ticket_id', tenant: 'tenant', subject: 'subject' },
  );
}

/**
 * A rule on ticket updates. The body carries the ticket as it is now, so what it records is right
 * whatever fired the rule; `triggered_event` (or `event`) only narrows which fields it records.
 */
function fromUpdateBody(
  parsed: FreshdeskBody,
  event: Exclude<FreshdeskEvent, 'ticket.created' | 'ticket.attachment_added'>,
  tenant: string,
) {
  const triggered = readTriggeredEvent(parsed.triggered_event);
  const subject = parsed.subject ?? '';
  let rawStatus = parsed.status?.trim() || undefined;
  let changed: TrackedField[];
  if (event === 'ticket.deleted') {
    rawStatus = 'deleted';
    changed = ['status'];
  } else if (event === 'ticket.status_changed') {
    changed = ['status'];
  } else if (event === 'ticket.subject_changed') {
    changed = ['subject'];
  } else if (triggered !== undefined && 'property' in triggered) {
    if (triggered.property === 'status') {
      changed = ['status'];
      rawStatus ??= triggered.to || undefined;
    } else if (triggered.property === 'subject') {
      changed = ['subject'];
    } else {
      return ignored(
        `Freshdesk rule fired on a ${triggered.property.slice(0, 50)} change, not a status or subject change.`,
      );
    }
  } else {
    // Nothing says what changed: record the status and subject the ticket has now.
    changed = subject.trim() === '' ? ['status'] : ['status', 'subject'];
  }
  const status = rawStatus === undefined ? undefined : normalizeStatus(FRESHDESK_STATUSES, rawStatus);
  const kind =
    event === 'ticket.deleted'
      ? 'ticket.deleted'
      : changed.includes('status')
        ? 'ticket.status_changed'
        : 'ticket.subject_changed';
  const updatedAt = parsed.updated_at?.trim() ?? '';
  const occurredAt = isoTime(updatedAt);
  const names: FieldNames = { ticketId: 'ticket_id', tenant: 'tenant', subject: 'subject', status: 'status' };
  return finishEvent(
    {
      kind,
      source: 'freshdesk',
      tenant,
      ticketId: parsed.ticket_id,
      subject,
      ...(status === undefined ? {} : { status }),
      changed,
      ...(occurredAt === undefined ? {} : { occurredAt }),
      ...(parsed.ticket_url === undefined ? {} : { ticketUrl: parsed.ticket_url }),
      // No delivery id from Freshdesk: a retry repeats the body, so the change's own values name it.
      deliveryId: derivedDeliveryId(
        'freshdesk',
        tenant,
        parsed.ticket_id,
        kind,
        updatedAt,
        parsed.triggered_event ?? '',
        status ?? '',
        changed.includes('subject') ? subject : '',
      ),
    },
    names,
  );
}

/**
 * A rule on a new note or reply. Only the ticket is read: its files are listed through the API.
 * Freshdesk sends no delivery id; without a rendered `updated_at` each delivery gets its own
 * (from the receiver's clock), which costs one more listing at most, never a second copy.
 */
function fromAttachmentBody(parsed: FreshdeskBody, tenant: string, nowMs: number) {
  const updatedAt = parsed.updated_at?.trim() ?? '';
  const occurredAt = isoTime(updatedAt);
  return finishEvent(
    {
      kind: 'ticket.attachment_added',
      source: 'freshdesk',
      tenant,
      ticketId: parsed.ticket_id,
      subject: parsed.subject ?? '',
      ...(occurredAt === undefined ? {} : { occurredAt }),
      ...(parsed.ticket_url === undefined ? {} : { ticketUrl: parsed.ticket_url }),
      deliveryId: derivedDeliveryId(
        'freshdesk',
        tenant,
        parsed.ticket_id,
        'ticket.attachment_added',
        occurredAt === undefined ? String(nowMs) : updatedAt,
        parsed.triggered_event ?? '',
      ),
    },
    { ticketId: 'ticket_id', tenant: 'tenant', subject: 'subject' },
  );
}
