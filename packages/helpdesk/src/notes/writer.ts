import {
  errorFromResponse,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  VendorError,
} from '@ticket-rooms/core';
import type { Note, NoteWriter } from './note';

/** How a vendor says what went wrong, pulled out of its error body. */
export type MessageOf = (json: unknown) => string | undefined;

/** Sends a request; a non-2xx answer becomes the shared `VendorError`, retry class and `Retry-After` included. */
export async function callVendor(
  transport: HttpTransport,
  req: HttpRequest,
  messageOf: MessageOf,
): Promise<HttpResponse> {
  const res = await transport.send(req);
  if (res.status >= 200 && res.status < 300) return res;
  const said = messageOf(res.json);
  const error = errorFromResponse(transport, req, res, said === undefined ? undefined : said.slice(0, 300));
  // Jira may give only `X-RateLimit-Reset` (an ISO date) instead of `Retry-After`.
  const reset = res.headers.get('x-ratelimit-reset');
  const resetAt = reset && /^\d{4}-\d{2}-\d{2}T/.test(reset) ? Date.parse(reset) : Number.NaN;
  if (error.retryAfterMs === undefined && error.retryable && !Number.isNaN(resetAt)) {
    throw withRetryAfter(error, Math.max(0, resetAt - Date.now()));
  }
  throw error;
}

function withRetryAfter(error: VendorError, retryAfterMs: number): VendorError {
  return new VendorError({
    vendor: error.vendor,
    code: error.code,
    message: error.message,
    method: error.method,
    path: error.path,
    retryable: error.retryable,
    retryAfterMs,
    ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
    ...(error.vendorMessage === undefined ? {} : { vendorMessage: error.vendorMessage }),
  });
}

/** A 2xx whose body is not what the vendor documents. */
export function invalidResponse(
  transport: HttpTransport,
  req: HttpRequest,
  what: string,
  cause?: unknown,
): VendorError {
  return new VendorError({
    vendor: transport.vendor,
    code: 'INVALID_RESPONSE',
    message: `${transport.vendor} answered ${req.method} ${req.path} with ${what}`,
    method: req.method,
    path: req.path,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** First string among candidates, for pulling messages out of loosely shaped error bodies. */
export function firstText(...candidates: unknown[]): string | undefined {
  for (const c of candidates) if (typeof c === 'string' && c.trim() !== '') return c.trim();
  return undefined;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Builds the writer from a vendor's find and add; the read-back before the write lives here, once. */
export function noteWriter(
  vendor: NoteWriter['vendor'],
  transport: HttpTransport,
  findNote: NoteWriter['findNote'],
  addNote: NoteWriter['addNote'],
): NoteWriter {
  return {
    vendor,
    findNote,
    addNote,
    async ensureNote(ticketId: string, note: Note) {
      // A retry after a lost response must not post twice: look for the marker first.
      const existing = await findNote(ticketId, note.marker);
      if (existing) return { noteId: existing.noteId, alreadyPresent: true };
      const added = await addNote(ticketId, note);
      return { noteId: added.noteId, alreadyPresent: false };
    },
    close: () => transport.close(),
  };
}

/** Upper bound on pages read back, so a vendor that never says "last page" cannot loop us forever. */
export const MAX_PAGES = 1_000;
