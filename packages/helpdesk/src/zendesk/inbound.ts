import { header } from '../inbound/headers';
import { bodyText, isJsonObject, parseJsonObject, parsePayload } from '../inbound/json-body';
import { derivedDeliveryId, type FieldNames, finishEvent } from '../inbound/normalize';
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
  ZENDESK_TICKET_CREATED,
  ZENDESK_TRIGGER_BODY_TEMPLATE,
  ZendeskEventEnvelope,
  ZendeskTicketCreatedEvent,
  ZendeskTriggerBody,
} from './payload';
import { verifyZendeskSignature, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER } from './signature';

export const ZENDESK_ACCOUNT_HEADER = 'x-zendesk-account-id';
export const ZENDESK_INVOCATION_HEADER = 'x-zendesk-webhook-invocation-id';

const triggerReader = templateReader(ZENDESK_TRIGGER_BODY_TEMPLATE);

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
  const fromTemplate = triggerReader.read(bodyText(req.rawBody));
  if (fromTemplate) return fromTriggerBody(fromTemplate, accountHeader, invocationId);
  const body = parseJsonObject(req.rawBody);
  if (isRejection(body)) return body;
  if (typeof body.type === 'string') return fromEventBody(body, accountHeader, invocationId);
  return fromTriggerBody(body, accountHeader, invocationId);
}

function fromEventBody(
  body: Record<string, unknown>,
  accountHeader: string | undefined,
  invocationId: string | undefined,
): InboundOutcome {
  const envelope = ZendeskEventEnvelope.safeParse(body);
  const eventId = envelope.success ? envelope.data.id?.trim() || undefined : undefined;
  if (body.type !== ZENDESK_TICKET_CREATED) {
    const type = String(body.type).slice(0, 100);
    return ignored(`Zendesk event ${type} is not a ticket creation.`, eventId ?? invocationId);
  }
  const parsed = parsePayload(ZendeskTicketCreatedEvent, body);
  if (isRejection(parsed)) return parsed;
  const tenant = accountHeader ?? parsed.account_id?.trim();
  if (!tenant) {
    return reject('PAYLOAD_INVALID', `The ${ZENDESK_ACCOUNT_HEADER} header and the field account_id are both missing.`);
  }
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
      deliveryId: eventId ?? invocationId ?? derivedDeliveryId('zendesk', tenant, parsed.detail.id),
    },
    names,
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
  if (parsed.event !== undefined && parsed.event.trim() !== 'ticket.created') {
    return ignored(`Zendesk trigger event ${parsed.event.slice(0, 100)} is not a ticket creation.`, invocationId);
  }
  if (!accountHeader) return reject('PAYLOAD_INVALID', `The ${ZENDESK_ACCOUNT_HEADER} header is missing.`);
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
    { ticketId: 'ticket_id', tenant: `${ZENDESK_ACCOUNT_HEADER} header`, subject: 'subject' },
  );
}
