import { parseBasicAuth, safeEqualsAny } from '@ticket-rooms/core';
import { header } from '../inbound/headers';
import { bodyText, isJsonObject, parseJsonObject, parsePayload } from '../inbound/json-body';
import { derivedDeliveryId, finishEvent, hostOf } from '../inbound/normalize';
import { ignored, isRejection, reject } from '../inbound/outcome';
import { templateReader } from '../inbound/template';
import { type InboundConfig, type InboundOutcome, type InboundRequest, TOKEN_HEADER } from '../inbound/types';
import { FRESHDESK_AUTOMATION_BODY_TEMPLATE, FreshdeskAutomationBody, fromWrappedLayout } from './payload';

const automationReader = templateReader(FRESHDESK_AUTOMATION_BODY_TEMPLATE);

/** `{{triggered_event}}` says what happened; only something other than a creation is ignored. */
function isCreation(triggered: string | undefined): boolean {
  if (triggered === undefined || triggered.trim() === '' || triggered.includes('{{')) return true;
  return /created/i.test(triggered);
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
  let source = automationReader.read(bodyText(req.rawBody));
  if (source === undefined) {
    const body = parseJsonObject(req.rawBody);
    if (isRejection(body)) return body;
    source = isJsonObject(body.freshdesk_webhook) ? fromWrappedLayout(body.freshdesk_webhook) : body;
  }
  const parsed = parsePayload(FreshdeskAutomationBody, source);
  if (isRejection(parsed)) return parsed;
  if (parsed.event !== undefined && parsed.event.trim() !== 'ticket.created') {
    return ignored(`Freshdesk event ${parsed.event.slice(0, 100)} is not a ticket creation.`);
  }
  if (!isCreation(parsed.triggered_event)) {
    return ignored(`Freshdesk event ${(parsed.triggered_event ?? '').slice(0, 100)} is not a ticket creation.`);
  }
  const tenant = parsed.tenant?.trim() || hostOf(parsed.ticket_url);
  if (!tenant)
    return reject('PAYLOAD_INVALID', 'The field ticket_url is missing or not a URL, and no tenant field was sent.');
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
