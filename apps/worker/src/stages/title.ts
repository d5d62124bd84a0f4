import type { TicketEvent } from '@ticket-rooms/core';
import { sanitizeTitle } from '@ticket-rooms/docspace-client';

export const DEFAULT_TITLE_TEMPLATE = 'Ticket #{ticketId} - {subject}';

/** The fields a room title template may use. */
export const TITLE_FIELDS = ['ticketId', 'subject', 'source', 'tenant', 'priority'] as const;
type TitleField = (typeof TITLE_FIELDS)[number];

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Placeholders in a template that are not title fields: a typo in ROOM_TITLE_TEMPLATE. */
export function unknownPlaceholders(template: string): string[] {
  const unknown = new Set<string>();
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!(TITLE_FIELDS as readonly string[]).includes(name ?? '')) unknown.add(`{${name}}`);
  }
  return [...unknown];
}

/** What is wrong with a title template, in words; `undefined` when nothing is. */
export function titleTemplateProblem(template: string): string | undefined {
  const unknown = unknownPlaceholders(template);
  if (unknown.length === 0) return undefined;
  const fields = TITLE_FIELDS.map((f) => `{${f}}`).join(' ');
  return `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a field' : 'are not fields'}; use ${fields}`;
}

/** Line breaks and runs of whitespace in a subject would make a title nobody can read in a list. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/**
 * The room title for a ticket: the template filled in, then made safe for DocSpace with the
 * server's own rules (invalid characters, the 170-character limit). An empty subject does not
 * leave a dangling separator behind (`Ticket #7 -` becomes `Ticket #7`).
 */
export function renderRoomTitle(template: string, event: TicketEvent): string {
  const values: Record<TitleField, string> = {
    ticketId: event.ticketId,
    subject: event.subject,
    source: event.source,
    tenant: event.tenant,
    priority: event.priority ?? '',
  };
  const filled = template.replace(PLACEHOLDER, (match, name: string) =>
    name in values ? oneLine(values[name as TitleField]) : match,
  );
  const tidy = oneLine(filled).replace(/[\s\-–—:|,;]+$/u, '');
  return sanitizeTitle(tidy.length > 0 ? tidy : `Ticket #${oneLine(event.ticketId)}`, 'room');
}
