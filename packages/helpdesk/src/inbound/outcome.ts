import type { InboundEvent, InboundOutcome, Rejection, RejectionCode } from './types';

/**
 * Which status each rejection gets. Anything about who sent the delivery is 401, so the sender
 * sees an authentication failure; anything about what it sent is 400, which no sender retries.
 */
const STATUS: Record<RejectionCode, 400 | 401> = {
  SIGNATURE_MISSING: 401,
  SIGNATURE_INVALID: 401,
  TIMESTAMP_INVALID: 401,
  TIMESTAMP_EXPIRED: 401,
  CREDENTIAL_MISSING: 401,
  CREDENTIAL_INVALID: 401,
  SOURCE_NOT_CONFIGURED: 401,
  JSON_INVALID: 400,
  PAYLOAD_INVALID: 400,
};

export function reject(code: RejectionCode, message: string): Rejection {
  return { kind: 'rejected', status: STATUS[code], code, message };
}

export function ignored(reason: string, deliveryId?: string): InboundOutcome {
  return deliveryId === undefined ? { kind: 'ignored', reason } : { kind: 'ignored', reason, deliveryId };
}

export function accepted(event: InboundEvent): InboundOutcome {
  return { kind: 'event', event };
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'rejected';
}
