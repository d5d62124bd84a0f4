import { header } from '../inbound/headers';
import { parseJsonObject, parsePayload } from '../inbound/json-body';
import { derivedDeliveryId, finishEvent, hostOf } from '../inbound/normalize';
import { ignored, isRejection, reject } from '../inbound/outcome';
import type { InboundConfig, InboundOutcome, InboundRequest } from '../inbound/types';
import { JIRA_ISSUE_CREATED, JiraIssueWebhook } from './payload';
import { JIRA_SIGNATURE_HEADER, verifyJiraSignature } from './signature';

/** The same on every retry of one delivery, so it is the dedupe key. */
export const JIRA_IDENTIFIER_HEADER = 'x-atlassian-webhook-identifier';

/**
 * A Jira admin webhook delivery. Only webhooks with a secret are accepted: Jira signs nothing
 * else, and the signature covers no timestamp, so replays are caught by the identifier dedupe.
 */
export function parseJiraDelivery(req: InboundRequest, config: InboundConfig['jira']): InboundOutcome {
  // 1. Only with a secret.
  const secrets = (config?.secrets ?? []).filter((s) => s !== '');
  if (secrets.length === 0) {
    return reject(
      'SOURCE_NOT_CONFIGURED',
      'Jira deliveries are not accepted because JIRA_WEBHOOK_SECRET is not set; set it to the secret of the Jira webhook.',
    );
  }

  // 2. The signature over the raw bytes.
  const signature = header(req, JIRA_SIGNATURE_HEADER);
  if (signature === undefined) {
    return reject(
      'SIGNATURE_MISSING',
      `The ${JIRA_SIGNATURE_HEADER} header is missing; give the Jira webhook a secret so it signs its deliveries.`,
    );
  }
  const check = verifyJiraSignature(req.rawBody, signature, secrets);
  if (check === 'unsupported-method') {
    return reject('SIGNATURE_INVALID', `The ${JIRA_SIGNATURE_HEADER} header uses a method other than sha256.`);
  }
  if (check === 'invalid') {
    return reject(
      'SIGNATURE_INVALID',
      `The ${JIRA_SIGNATURE_HEADER} header does not match the body for any configured JIRA_WEBHOOK_SECRET.`,
    );
  }

  // 3. The body.
  const identifier = header(req, JIRA_IDENTIFIER_HEADER);
  const body = parseJsonObject(req.rawBody);
  if (isRejection(body)) return body;
  if (typeof body.webhookEvent === 'string' && body.webhookEvent !== JIRA_ISSUE_CREATED) {
    return ignored(`Jira event ${body.webhookEvent.slice(0, 100)} is not an issue creation.`, identifier);
  }
  const parsed = parsePayload(JiraIssueWebhook, body);
  if (isRejection(parsed)) return parsed;
  const { issue } = parsed;
  const tenant = hostOf(issue.self);
  if (tenant === undefined) return reject('PAYLOAD_INVALID', 'The field issue.self is not an http(s) URL.');
  const fields = issue.fields ?? undefined;
  const reporter = fields?.reporter ?? undefined;
  const requester = {
    ...(reporter?.accountId ? { id: reporter.accountId } : {}),
    ...(reporter?.displayName ? { name: reporter.displayName } : {}),
    ...(reporter?.emailAddress ? { email: reporter.emailAddress } : {}),
  };
  const priority = fields?.priority?.name;
  const origin = new URL(issue.self).origin;
  return finishEvent(
    {
      source: 'jira',
      tenant,
      ticketId: issue.key,
      subject: fields?.summary ?? '',
      ...(priority === undefined ? {} : { priority }),
      ...(Object.keys(requester).length > 0 ? { requester } : {}),
      // A service desk per project is what a brand is elsewhere.
      brand: fields?.project?.key,
      ticketType: fields?.issuetype?.name,
      tags: fields?.labels,
      ticketUrl: `${origin}/browse/${encodeURIComponent(issue.key)}`,
      deliveryId: identifier ?? derivedDeliveryId('jira', tenant, issue.key),
    },
    { ticketId: 'issue.key', tenant: 'host of issue.self', subject: 'issue.fields.summary' },
  );
}
