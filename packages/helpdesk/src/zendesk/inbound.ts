import { header } from '../inbound/headers';
import { bodyText, isJsonObject, parseJsonText, parsePayload } from '../inbound/json-body';
import { derivedDeliveryId, type FieldNames, finishEvent, isoTime, normalizeStatus } from '../inbound/normalize';
import { ignored, isRejection, reject } from '../inbound/outcome';
import { templateReader } from '../inbound/template';
import { checkTimestampAge, parseIsoTimestamp } from '../inbound/timestamp';
import {
  DEFAULT_TOLERANCE_SECONDS,
  type InboundConfig,
  type InboundOutcome,
  type InboundRequest,
} from '../inbound/types';
import {
  isZendeskUpdateEvent,
  ZENDESK_ATTACHMENT_LINKED,
  ZENDESK_COMMENT_ADDED,
  ZENDESK_STATUSES,
  ZENDESK_TICKET_CREATED,
  ZENDESK_TRIGGER_BODY_TEMPLATE,
  ZENDESK_TRIGGER_EVENTS,
  ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE,
  ZENDESK_UPDATE_EVENTS,
  ZendeskCommentEvent,
  ZendeskTicketCreatedEvent,
  ZendeskTicketUpdateEvent,
  ZendeskTriggerBody,
  type ZendeskUpdateEventType,
} from './payload';
import { verifyZendeskSignature, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER } from './signature';

export const ZENDESK_ACCOUNT_HEADER = 'x-zendesk-account-id';
export const ZENDESK_INVOCATION_HEADER = 'x-zendesk-webhook-invocation-id';

/**
 * The creation body, and the update body with each `event` an operator may set: a body laid out
 * like one of them is read by position, so its free-text subject cannot break it.
 */
const triggerReaders = [
  templateReader(ZENDESK_TRIGGER_BODY_TEMPLATE),
  ...Object.keys(ZENDESK_TRIGGER_EVENTS)
    .filter((event) => event !== 'ticket.created')
    .map((event) =>
      templateReader(
        ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE.replace('"event": "ticket.updated"', `"event": ${JSON.stringify(event)}`),
      ),
    ),
];

function readTriggerTemplate(body: string) {
  for (const reader of triggerReaders) {
    const values = reader.read(body);
    if (values) return values;
  }
  return undefined;
}

/**
 * A Zendesk webhook delivery: an event-subscribed `ticket.created` body, or the trigger body of
 * `ZENDESK_TRIGGER_BODY_TEMPLATE`. Authenticity first (signature over timestamp + raw body), then
 * the JSON.
 */
export function parseZendeskDelivery(req: InboundRequest, config: InboundConfig['zendesk']): InboundOutcome {
  // 1. Only with a secret: an unsigned Zendesk route would accept anyone's tickets.
  const secrets = (config?.secrets ?? []).filter((s) => s !== '');
  if (secrets.length === 0) {
    return reject(
      'SOURCE_NOT_CONFIGURED',
      'Zendesk deliveries are not accepted because ZENDESK_WEBHOOK_SECRET is not set; set it to the webhook signing secret.',
    );
  }

  // 2. Cheap checks before any HMAC: both signature headers, a well-formed and fresh timestamp.
  const signature = header(req, ZENDESK_SIGNATURE_HEADER);
  if (signature === undefined) return reject('SIGNATURE_MISSING', `The ${ZENDESK_SIGNATURE_HEADER} header is missing.`);
  const timestamp = header(req, ZENDESK_TIMESTAMP_HEADER);
  if (timestamp === undefined) return reject('SIGNATURE_MISSING', `The ${ZENDESK_TIMESTAMP_HEADER} header is missing.`);
  const timestampMs = parseIsoTimestamp(timestamp);
  if (timestampMs === undefined) {
    return reject('TIMESTAMP_INVALID', `The ${ZENDESK_TIMESTAMP_HEADER} header is not an ISO 8601 date-time.`);
  }
  const tooOld = checkTimestampAge(
    timestampMs,
    req.nowMs,
    config?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
    ZENDESK_TIMESTAMP_HEADER,
  );
  if (tooOld) return tooOld;

  // 3. The signature, against every configured secret.
  if (!verifyZendeskSignature(req.rawBody, signature, timestamp, secrets)) {
    return reject(
      'SIGNATURE_INVALID',
      `The ${ZENDESK_SIGNATURE_HEADER} header does not match the body and timestamp for any configured ZENDESK_WEBHOOK_SECRET.`,
    );
  }

  // 4. The body: our trigger template read by position, else JSON (event webhooks, edited templates).
  const invocationId = header(req, ZENDESK_INVOCATION_HEADER);
  const accountHeader = header(req, ZENDESK_ACCOUNT_HEADER);
  const text = bodyText(req.rawBody);
  const fromTemplate = readTriggerTemplate(text);
  if (fromTemplate) return fromTriggerBody(fromTemplate, accountHeader, invocationId);
  const body = parseJsonText(text);
  if (isRejection(body)) return body;
  if (typeof body.type === 'string') return fromEventBody(body, accountHeader, invocationId);
  return fromTriggerBody(body, accountHeader, invocationId);
}

