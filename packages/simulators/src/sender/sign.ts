import { createHmac } from 'node:crypto';

/**
 * Signatures as each sender computes them, written out here rather than borrowed from the
 * receiving side, so a delivery from this sender is an independent check of the verifiers.
 */

/** Zendesk: `base64(HMAC-SHA256(secret, timestamp + body))`, the secret used as UTF-8 text. */
export function zendeskSignature(body: string, timestamp: string, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(timestamp + body, 'utf8'))
    .digest('base64');
}

/** Jira admin webhooks: `sha256=` and the lowercase hex HMAC-SHA256 of the body. */
export function jiraSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex')}`;
}

/** Standard Webhooks: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the base64 after `whsec_`. */
export function standardWebhookSignature(id: string, timestampSeconds: number, body: string, secret: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  if (key.length === 0) throw new TypeError('The generic secret must be whsec_ followed by base64.');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64')}`;
}
