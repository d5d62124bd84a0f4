import type { TrackedField } from '@ticket-rooms/core';
import { parseBearer, safeEqualsAny } from '@ticket-rooms/core';
import { header } from '../inbound/headers';
import { parseJsonObject, parsePayload } from '../inbound/json-body';
import { derivedDeliveryId, finishEvent, isoTime, normalizeStatus } from '../inbound/normalize';
import { ignored, isRejection, reject } from '../inbound/outcome';
import { checkTimestampAge, parseUnixSeconds } from '../inbound/timestamp';
import {
  DEFAULT_TOLERANCE_SECONDS,
  type InboundConfig,
  type InboundOutcome,
  type InboundRequest,
  type Rejection,
  TOKEN_HEADER,
} from '../inbound/types';
import { GENERIC_EVENTS, GENERIC_STATUSES, GenericTicketPayload } from './payload';
import {
  verifyStandardWebhook,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './signature';

/**
 * A generic delivery, authenticated by a Standard Webhooks signature (`GENERIC_WEBHOOK_SECRET`)
 * or a shared token (`GENERIC_WEBHOOK_TOKEN`, as `x-ticket-rooms-token` or `Authorization:
 * Bearer`). With both configured, either is enough; a presented signature is always checked.
 */
export function parseGenericDelivery(req: InboundRequest, config: InboundConfig['generic']): InboundOutcome {
  // 1. Something to check against.
  const secrets = (config?.secrets ?? []).filter((s) => s !== '');
  const tokens = (config?.tokens ?? []).filter((t) => t !== '');
  if (secrets.length === 0 && tokens.length === 0) {
    return reject(
      'SOURCE_NOT_CONFIGURED',
      'Generic deliveries are not accepted because neither GENERIC_WEBHOOK_SECRET nor GENERIC_WEBHOOK_TOKEN is set.',
    );
  }

  // 2. Authenticity: a signature if one is presented and secrets exist, else the token.
  const signature = header(req, WEBHOOK_SIGNATURE_HEADER);
  const token = header(req, TOKEN_HEADER) ?? parseBearer(header(req, 'authorization'));
  let webhookId: string | undefined;
  if (signature === undefined && token === undefined && secrets.length > 0 && tokens.length > 0) {
    return reject(
      'CREDENTIAL_MISSING',
      `The ${WEBHOOK_SIGNATURE_HEADER} and ${TOKEN_HEADER} headers are both missing; generic deliveries need one of them.`,
    );
  }
  if (secrets.length > 0 && (signature !== undefined || token === undefined || tokens.length === 0)) {
    const checked = checkSignature(req, secrets, config?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
    if (isRejection(checked)) return checked;
    webhookId = checked;
  } else if (token === undefined) {
    const why = signature === undefined ? '' : ' (signatures cannot be checked: GENERIC_WEBHOOK_SECRET is not set)';
    return reject('CREDENTIAL_MISSING', `The ${TOKEN_HEADER} header is missing${why}.`);
  } else if (!safeEqualsAny(token, tokens)) {
    return reject('CREDENTIAL_INVALID', 'The delivery token does not match any configured GENERIC_WEBHOOK_TOKEN.');
  }

  // 3. The body.
  const body = parseJsonObject(req.rawBody);
  if (isRejection(body)) return body;
  const parsed = parsePayload(GenericTicketPayload, body);
  if (isRejection(parsed)) return parsed;
  const deliveryId = webhookId || parsed.deliveryId?.trim() || parsed.eventId?.trim() || header(req, WEBHOOK_ID_HEADER);
  const eventName = parsed.event?.trim() || 'ticket.created';
  if (!Object.hasOwn(GENERIC_EVENTS, eventName)) {
    return ignored(
      `Generic event ${eventName.slice(0, 100)} is not one of ${Object.keys(GENERIC_EVENTS).join(', ')}.`,
      deliveryId,
    );
  }
  const kind = GENERIC_EVENTS[eventName as keyof typeof GENERIC_EVENTS];
  const tenant = parsed.tenant?.trim() || 'default';
  const names = { ticketId: 'ticketId', tenant: 'field tenant', subject: 'subject', status: 'status' };
  if (kind !== 'ticket.created') {
    const occurredAt = isoTime(parsed.occurredAt);
    if (parsed.occurredAt !== undefined && occurredAt === undefined) {
      return reject('PAYLOAD_INVALID', 'The field occurredAt is not an ISO 8601 date-time with a time zone.');
    }
    const changed: TrackedField[] =
      kind === 'ticket.attachment_added' ? [] : kind === 'ticket.subject_changed' ? ['subject'] : ['status'];
    const status =
      kind === 'ticket.deleted'
        ? 'deleted'
        : parsed.status?.trim()
          ? normalizeStatus(GENERIC_STATUSES, parsed.status)
          : undefined;
    const subject = parsed.subject ?? '';
    return finishEvent(
      {
        kind,
        source: 'generic',
        tenant,
        ticketId: parsed.ticketId,
        subject,
        ...(status === undefined ? {} : { status }),
        changed,
        ...(occurredAt === undefined ? {} : { occurredAt }),
        ...(parsed.ticketUrl === undefined ? {} : { ticketUrl: parsed.ticketUrl }),
        deliveryId:
          deliveryId ??
          derivedDeliveryId('generic', tenant, parsed.ticketId, kind, occurredAt ?? '', status ?? '', subject),
      },
      names,
    );
  }
  return finishEvent(
    {
      source: 'generic',
      tenant,
      ticketId: parsed.ticketId,
      subject: parsed.subject ?? '',
      ...(parsed.priority === undefined ? {} : { priority: parsed.priority }),
      ...(parsed.requester && Object.keys(parsed.requester).length > 0 ? { requester: parsed.requester } : {}),
      ...(parsed.ticketUrl === undefined ? {} : { ticketUrl: parsed.ticketUrl }),
      brand: parsed.brand,
      group: parsed.group,
      ticketType: parsed.ticketType,
      tags: parsed.tags,
      deliveryId: deliveryId ?? derivedDeliveryId('generic', tenant, parsed.ticketId),
    },
    names,
  );
}

/** The Standard Webhooks checks; returns the verified `webhook-id`. */
function checkSignature(req: InboundRequest, secrets: string[], toleranceSeconds: number): string | Rejection {
  for (const name of [WEBHOOK_ID_HEADER, WEBHOOK_TIMESTAMP_HEADER, WEBHOOK_SIGNATURE_HEADER]) {
    if (header(req, name) === undefined) return reject('SIGNATURE_MISSING', `The ${name} header is missing.`);
  }
  const id = header(req, WEBHOOK_ID_HEADER) as string;
  const timestamp = header(req, WEBHOOK_TIMESTAMP_HEADER) as string;
  const signature = header(req, WEBHOOK_SIGNATURE_HEADER) as string;
  const timestampMs = parseUnixSeconds(timestamp);
  if (timestampMs === undefined) {
    return reject('TIMESTAMP_INVALID', `The ${WEBHOOK_TIMESTAMP_HEADER} header is not a Unix time in seconds.`);
  }
  const tooOld = checkTimestampAge(timestampMs, req.nowMs, toleranceSeconds, WEBHOOK_TIMESTAMP_HEADER);
  if (tooOld) return tooOld;
  if (!verifyStandardWebhook(id, timestamp, req.rawBody, signature, secrets)) {
    return reject(
      'SIGNATURE_INVALID',
      `The ${WEBHOOK_SIGNATURE_HEADER} header has no v1 signature matching any configured GENERIC_WEBHOOK_SECRET.`,
    );
  }
  return id;
}
