import { createHmac } from 'node:crypto';
import { signatureMatchesAny } from '@ticket-rooms/core';

export const JIRA_SIGNATURE_HEADER = 'x-hub-signature';

/** WebSub style `sha256=<lowercase hex HMAC-SHA256(secret, raw body)>`, as Jira admin webhooks send it. */
export function signJira(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export type JiraSignatureCheck = 'valid' | 'invalid' | 'unsupported-method';

/**
 * Checks `X-Hub-Signature` against every secret. The header is `method=signature`; Atlassian may
 * add methods, so an unknown one is reported as such rather than as a wrong signature.
 */
export function verifyJiraSignature(
  rawBody: Buffer,
  headerValue: string,
  secrets: readonly string[],
): JiraSignatureCheck {
  const eq = headerValue.indexOf('=');
  const method = eq < 0 ? '' : headerValue.slice(0, eq).trim().toLowerCase();
  if (method !== 'sha256') return eq < 0 ? 'invalid' : 'unsupported-method';
  const given = headerValue
    .slice(eq + 1)
    .trim()
    .toLowerCase();
  const expected = secrets.filter((s) => s !== '').map((s) => createHmac('sha256', s).update(rawBody).digest());
  return signatureMatchesAny(given, 'hex', expected) ? 'valid' : 'invalid';
}
