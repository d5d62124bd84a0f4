import { createHash } from 'node:crypto';
import type { Source } from './ticket-event';

export interface TicketRef {
  source: Source;
  tenant: string;
  ticketId: string;
}

const UNSAFE = /[^A-Za-z0-9._-]+/g;

function readable(part: string, max: number): string {
  const cleaned = part.replace(UNSAFE, '_').slice(0, max);
  return cleaned.length > 0 ? cleaned : '_';
}

/**
 * The idempotency key of a ticket: one ticket = (source, tenant, ticketId).
 *
 * It is readable for operators in Bull Board (`<source>-acme-5158-…`), and the hash of the exact
 * triple keeps two tickets apart even when their readable parts clean up to the same text. BullMQ
 * job ids must not contain `:` and must not be all digits; this one starts with a letter and has
 * no `:`.
 */
export function ticketKey(ref: TicketRef): string {
  const digest = createHash('sha256')
    .update(`${ref.source}\u0000${ref.tenant}\u0000${ref.ticketId}`)
    .digest('hex')
    .slice(0, 16);
  return `${ref.source}-${readable(ref.tenant, 40)}-${readable(ref.ticketId, 60)}-${digest}`;
}

/**
 * A Redis glob that matches the key of every ticket with this source and id, whatever its tenant:
 * how an operator finds a ticket by the id the helpdesk shows. Candidates still have to be checked
 * against the exact triple, since the readable parts are cleaned and cut.
 */
export function ticketKeyPattern(source: string, ticketId: string): string {
  return `${source}-*-${readable(ticketId, 60)}-*`;
}

/**
 * The DocSpace tag that marks a ticket's room. DocSpace allows duplicate titles, so this tag is
 * what lets a retry find a room it created but never heard back about.
 */
export function roomTag(ref: TicketRef): string {
  return `tr-${ticketKey(ref)}`;
}