/**
 * What tells an event-subscribed delivery apart for dedupe: its `id`, text or a number, trimmed;
 * `undefined` when absent, blank or of another type. Read directly: the body is parsed in full
 * by its type's schema right after.
 */
function envelopeId(body: Record<string, unknown>): string | undefined {
  const id = body.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id).trim() || undefined : undefined;
}

function fromEventBody(
  body: Record<string, unknown>,
  accountHeader: string | undefined,
  invocationId: string | undefined,
): InboundOutcome {
  const eventId = envelopeId(body);
  const type = String(body.type);
  if (type === ZENDESK_ATTACHMENT_LINKED || type === ZENDESK_COMMENT_ADDED) {
    return fromAttachmentEvent(type, body, accountHeader, eventId ?? invocationId);
  }
  if (isZendeskUpdateEvent(type)) return fromUpdateEvent(type, body, accountHeader, eventId ?? invocationId);
  if (type !== ZENDESK_TICKET_CREATED) {
    return ignored(
      `Zendesk event ${type.slice(0, 100)} is not a ticket creation or a status, subject or deletion change.`,
      eventId ?? invocationId,
    );
  }
  const parsed = parsePayload(ZendeskTicketCreatedEvent, body);
  if (isRejection(parsed)) return parsed;
  const tenant = accountHeader ?? parsed.account_id?.trim();
  if (!tenant) {
    return reject('PAYLOAD_INVALID', `The ${ZENDESK_ACCOUNT_HEADER} header and the field account_id are both missing.`);
  }
  return zendeskCreatedEvent(
    parsed,
    tenant,
    eventId ?? invocationId ?? derivedDeliveryId('zendesk', tenant, parsed.detail.id),
  );
}

/**
 * A parsed `ticket.created` event body as the core event: the one field mapping that the webhook
 * and the backfill (which reads the Tickets API into this body) share.
 */
export function zendeskCreatedEvent(
  parsed: ZendeskTicketCreatedEvent,
  tenant: string,
  deliveryId: string,
): InboundOutcome {
  const names: FieldNames = { ticketId: 'detail.id', tenant: 'Zendesk account id', subject: 'detail.subject' };
  return finishEvent(
    {
      source: 'zendesk',
      tenant,
      ticketId: parsed.detail.id,
      subject: parsed.detail.subject ?? '',
      ...(parsed.detail.priority === undefined ? {} : { priority: parsed.detail.priority }),
      ...(parsed.detail.requester_id ? { requester: { id: parsed.detail.requester_id } } : {}),
      brand: parsed.detail.brand_id,
      group: parsed.detail.group_id,
      ticketType: parsed.detail.type,
      tags: parsed.detail.tags,
      deliveryId,
    },
    names,
  );
}

/**
 * A file linked to a comment, or a comment that lists files: the ticket's attachments are listed
 * through the API by the sync job, so only the ticket and the event's time and id are read.
 */
function fromAttachmentEvent(
  type: typeof ZENDESK_ATTACHMENT_LINKED | typeof ZENDESK_COMMENT_ADDED,
  body: Record<string, unknown>,
  accountHeader: string | undefined,
  deliveryId: string | undefined,
): InboundOutcome {
  if (type === ZENDESK_COMMENT_ADDED) {
    const comment = ZendeskCommentEvent.safeParse(body);
    const files = comment.success ? (comment.data.event?.comment?.attachments ?? []) : [];
    if (files.length === 0) {
      return ignored(`Zendesk event ${type} carries a comment without attachments.`, deliveryId);
    }
  }
  const parsed = parsePayload(ZendeskTicketUpdateEvent, body);
  if (isRejection(parsed)) return parsed;
  const tenant = accountHeader ?? parsed.account_id?.trim();
  if (!tenant) {
    return reject('PAYLOAD_INVALID', `The ${ZENDESK_ACCOUNT_HEADER} header and the field account_id are both missing.`);
  }
  const time = parsed.time?.trim();
  const occurredAt = isoTime(time);
  return finishEvent(
    {
      kind: 'ticket.attachment_added',
      source: 'zendesk',
      tenant,
      ticketId: parsed.detail.id,
      subject: parsed.detail.subject ?? '',
      ...(occurredAt === undefined ? {} : { occurredAt }),
      deliveryId: deliveryId ?? derivedDeliveryId('zendesk', tenant, parsed.detail.id, type, time ?? ''),
    },
    { ticketId: 'detail.id', tenant: 'Zendesk account id', subject: 'detail.subject' },
  );
}

