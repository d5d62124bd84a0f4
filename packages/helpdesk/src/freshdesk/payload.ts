import { z } from 'zod';
import { IdField, OptionalText, TagsField } from '../inbound/fields';

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

/** What the automation template produces, plus `tenant` and `requester_name` if an operator adds them. */
export const FreshdeskAutomationBody = z.object({
  event: OptionalText,
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
  };
}
