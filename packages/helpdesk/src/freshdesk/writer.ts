import { basicAuthHeader, createHttpTransport, type FetchLike, type HttpRequest } from '@ticket-rooms/core';
import { z } from 'zod';
import { carriesMarker, type NoteWriter } from '../notes/note';
import { asRecord, callVendor, firstText, invalidResponse, MAX_PAGES, noteWriter } from '../notes/writer';

export interface FreshdeskWriterOptions {
  /** `https://{domain}.freshdesk.com` */
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

const PER_PAGE = 100;
const Id = z.union([z.number(), z.string()]).transform(String);

/** `GET /api/v2/tickets/{id}/conversations`: a bare array of replies and notes. */
const FreshdeskConversations = z.array(
  z.object({ id: Id, body: z.string().nullish(), body_text: z.string().nullish() }),
);

const FreshdeskNote = z.object({ id: Id });

/** `{"description":"Validation failed","errors":[{field,message,code}]}` or `{"code","message"}`. */
export function freshdeskErrorMessage(json: unknown): string | undefined {
  const body = asRecord(json);
  if (!body) return undefined;
  const first = Array.isArray(body.errors) ? asRecord(body.errors[0]) : undefined;
  const detail = first
    ? [firstText(first.field), firstText(first.message)].filter((x) => x !== undefined).join(': ')
    : undefined;
  return [firstText(body.message, body.description), detail].filter((x) => x).join(': ') || undefined;
}

/** Private notes on Freshdesk tickets. */
export function createFreshdeskWriter(opts: FreshdeskWriterOptions): NoteWriter {
  const transport = createHttpTransport({
    vendor: 'freshdesk',
    baseUrl: opts.baseUrl,
    // The API key is the user name; the password is ignored, `X` by convention.
    headers: { authorization: basicAuthHeader(opts.apiKey, 'X') },
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
  });

  async function findNote(ticketId: string, marker: string) {
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const req: HttpRequest = {
        method: 'GET',
        path: `/api/v2/tickets/${encodeURIComponent(ticketId)}/conversations`,
        query: { per_page: PER_PAGE, page },
      };
      const res = await callVendor(transport, req, freshdeskErrorMessage);
      const parsed = FreshdeskConversations.safeParse(res.json);
      if (!parsed.success)
        throw invalidResponse(transport, req, 'a body that is not a list of conversations', parsed.error);
      const hit = parsed.data.find((c) => carriesMarker(marker, c.body_text, c.body));
      if (hit) return { noteId: hit.id };
      // Freshdesk sends `Link: <…>; rel="next"` while more pages exist.
      if (!/rel="?next"?/.test(res.headers.get('link') ?? '')) return undefined;
    }
    return undefined;
  }

  async function addNote(ticketId: string, note: { html: string }) {
    const req: HttpRequest = {
      method: 'POST',
      path: `/api/v2/tickets/${encodeURIComponent(ticketId)}/notes`,
      body: { body: note.html, private: true },
    };
    const res = await callVendor(transport, req, freshdeskErrorMessage);
    const parsed = FreshdeskNote.safeParse(res.json);
    if (!parsed.success) throw invalidResponse(transport, req, 'a body without the note id', parsed.error);
    return { noteId: parsed.data.id };
  }

  return noteWriter('freshdesk', transport, findNote, addNote);
}
