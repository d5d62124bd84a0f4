import { createHash } from 'node:crypto';

/** An internal note to put on a ticket, in the forms the vendors take, and the marker that finds it again. */
export interface Note {
  /** Visible text unique to the ticket: plain letters, digits and dashes, which every vendor's HTML and wiki handling keeps. */
  marker: string;
  /** Plain text (Jira takes plain text or wiki markup). */
  text: string;
  /** HTML (Zendesk `html_body`, Freshdesk `body`). */
  html: string;
}

/** What the worker calls to write the room link back. */
export interface NoteWriter {
  readonly vendor: 'zendesk' | 'freshdesk' | 'jira';
  /** Pages through all of the ticket's notes and returns the first that carries `marker`. */
  findNote(ticketId: string, marker: string): Promise<{ noteId: string } | undefined>;
  /** Posts the note as internal/private. Not idempotent by itself: use `ensureNote`. */
  addNote(ticketId: string, note: Note): Promise<{ noteId: string }>;
  /** Reads back first and posts only when the marker is not on the ticket yet. */
  ensureNote(ticketId: string, note: Note): Promise<{ noteId: string; alreadyPresent: boolean }>;
  close(): Promise<void>;
}

/**
 * The marker of a ticket's room note. Derived from the ticket key, so every retry (and every
 * worker) looks for the same text; with the link, it also carries a short hash of the URL, so a
 * repaired room whose link changed gets a new note, while a note for an unchanged link is found
 * again and never posted twice. Hashed, so it holds nothing that HTML sanitizers, wiki markup or
 * autolinkers would touch (no brackets, colons, underscores or double dashes). Without the link
 * it is the marker's ticket part, which every note of the ticket contains.
 */
export function noteMarker(key: string, url?: string): string {
  const ticket = `ticket-rooms-ref-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
  if (url === undefined) return ticket;
  return `${ticket}-${createHash('sha256').update(url).digest('hex').slice(0, 8)}`;
}

/** Text made safe inside HTML notes, as every note renderer needs it. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The note that carries a room link. The URL is also plain text, for vendors that strip links. */
export function renderRoomNote(input: { roomTitle: string; url: string; key: string }): Note {
  const marker = noteMarker(input.key, input.url);
  const title = input.roomTitle.trim() || 'Investigation room';
  const text = `Investigation room: ${title}\n${input.url}\n\nReference: ${marker}`;
  const html =
    `<p>Investigation room: <strong>${escapeHtml(title)}</strong><br>` +
    `<a href="${escapeHtml(input.url)}">${escapeHtml(input.url)}</a></p>` +
    `<p>Reference: ${marker}</p>`;
  return { marker, text, html };
}

/** True when any of the texts a vendor returns for a note holds the marker. */
export function carriesMarker(marker: string, ...texts: (string | null | undefined)[]): boolean {
  return texts.some((t) => typeof t === 'string' && t.includes(marker));
}
