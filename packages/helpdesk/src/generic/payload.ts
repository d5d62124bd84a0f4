import type { EventKind } from '@ticket-rooms/core';
import { z } from 'zod';
import { IdField, OptionalText, TagsField } from '../inbound/fields';
import type { StatusTable } from '../inbound/normalize';

/** A requester given as one string (an email if it has an `@`, else a name) or as an object. */
const GenericRequester = z
  .custom<unknown>(
    (v) => v === undefined || v === null || typeof v === 'string' || (typeof v === 'object' && !Array.isArray(v)),
    { error: 'must be a string or an object' },
  )
  .transform((v) => {
    if (typeof v === 'string') return v.includes('@') ? { email: v } : { name: v };
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    const text = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : undefined);
    const out: { id?: string; name?: string; email?: string } = {};
    const id = text(o.id);
    const name = text(o.name);
    const email = text(o.email);
    if (id) out.id = id;
    if (name) out.name = name;
    if (email) out.email = email;
    return out;
  })
  .optional();

/**
 * The `event` values the generic route takes, and the kind each is. Absent means a creation, as
 * it always has; anything else is acknowledged and ignored.
 */
export const GENERIC_EVENTS = {
  'ticket.created': 'ticket.created',
  ticket_created: 'ticket.created',
  created: 'ticket.created',
  'ticket.status_changed': 'ticket.status_changed',
  'ticket.subject_changed': 'ticket.subject_changed',
  'ticket.deleted': 'ticket.deleted',
  /** The ticket has a new file; the worker lists the ticket's files itself (generic tickets have no reader yet). */
  'ticket.attachment_added': 'ticket.attachment_added',
} as const satisfies Record<string, EventKind>;

/** Our own vocabulary, plus the spellings other helpdesks use for the same statuses. */
export const GENERIC_STATUSES: StatusTable = {
  new: 'new',
  open: 'open',
  pending: 'pending',
  'on-hold': 'on-hold',
  on_hold: 'on-hold',
  'on hold': 'on-hold',
  hold: 'on-hold',
  solved: 'solved',
  resolved: 'solved',
  closed: 'closed',
  deleted: 'deleted',
};

/**
 * `{"ticketId": "...", "subject": "..."}`: what existing integrations send to
 * `/helpdesk/ticket-created`. `ticketId` may be a number in the wild. Optional: `priority`,
 * `requester`, `ticketUrl`, `tenant` (default `default`), `deliveryId`, `brand`, `group`,
 * `ticketType`, `tags` (a list or comma-separated), and `event`. A later event
 * (`"event": "ticket.status_changed"`, `…subject_changed`, `…deleted`) adds `status` and
 * `occurredAt`, and may name itself with `eventId`.
 */
export const GenericTicketPayload = z.object({
  ticketId: IdField,
  subject: OptionalText,
  priority: OptionalText,
  requester: GenericRequester,
  ticketUrl: OptionalText,
  tenant: OptionalText,
  deliveryId: OptionalText,
  event: OptionalText,
  /** A later event's new status (`ticket.status_changed`). */
  status: OptionalText,
  /** When the change happened, ISO 8601 with a zone. */
  occurredAt: OptionalText,
  /** The sender's id for the event, for senders that sign nothing. */
  eventId: OptionalText,
  brand: OptionalText,
  group: OptionalText,
  ticketType: OptionalText,
  /** A list, or one comma-separated string. */
  tags: TagsField,
});
export type GenericTicketPayload = z.infer<typeof GenericTicketPayload>;
