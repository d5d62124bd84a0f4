import { createHash } from 'node:crypto';
import {
  type Source,
  TicketEvent,
  type TicketPriority,
  type TicketStatus,
  type TrackedField,
} from '@ticket-rooms/core';
import { accepted, reject } from './outcome';
import type { InboundEvent, InboundOutcome } from './types';

const InboundEventSchema = TicketEvent.omit({ receivedAt: true });

export const LIMITS = {
  tenant: 200,
  ticketId: 200,
  subject: 10_000,
  priority: 100,
  status: 100,
  ticketUrl: 2_000,
  brand: 200,
  group: 200,
  ticketType: 100,
  tag: 100,
  tags: 100,
} as const;

/** Shortens text to `max` UTF-16 units, ending with `…`, without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Priorities are compared downstream, so one spelling: trimmed, lower case, absent when blank. */
export function normalizePriority(value: string | undefined): string | undefined {
  const trimmed = value?.trim().toLowerCase();
  if (!trimmed || trimmed === '-') return undefined;
  return truncate(trimmed, LIMITS.priority);
}

/** A vendor's priorities by their lower-case spelling: what each one is in the one vocabulary. */
export type PriorityTable = Readonly<Record<string, TicketPriority>>;

/** A normalized priority through a vendor's table; one the table lacks stays as it is (lower case). */
export function mapPriority(priority: string | undefined, table: PriorityTable): string | undefined {
  if (priority === undefined) return undefined;
  return Object.hasOwn(table, priority) ? table[priority] : priority;
}

/**
 * Tags as a list: a list as sent, or text split at commas when it has any (Freshdesk renders tags
 * that way, and its tags may hold spaces), else at spaces (Zendesk's tags never hold one). Trimmed,
 * blanks and repeats dropped.
 */
export function tagList(value: readonly string[] | string | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? value.split(value.includes(',') ? ',' : /\s+/) : value;
  const tags: string[] = [];
  for (const item of items) {
    const tag = truncate(item.trim(), LIMITS.tag);
    if (tag !== '' && !tags.includes(tag)) tags.push(tag);
  }
  return tags.slice(0, LIMITS.tags);
}

/** The host of an http(s) URL, lower case; `undefined` for anything else. */
export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url.trim());
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return parsed.host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** A URL worth passing on: http(s) and not absurdly long. */
export function usableUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const trimmed = url.trim();
  return hostOf(trimmed) !== undefined && trimmed.length <= LIMITS.ticketUrl ? trimmed : undefined;
}

/**
 * A delivery id for senders that supply none (Freshdesk), stable across retries of the same
 * delivery so the receiver's dedupe still works.
 */
