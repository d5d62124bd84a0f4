import { z } from 'zod';
import { IdField, OptionalText, TagsField } from '../inbound/fields';

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
 * `{"ticketId": "...", "subject": "..."}`: what existing integrations send to
 * `/helpdesk/ticket-created`. `ticketId` may be a number in the wild. Optional: `priority`,
 * `requester`, `ticketUrl`, `tenant` (default `default`), `deliveryId`, `brand`, `group`,
 * `ticketType`, `tags` (a list or comma-separated), and `event` (anything but
 * `ticket.created` is acknowledged and ignored).
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
  brand: OptionalText,
  group: OptionalText,
  ticketType: OptionalText,
  /** A list, or one comma-separated string. */
  tags: TagsField,
});
export type GenericTicketPayload = z.infer<typeof GenericTicketPayload>;
