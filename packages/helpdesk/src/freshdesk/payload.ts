import type { EventKind } from '@ticket-rooms/core';
import { z } from 'zod';
import { IdField, OptionalText, TagsField } from '../inbound/fields';
import type { StatusTable } from '../inbound/normalize';

/**
 * The body to paste into a Freshdesk automation rule (Ticket Creation → action "Trigger Webhook",
 * Encoding JSON, Content "Advanced"). Freshdesk renders every placeholder as a string and
 * status/priority as labels ("High"). The subject is last on purpose: placeholder values may not
 * be JSON-escaped, and the parser reads a body with exactly this layout by position. The tenant is
 * the host of `ticket_url` unless a `"tenant"` key is added.
 *
 * Authenticate the rule with basic auth (any user name, `FRESHDESK_WEBHOOK_TOKEN` as the
 * password) or a custom header `x-ticket-rooms-token: <FRESHDESK_WEBHOOK_TOKEN>`: Freshdesk signs
 * nothing.
 */
export const FRESHDESK_AUTOMATION_BODY_TEMPLATE = `{
  "event": "ticket.created",
  "ticket_id": "{{ticket.id}}",
  "ticket_url": "{{ticket.url}}",
  "priority": "{{ticket.priority}}",
  "requester_email": "{{ticket.requester.email}}",
  "group": "{{ticket.group.name}}",
  "ticket_type": "{{ticket.ticket_type}}",
  "tags": "{{ticket.tags}}",
  "subject": "{{ticket.subject}}"
}`;

/**
 * The body of a second rule, under Automations → **Ticket Updates**, for a ticket's later changes
 * (events "Status is changed", and "Subject is changed" where the plan offers it). Freshdesk renders
 * `{{ticket.status}}` as the status label ("Resolved"), and `{{triggered_event}}` as what fired the
 * rule, unquoted: `{status:{from:Open,to:Resolved}}` or `{ticket_action:created}` (Zulip's
 * captured deliveries, `zerver/webhooks/freshdesk`, and its parser, which also saw numbers:
 * `{status:{from:4,to:6}}`). `event` may name the change instead: `ticket.status_changed`,
 * `ticket.subject_changed` or `ticket.deleted`, for a rule per change. UNVERIFIED: the
 * `{{ticket.updated_at}}` placeholder and its format (a zoned ISO 8601 time is read as the time of
 * the change; anything else leaves it to the receiver's clock), and which rule events exist on
 * which plan. Subject last, as in the creation body.
 */
export const FRESHDESK_UPDATE_BODY_TEMPLATE = `{
  "event": "ticket.updated",
  "ticket_id": "{{ticket.id}}",
  "ticket_url": "{{ticket.url}}",
  "triggered_event": "{{triggered_event}}",
  "status": "{{ticket.status}}",
  "updated_at": "{{ticket.updated_at}}",
  "subject": "{{ticket.subject}}"
}`;

/** The `event` values a rule may send, and the kind each one is; `ticket.updated` reads `triggered_event`. */
export const FRESHDESK_EVENTS = {
  'ticket.created': 'ticket.created',
  'ticket.updated': 'ticket.status_changed',
  'ticket.status_changed': 'ticket.status_changed',
  'ticket.subject_changed': 'ticket.subject_changed',
  'ticket.deleted': 'ticket.deleted',
  /**
   * A rule on "Note is added" or "Reply is sent" (the update body with this `event`): the ticket
   * may have new files, which the sync lists through the API. UNVERIFIED: the names of those rule
   * events on every plan, and whether a rule can test "has attachment" (it need not).
   */
  'ticket.attachment_added': 'ticket.attachment_added',
} as const satisfies Record<string, EventKind>;
export type FreshdeskEvent = keyof typeof FRESHDESK_EVENTS;

/**
 * Freshdesk's statuses, as the API's numbers (2 Open, 3 Pending, 4 Resolved, 5 Closed) and as the
 * labels placeholders render. Custom statuses (6 and up, e.g. "Waiting on Customer") are each
 * account's own and are kept verbatim by name.
 */
export const FRESHDESK_STATUSES: StatusTable = {
  '2': 'open',
  '3': 'pending',
  '4': 'solved',
  '5': 'closed',
  open: 'open',
  pending: 'pending',
  resolved: 'solved',
  closed: 'closed',
};

/** What the automation templates produce, plus `tenant` and `requester_name` if an operator adds them. */
export const FreshdeskAutomationBody = z.object({
  event: OptionalText,
  status: OptionalText,
  updated_at: OptionalText,
  /** `{{triggered_event}}`, e.g. `{ticket_action:created}`, in bodies copied from older guides. */
  triggered_event: OptionalText,
  ticket_id: IdField,
  ticket_url: OptionalText,
  tenant: OptionalText,
  priority: OptionalText,
  requester_email: OptionalText,
  requester_name: OptionalText,
  group: OptionalText,
  ticket_type: OptionalText,
  /** `{{ticket.tags}}`: the tags, comma-separated. */
  tags: TagsField,
  subject: OptionalText,
});
export type FreshdeskAutomationBody = z.infer<typeof FreshdeskAutomationBody>;

/**
 * Bodies written for the widely copied `{"freshdesk_webhook": {...}}` layout (`ticket_subject`,
 * `ticket_priority`, …) are accepted too, so an existing rule can be pointed at us unchanged.
 */
export function fromWrappedLayout(inner: Record<string, unknown>): Record<string, unknown> {
  const pick = (...keys: string[]) => keys.map((k) => inner[k]).find((v) => v !== undefined);
  return {
    event: inner.event,
    triggered_event: inner.triggered_event,
    ticket_id: inner.ticket_id,
    ticket_url: inner.ticket_url,
    tenant: inner.tenant,
    priority: pick('priority', 'ticket_priority'),
    requester_email: pick('requester_email', 'ticket_contact_email'),
    requester_name: inner.requester_name,
    group: pick('group', 'ticket_group'),
    ticket_type: pick('ticket_type'),
    tags: pick('tags', 'ticket_tags'),
    subject: pick('subject', 'ticket_subject'),
    status: pick('status', 'ticket_status'),
    updated_at: pick('updated_at', 'ticket_updated_at'),
  };
}