export function derivedDeliveryId(source: Source, ...parts: string[]): string {
  const digest = createHash('sha256')
    .update([source, ...parts].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  return `${source}-${digest}`;
}

/**
 * A vendor's statuses, lower case, and the one `TicketStatus` each means. Every vendor folder has
 * one; `normalizeStatus` reads it.
 */
export type StatusTable = Readonly<Record<string, TicketStatus>>;

/**
 * One vendor status in the shared vocabulary: trimmed and lower-cased, then looked up in the
 * vendor's table. A status the table does not know (a custom status, a status added after this
 * was written) is kept verbatim, trimmed, so the worker can say which word it did not understand.
 */
export function normalizeStatus(table: StatusTable, raw: string): string {
  const trimmed = raw.trim();
  const key = trimmed.toLowerCase();
  return Object.hasOwn(table, key) ? (table[key] as TicketStatus) : trimmed;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A vendor's time of change as ISO 8601 UTC with milliseconds, the form the ledger compares; or
 * `undefined` when the value is not a date-time with a zone (an unrendered placeholder, a
 * localized date). Only zoned times are read: a time without one would depend on the receiver's
 * time zone and could put a change before one that happened earlier.
 */
export function isoTime(raw: string | number | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') {
    return Number.isFinite(raw) && raw > 0 && raw < 8.64e15 ? new Date(raw).toISOString() : undefined;
  }
  const trimmed = raw.trim();
  if (!ISO_DATE_TIME.test(trimmed)) return undefined;
  // Date.parse wants `T` and a colon in the offset; a vendor may write either way.
  const normalized = trimmed
    .replace(/\s(?=(Z|[+-]\d{2}:?\d{2})$)/i, '')
    .replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** What a vendor parser hands to `finishEvent`: the event before trimming; a creation unless it says otherwise. */
export type InboundDraft = Omit<InboundEvent, 'kind' | 'tags'> & {
  kind?: InboundEvent['kind'];
  /** A list, or the text a template placeholder renders them as. */
  tags?: readonly string[] | string | undefined;
};

/** Where each event field came from in the vendor's delivery, for rejection messages. */
export type FieldNames = Partial<Record<keyof InboundEvent, string>>;

/** Each tracked field once, in the vocabulary's order, so one change reads the same from every vendor. */
function uniqueFields(fields: readonly TrackedField[]): TrackedField[] {
  return (['status', 'subject'] as const).filter((f) => fields.includes(f));
}

/**
 * Final step of every vendor parser: trims what may be trimmed (subject, priority), rejects what
 * may not (an overlong id or tenant), and checks the result against the core schema so nothing
 * downstream ever sees an event that schema would refuse.
 */
export function finishEvent(draft: InboundDraft, names: FieldNames): InboundOutcome {
  const ticketId = draft.ticketId.trim();
  const tenant = draft.tenant.trim();
  if (ticketId.length > LIMITS.ticketId) {
    return reject(
      'PAYLOAD_INVALID',
      `The field ${names.ticketId ?? 'ticketId'} is longer than ${LIMITS.ticketId} characters.`,
    );
  }
  if (tenant.length > LIMITS.tenant) {
    return reject('PAYLOAD_INVALID', `The ${names.tenant ?? 'tenant'} is longer than ${LIMITS.tenant} characters.`);
  }
  // A change must carry the value it changes to; the ledger would record nothing otherwise.
  for (const field of draft.changed ?? []) {
    const value = field === 'status' ? draft.status : draft.subject;
    if (value === undefined || value.trim() === '') {
      return reject('PAYLOAD_INVALID', `The field ${names[field] ?? field} is missing.`);
    }
  }
  const event: InboundEvent = {
    kind: draft.kind ?? 'ticket.created',
    source: draft.source,
    tenant,
    ticketId,
    subject: truncate(draft.subject.trim(), LIMITS.subject),
    deliveryId: truncate(draft.deliveryId.trim(), 300),
  };
  if (draft.occurredAt !== undefined) event.occurredAt = draft.occurredAt;
  const status = draft.status?.trim();
  if (status) event.status = truncate(status, LIMITS.status);
  if (draft.changed !== undefined && draft.changed.length > 0) event.changed = uniqueFields(draft.changed);
  const priority = normalizePriority(draft.priority);
  if (priority !== undefined) event.priority = priority;
  for (const field of ['brand', 'group', 'ticketType'] as const) {
    const value = draft[field]?.trim();
    if (value) event[field] = truncate(value, LIMITS[field]);
  }
  const tags = tagList(draft.tags);
  if (tags.length > 0) event.tags = tags;
  const ticketUrl = usableUrl(draft.ticketUrl);
  if (ticketUrl !== undefined) event.ticketUrl = ticketUrl;
  if (draft.requester) {
    const requester: NonNullable<InboundEvent['requester']> = {};
    for (const key of ['id', 'name', 'email'] as const) {
      const value = draft.requester[key]?.trim();
      if (value) requester[key] = truncate(value, 500);
    }
    if (Object.keys(requester).length > 0) event.requester = requester;
  }
  const checked = InboundEventSchema.safeParse(event);
  if (!checked.success) {
    const field = String(checked.error.issues[0]?.path[0] ?? 'payload') as keyof InboundEvent;
    return reject('PAYLOAD_INVALID', `The field ${names[field] ?? field} is invalid.`);
  }
  return accepted(checked.data);
}
