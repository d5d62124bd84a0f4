import { z } from 'zod';
import { IdField, OptionalText, requiredObject, TagsField } from '../inbound/fields';

export const ZENDESK_TICKET_CREATED = 'zen:event-type:ticket.created';

/** What tells an event-subscribed delivery apart: its `type`, and its `id` for dedupe. */
export const ZendeskEventEnvelope = z.object({
  type: z.string(),
  id: OptionalText,
});
export type ZendeskEventEnvelope = z.infer<typeof ZendeskEventEnvelope>;

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

/** What the trigger template produces, plus fields an operator may add (`requester_name`). */
export const ZendeskTriggerBody = z.object({
  event: OptionalText,
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
