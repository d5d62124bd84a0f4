import { z } from 'zod';

/** The helpdesks we accept deliveries from. `generic` is the plain `{ticketId, subject}` payload. */
export const Source = z.enum(['zendesk', 'freshdesk', 'jira', 'generic']);
export type Source = z.infer<typeof Source>;

/** The sources with a helpdesk behind them that notes are written back to (one notes queue each). */
export const WriteBackSource = Source.exclude(['generic']);
export type WriteBackSource = z.infer<typeof WriteBackSource>;

/**
 * What happened to the ticket. Each kind has its own entry in the job catalogue (`jobs.ts`): its
 * payload, its job options, what makes a delivery of it unique, and (in the worker) its pipeline.
 * A kind is added here when its catalogue entry and pipeline exist; the compiler then asks for both.
 */
export const EventKind = z.enum([
  'ticket.created',
  'ticket.status_changed',
  'ticket.subject_changed',
  'ticket.deleted',
  /** Not a vendor event: an operator asked to check the ticket's room against DocSpace and rebuild what is gone. */
  'ticket.repair',
  'ticket.attachment_added',
]);
export type EventKind = z.infer<typeof EventKind>;

/**
 * The one status vocabulary every vendor's statuses map to (case-insensitively, in each vendor's
 * adapter). A status outside it is kept verbatim on the event and changes nothing.
 */
export const TicketStatus = z.enum(['new', 'open', 'pending', 'on-hold', 'solved', 'closed', 'deleted']);
export type TicketStatus = z.infer<typeof TicketStatus>;

export function isTicketStatus(value: unknown): value is TicketStatus {
  return TicketStatus.safeParse(value).success;
}

/**
 * The one priority vocabulary every vendor's priorities map to (case-insensitively, by a table in
 * each vendor's folder). A priority outside it is kept lower-cased verbatim.
 */
export const TicketPriority = z.enum(['low', 'normal', 'high', 'urgent']);
export type TicketPriority = z.infer<typeof TicketPriority>;

export function isTicketPriority(value: unknown): value is TicketPriority {
  return TicketPriority.safeParse(value).success;
}

/** The ticket fields whose latest value the ledger keeps, each with the time the vendor changed it. */
export const TrackedField = z.enum(['status', 'subject']);
export type TrackedField = z.infer<typeof TrackedField>;

export const Requester = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
});
export type Requester = z.infer<typeof Requester>;

/**
 * The one shape every vendor payload is parsed into at the boundary. Nothing downstream of the
 * receiver sees vendor shapes.
 */
export const TicketEvent = z.object({
  /** Absent in jobs queued before event kinds existed: those were all creations. */
  kind: EventKind.default('ticket.created'),
  source: Source,
  /** The helpdesk account or site (an account id, a domain, a site host), or `default`. */
  tenant: z.string().min(1).max(200),
  ticketId: z.string().min(1).max(200),
  subject: z.string().max(10_000),
  /** One of `TicketPriority`, or the vendor's own word, lower case, when it maps to none. */
  priority: z.string().max(100).optional(),
  /** The brand, or the project, the ticket came in under. */
  brand: z.string().max(200).optional(),
  /** The team the helpdesk assigned the ticket to. */
  group: z.string().max(200).optional(),
  /** The helpdesk's ticket type (question, incident, problem, service request, …). */
  ticketType: z.string().max(100).optional(),
  tags: z.array(z.string().min(1).max(100)).max(100).optional(),
  requester: Requester.optional(),
  ticketUrl: z.string().max(2_000).optional(),
  /** The sender's id for this delivery (invocation id, webhook identifier, webhook-id), or one we made. */
  deliveryId: z.string().min(1).max(300),
  /** ISO 8601 time the vendor says the change happened, where the delivery carries one. */
  occurredAt: z.string().max(100).optional(),
  /** The ticket's status: one of `TicketStatus`, or the vendor's own word when it maps to none. */
  status: z.string().max(100).optional(),
  /** The fields this event changes, whose new values the ledger records by event time. */
  changed: z.array(TrackedField).max(2).optional(),
  /** ISO 8601 time the receiver accepted the delivery. */
  receivedAt: z.string(),
});
export type TicketEvent = z.infer<typeof TicketEvent>;