/** A status, subject or deletion event: the new value from `event.current`, else the ticket in `detail`. */
function fromUpdateEvent(
  type: ZendeskUpdateEventType,
  body: Record<string, unknown>,
  accountHeader: string | undefined,
  deliveryId: string | undefined,
): InboundOutcome {
  const parsed = parsePayload(ZendeskTicketUpdateEvent, body);
  if (isRejection(parsed)) return parsed;
  const tenant = accountHeader ?? parsed.account_id?.trim();
  if (!tenant) {
    return reject('PAYLOAD_INVALID', `The ${ZENDESK_ACCOUNT_HEADER} header and the field account_id are both missing.`);
  }
  const { detail } = parsed;
  const current = parsed.event?.current?.trim() || undefined;
  const kind = ZENDESK_UPDATE_EVENTS[type];
  let status = detail.status === undefined ? undefined : normalizeStatus(ZENDESK_STATUSES, detail.status);
  let subject = detail.subject ?? '';
  let names: FieldNames = { ticketId: 'detail.id', tenant: 'Zendesk account id', subject: 'detail.subject' };
  if (kind === 'ticket.deleted') {
    status = 'deleted';
  } else if (type === 'zen:event-type:ticket.status_changed') {
    if (current !== undefined) status = normalizeStatus(ZENDESK_STATUSES, current);
    names = { ...names, status: current === undefined ? 'detail.status' : 'event.current' };
  } else if (type === 'zen:event-type:ticket.subject_changed') {
    if (current !== undefined) subject = current;
    names = { ...names, subject: current === undefined ? 'detail.subject' : 'event.current' };
  } else if (status === undefined || status === 'deleted') {
    // Restored without saying to what: nothing to record, and nothing to retry either.
    return ignored(`Zendesk event ${type} names no status the ticket was restored to.`, deliveryId);
  }
  const time = parsed.time?.trim();
  return finishEvent(
    {
      kind,
      source: 'zendesk',
      tenant,
      ticketId: detail.id,
      subject,
      ...(status === undefined ? {} : { status }),
      changed: kind === 'ticket.subject_changed' ? ['subject'] : ['status'],
      ...(isoTime(time) === undefined ? {} : { occurredAt: isoTime(time) }),
      deliveryId: deliveryId ?? derivedDeliveryId('zendesk', tenant, detail.id, type, time ?? ''),
    },
    { ...names, status: names.status ?? 'detail.status' },
  );
}

function fromTriggerBody(
  body: Record<string, unknown>,
  accountHeader: string | undefined,
  invocationId: string | undefined,
): InboundOutcome {
  if (!isJsonObject(body)) return reject('PAYLOAD_INVALID', 'The body must be a JSON object.');
  const parsed = parsePayload(ZendeskTriggerBody, body);
  if (isRejection(parsed)) return parsed;
  const event = parsed.event?.trim() || 'ticket.created';
  if (!Object.hasOwn(ZENDESK_TRIGGER_EVENTS, event)) {
    return ignored(
      `Zendesk trigger event ${event.slice(0, 100)} is not one of ${Object.keys(ZENDESK_TRIGGER_EVENTS).join(', ')}.`,
      invocationId,
    );
  }
  const spec = ZENDESK_TRIGGER_EVENTS[event as keyof typeof ZENDESK_TRIGGER_EVENTS];
  if (!accountHeader) return reject('PAYLOAD_INVALID', `The ${ZENDESK_ACCOUNT_HEADER} header is missing.`);
  const names: FieldNames = {
    ticketId: 'ticket_id',
    tenant: `${ZENDESK_ACCOUNT_HEADER} header`,
    subject: 'subject',
    status: 'status',
  };
  if (spec.kind !== 'ticket.created') {
    const status = parsed.status?.trim() ? normalizeStatus(ZENDESK_STATUSES, parsed.status) : undefined;
    const updatedAt = parsed.updated_at?.trim() ?? '';
    const occurredAt = isoTime(updatedAt);
    return finishEvent(
      {
        kind: spec.kind,
        source: 'zendesk',
        tenant: accountHeader,
        ticketId: parsed.ticket_id,
        subject: parsed.subject ?? '',
        ...(status === undefined ? {} : { status }),
        changed: [...spec.changed],
        ...(occurredAt === undefined ? {} : { occurredAt }),
        // An invocation's retries keep its id; without one, the same change reads the same.
        deliveryId:
          invocationId ??
          derivedDeliveryId(
            'zendesk',
            accountHeader,
            parsed.ticket_id,
            event,
            updatedAt,
            status ?? '',
            parsed.subject ?? '',
          ),
      },
      names,
    );
  }
  const requester = {
    ...(parsed.requester_email ? { email: parsed.requester_email } : {}),
    ...(parsed.requester_name ? { name: parsed.requester_name } : {}),
  };
  return finishEvent(
    {
      source: 'zendesk',
      tenant: accountHeader,
      ticketId: parsed.ticket_id,
      subject: parsed.subject ?? '',
      ...(parsed.priority === undefined ? {} : { priority: parsed.priority }),
      ...(Object.keys(requester).length > 0 ? { requester } : {}),
      ...(parsed.url === undefined ? {} : { ticketUrl: parsed.url }),
      brand: parsed.brand,
      group: parsed.group,
      ticketType: parsed.ticket_type,
      tags: parsed.tags,
      deliveryId: invocationId ?? derivedDeliveryId('zendesk', accountHeader, parsed.ticket_id),
    },
    names,
  );
}
