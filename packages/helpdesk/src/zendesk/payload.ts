import type { EventKind, TrackedField } from '@ticket-rooms/core';
import { z } from 'zod';
import { IdField, OptionalText, optionalObject, requiredObject, TagsField } from '../inbound/fields';
import type { StatusTable } from '../inbound/normalize';

export const ZENDESK_TICKET_CREATED = 'zen:event-type:ticket.created';

/**
 * The event types of a ticket's later life and the kind each becomes. Shapes: Zendesk's "Ticket
 * events" reference (developer.zendesk.com/api-reference/webhooks/event-types/ticket-events): the
 * envelope of `ticket.created` plus an `event` object; for `ticket.status_changed` it is
 * `{"previous": "OPEN", "current": "SOLVED"}` (the docs' example as reproduced in dust-tt/dust
 * `zendesk/schemas/ticket_status_changed.ts`). UNVERIFIED: that `ticket.subject_changed` carries
 * the subjects the same way, so the subject is read from `event.current`, else `detail.subject`,
 * and what the two deletion events put in `event` (they need nothing from it).
 */
export const ZENDESK_UPDATE_EVENTS = {
  'zen:event-type:ticket.status_changed': 'ticket.status_changed',
  'zen:event-type:ticket.subject_changed': 'ticket.subject_changed',
  'zen:event-type:ticket.soft_deleted': 'ticket.deleted',
  'zen:event-type:ticket.permanently_deleted': 'ticket.deleted',
  /** Restored from the deleted view: back to the status in `detail.status`. */
  'zen:event-type:ticket.undeleted': 'ticket.status_changed',
} as const satisfies Record<string, EventKind>;
export type ZendeskUpdateEventType = keyof typeof ZENDESK_UPDATE_EVENTS;

/**
 * Event types that mean "the ticket may have a new file": the sync job lists the ticket's
 * attachments through the API, so the body only has to name the ticket. `attachment_linked_to_comment`
 * is in Zendesk's "Ticket events" list; UNVERIFIED: what its `event` object holds (it is not read).
 * `comment_added` counts only when its `event.comment.attachments` lists something (UNVERIFIED
 * that the comment carries that list); a comment without it is acknowledged and ignored, so
 * subscribing to both events is safe and either one alone works.
 */
export const ZENDESK_ATTACHMENT_LINKED = 'zen:event-type:ticket.attachment_linked_to_comment';
export const ZENDESK_COMMENT_ADDED = 'zen:event-type:ticket.comment_added';

/** The comment of a `comment_added` event, as far as it says whether files came with it. */
export const ZendeskCommentEvent = z.object({
  event: optionalObject({
    comment: optionalObject({ attachments: z.array(z.unknown()).nullish() }),
  }),
});

export function isZendeskUpdateEvent(type: string): type is ZendeskUpdateEventType {
  return Object.hasOwn(ZENDESK_UPDATE_EVENTS, type);
}

/**
 * Zendesk's statuses, lower case. Event webhooks send them upper case (`NEW`, `OPEN`, `PENDING`,
 * `HOLD`, `SOLVED`, `CLOSED`, and `DELETED`, `ARCHIVED`, `SCRUBBED` in the status enum); the API
 * and triggers' `{{ticket.status}}` spell them as words (`hold`, `On-hold`, UNVERIFIED which). An
 * archived ticket is a closed one moved to the archive; a scrubbed one is deleted for good.
 */
export const ZENDESK_STATUSES: StatusTable = {
  new: 'new',
  open: 'open',
  pending: 'pending',
  hold: 'on-hold',
  'on-hold': 'on-hold',
  'on hold': 'on-hold',
  solved: 'solved',
  closed: 'closed',
  archived: 'closed',
  deleted: 'deleted',
  scrubbed: 'deleted',
};

/** A ticket event after creation: the envelope, the ticket as it is now, and what changed. */
export const ZendeskTicketUpdateEvent = z.object({
  type: z.string(),
  id: OptionalText,
  account_id: OptionalText,
  /** When the change happened, ISO 8601 with nanoseconds. */
  time: OptionalText,
  detail: requiredObject({
    id: IdField,
    subject: OptionalText,
    status: OptionalText,
  }),
  event: optionalObject({ current: OptionalText, previous: OptionalText }),
});
export type ZendeskTicketUpdateEvent = z.infer<typeof ZendeskTicketUpdateEvent>;

