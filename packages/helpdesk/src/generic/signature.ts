import { createHmac } from 'node:crypto';
import { signatureMatchesAny } from '@ticket-rooms/core';

/** Standard Webhooks (standardwebhooks.com) header names. */
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after the optional `whsec_` prefix.
 * `undefined` when that is not base64, so a bad secret can be named at start-up.
 */
export function standardWebhooksKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length > 0 ? key : undefined;
}

/** `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`. */
export function signStandardWebhook(
  id: string,
  timestampSeconds: number | string,
  rawBody: Buffer | string,
  secret: string,
): string {
  const key = standardWebhooksKey(secret);
  if (!key) throw new TypeError('A Standard Webhooks secret must be whsec_ followed by base64.');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.`).update(rawBody).digest('base64');
  return `v1,${mac}`;
}

/**
 * True when any `v1` entry of the space-separated `webhook-signature` list was made with any of
 * `secrets`. Entries of other versions are skipped, as the spec asks.
 */
export function verifyStandardWebhook(
  id: string,
  timestamp: string,
  rawBody: Buffer,
  signatureHeader: string,
  secrets: readonly string[],
): boolean {
  const given = signatureHeader
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  if (given.length === 0) return false;
  const expected: Buffer[] = [];
  for (const secret of secrets) {
    const key = standardWebhooksKey(secret);
    if (!key) continue;
    expected.push(createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest());
  }
  let found = false;
  for (const signature of given) if (signatureMatchesAny(signature, 'base64', expected)) found = true;
  return found;
}
