import { createHmac } from 'node:crypto';
import { signatureMatchesAny } from '@ticket-rooms/core';

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/**
 * The secret Zendesk signs test requests from the webhook builder with (its docs' Node example).
 * Used literally as the HMAC key, like every Zendesk secret: it is not base64-decoded.
 */
export const ZENDESK_TEST_SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';

/** `base64(HMAC-SHA256(secret, timestamp + body))`: timestamp first, no separator. */
export function signZendesk(rawBody: Buffer | string, timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(timestamp).update(rawBody).digest('base64');
}

/** True when `signature` was made with any of `secrets` (several while one is rotated). */
export function verifyZendeskSignature(
  rawBody: Buffer,
  signature: string,
  timestamp: string,
  secrets: readonly string[],
): boolean {
  const expected = secrets
    .filter((s) => s !== '')
    .map((s) => createHmac('sha256', s).update(timestamp).update(rawBody).digest());
  return signatureMatchesAny(signature, 'base64', expected);
}