/**
 * `zen:event-type:ticket.created`. Ids arrive as strings (the API's own ticket object uses
 * numbers, so both are accepted); unknown fields are dropped, as Zendesk may add more.
 */
export const ZendeskTicketCreatedEvent = z.object({
  type: z.literal(ZENDESK_TICKET_CREATED),
  id: OptionalText,
  account_id: OptionalText,
  detail: requiredObject({
    id: IdField,
    subject: OptionalText,
    priority: OptionalText,
    requester_id: OptionalText,
    brand_id: OptionalText,
    group_id: OptionalText,
    type: OptionalText,
    tags: TagsField,
  }),
});
export type ZendeskTicketCreatedEvent = z.infer<typeof ZendeskTicketCreatedEvent>;

/**
 * The body to paste into a Zendesk trigger ("Ticket is Created" → "Notify by webhook"). The
 * subject is last on purpose: placeholder values may not be JSON-escaped, and the parser reads a
 * body with exactly this layout by position, taking everything after `"subject": "` as the
 * subject. Tenant and delivery id come from the `x-zendesk-account-id` and
 * `x-zendesk-webhook-invocation-id` headers Zendesk adds to every request.
 */
export const ZENDESK_TRIGGER_BODY_TEMPLATE = `{
  "event": "ticket.created",
  "ticket_id": "{{ticket.id}}",
  "priority": "{{ticket.priority}}",
  "requester_email": "{{ticket.requester.email}}",
  "url": "{{ticket.link}}",
  "brand": "{{ticket.brand.name}}",
  "group": "{{ticket.group.name}}",
  "ticket_type": "{{ticket.ticket_type}}",
  "tags": "{{ticket.tags}}",
  "subject": "{{ticket.title}}"
}`;

/**
 * The body of a second trigger, for a ticket's later changes ("Ticket is Updated" → "Notify by
 * webhook", on the same webhook). `event` says what the trigger's conditions select:
 * `ticket.status_changed` (condition "Status | Changed"), `ticket.subject_changed`, or
 * `ticket.updated`, which records both the status and the subject the ticket has now. Deleted
 * tickets fire no trigger; subscribe an event webhook to `ticket.soft_deleted` for those.
 * Placeholders from Zendesk's placeholder reference; UNVERIFIED: how `{{ticket.status}}` spells
 * On-hold (the table takes `hold`, `on-hold` and `on hold`) and the format of
 * `{{ticket.updated_at_with_timestamp}}` (an ISO 8601 time is read; anything else leaves the
 * event time to the receiver's clock). Subject last, as in the creation body.
 */
export const ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE = `{
  "event": "ticket.updated",
  "ticket_id": "{{ticket.id}}",
  "status": "{{ticket.status}}",
  "updated_at": "{{ticket.updated_at_with_timestamp}}",
  "subject": "{{ticket.title}}"
}`;

/** The `event` values a trigger body may carry, and which kind and fields each one means. */
export const ZENDESK_TRIGGER_EVENTS = {
  'ticket.created': { kind: 'ticket.created', changed: [] },
  'ticket.updated': { kind: 'ticket.status_changed', changed: ['status', 'subject'] },
  'ticket.status_changed': { kind: 'ticket.status_changed', changed: ['status'] },
  'ticket.subject_changed': { kind: 'ticket.subject_changed', changed: ['subject'] },
  /** A trigger on "Comment is Present" whose comment has an attachment (see `docs/helpdesk-setup.md`). */
  'ticket.attachment_added': { kind: 'ticket.attachment_added', changed: [] },
} as const satisfies Record<string, { kind: EventKind; changed: readonly TrackedField[] }>;

/** What the trigger templates produce, plus fields an operator may add (`requester_name`). */
export const ZendeskTriggerBody = z.object({
  event: OptionalText,
  status: OptionalText,
  updated_at: OptionalText,
  ticket_id: IdField,
  subject: OptionalText,
  priority: OptionalText,
  requester_email: OptionalText,
  requester_name: OptionalText,
  url: OptionalText,
  brand: OptionalText,
  group: OptionalText,
  ticket_type: OptionalText,
  /** `{{ticket.tags}}`: the tags, space-separated. */
  tags: TagsField,
});
export type ZendeskTriggerBody = z.infer<typeof ZendeskTriggerBody>;
