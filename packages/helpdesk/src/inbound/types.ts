import type { TicketEvent } from '@ticket-rooms/core';

/** One webhook delivery as the receiver saw it. */
export interface InboundRequest {
  /** Node's lower-cased incoming headers. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact bytes of the body, before any JSON parse: signatures are computed over these. */
  rawBody: Buffer;
  /** Injected clock, so timestamp tolerance can be tested without waiting. */
  nowMs: number;
}

export type RejectionCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'TIMESTAMP_INVALID'
  | 'TIMESTAMP_EXPIRED'
  | 'CREDENTIAL_MISSING'
  | 'CREDENTIAL_INVALID'
  | 'SOURCE_NOT_CONFIGURED'
  | 'JSON_INVALID'
  | 'PAYLOAD_INVALID';

/** The normalized event without `receivedAt`, which the receiver stamps when it accepts it. */
export type InboundEvent = Omit<TicketEvent, 'receivedAt'>;

export type InboundOutcome =
  | { kind: 'event'; event: InboundEvent }
  /** Authentic, but not a ticket creation: answer 2xx so the sender does not retry it. */
  | { kind: 'ignored'; reason: string; deliveryId?: string }
  | { kind: 'rejected'; status: 400 | 401; code: RejectionCode; message: string }
  /**
   * Our parser threw: a bug of ours, not the sender's mistake. Answer 5xx so the sender retries
   * (the fix may be deployed by then), and log `cause`, which never goes back to the sender.
   */
  | { kind: 'failed'; code: 'PARSER_FAILED'; message: string; cause: unknown };

export type Rejection = Extract<InboundOutcome, { kind: 'rejected' }>;

export interface InboundConfig {
  /** `ZENDESK_WEBHOOK_SECRET` split on `,`: several secrets are accepted while one is rotated. */
  zendesk?: { secrets: string[]; toleranceSeconds?: number };
  /** `FRESHDESK_WEBHOOK_TOKEN`: sent as the `x-ticket-rooms-token` header or the basic-auth password. */
  freshdesk?: { tokens: string[] };
  /** `JIRA_WEBHOOK_SECRET`: the secret of the Jira admin webhook (`X-Hub-Signature`). */
  jira?: { secrets: string[] };
  /** `GENERIC_WEBHOOK_SECRET` (Standard Webhooks, `whsec_…`) and/or `GENERIC_WEBHOOK_TOKEN`. */
  generic?: { secrets: string[]; tokens: string[]; toleranceSeconds?: number };
}

/** Default timestamp tolerance for Zendesk and Standard Webhooks signatures. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The header Freshdesk and generic senders put their shared token in. */
export const TOKEN_HEADER = 'x-ticket-rooms-token';
