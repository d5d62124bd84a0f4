import {
  basicAuthHeader,
  createHttpTransport,
  type FetchLike,
  type HttpRequest,
  type HttpTransport,
} from '@ticket-rooms/core';
import { z } from 'zod';
import { carriesMarker, type NoteWriter } from '../notes/note';
import { asRecord, callVendor, firstText, invalidResponse, MAX_PAGES, noteWriter } from '../notes/writer';

export interface ZendeskWriterOptions {
  /** `https://{subdomain}.zendesk.com` */
  baseUrl: string;
  /** The agent the API token belongs to. */
  email: string;
  apiToken: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

const Id = z.union([z.number(), z.string()]).transform(String);

/** `GET /api/v2/tickets/{id}/comments` with cursor pagination. */
/** A page of `GET /api/v2/tickets/{id}/comments.json` (cursor paging), with comments of the given shape. */
export function commentsPageOf<C extends z.ZodType>(comment: C) {
  return z.object({
    comments: z.array(comment),
    meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullish() }).nullish(),
  });
}

const ZendeskCommentsPage = commentsPageOf(
  z.object({
    id: Id,
    body: z.string().nullish(),
    html_body: z.string().nullish(),
    plain_body: z.string().nullish(),
  }),
);

/**
 * A ticket's comments, page by page (100 a page, at most `MAX_PAGES`), each page checked against
 * `page`: for the note's read-back and the attachment listing alike.
 */
export async function* zendeskComments<C>(
  transport: HttpTransport,
  ticketId: string,
  page: z.ZodType<{
    comments: C[];
    meta?: { has_more: boolean; after_cursor?: string | null | undefined } | null | undefined;
  }>,
): AsyncGenerator<C[]> {
  let after: string | undefined;
  for (let n = 0; n < MAX_PAGES; n += 1) {
    const req: HttpRequest = {
      method: 'GET',
      path: `/api/v2/tickets/${encodeURIComponent(ticketId)}/comments.json`,
      query: { 'page[size]': 100, 'page[after]': after },
    };
    const res = await callVendor(transport, req, zendeskErrorMessage);
    const parsed = page.safeParse(res.json);
    if (!parsed.success) throw invalidResponse(transport, req, 'a body that is not a page of comments', parsed.error);
    yield parsed.data.comments;
    const meta = parsed.data.meta;
    if (!meta?.has_more || !meta.after_cursor) return;
    after = meta.after_cursor;
  }
}

/** `PUT /api/v2/tickets/{id}` answers `{ticket, audit}`; the new comment is one of the audit's events. */
const ZendeskTicketUpdate = z.object({
  audit: z.object({
    id: Id.optional(),
    events: z.array(z.object({ id: Id, type: z.string() })).default([]),
  }),
});

/** `{"error":"RecordNotFound","description":"Not found"}`, `{"error":{"title","message"}}`, or 422 `details`. */
export function zendeskErrorMessage(json: unknown): string | undefined {
  const body = asRecord(json);
  if (!body) return undefined;
  const error = asRecord(body.error);
  const head = firstText(error?.message, error?.title, body.description, body.error);
  const details = asRecord(body.details);
  const firstDetail = details ? Object.values(details).flat()[0] : undefined;
  const detail = firstText(asRecord(firstDetail)?.description);
  return (
    [typeof body.error === 'string' && head !== body.error ? body.error : undefined, head, detail]
      .filter((x): x is string => x !== undefined)
      .join(': ') || undefined
  );
}

/** Internal notes on Zendesk tickets: a private comment added through the Tickets API. */
export function createZendeskWriter(opts: ZendeskWriterOptions): NoteWriter {
  const transport = createHttpTransport({
    vendor: 'zendesk',
    baseUrl: opts.baseUrl,
    headers: { authorization: basicAuthHeader(`${opts.email}/token`, opts.apiToken) },
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
  });

  async function findNote(ticketId: string, marker: string) {
    for await (const comments of zendeskComments(transport, ticketId, ZendeskCommentsPage)) {
      const hit = comments.find((c) => carriesMarker(marker, c.plain_body, c.body, c.html_body));
      if (hit) return { noteId: hit.id };
    }
    return undefined;
  }

  async function addNote(ticketId: string, note: { html: string }) {
    const req: HttpRequest = {
      method: 'PUT',
      path: `/api/v2/tickets/${encodeURIComponent(ticketId)}.json`,
      // `public: false` always: a new comment otherwise inherits the visibility set at ticket creation.
      body: { ticket: { comment: { html_body: note.html, public: false } } },
    };
    const res = await callVendor(transport, req, zendeskErrorMessage);
    const parsed = ZendeskTicketUpdate.safeParse(res.json);
    if (!parsed.success) throw invalidResponse(transport, req, 'a body without an audit', parsed.error);
    const comment = parsed.data.audit.events.find((e) => e.type === 'Comment');
    const noteId = comment?.id ?? parsed.data.audit.id;
    if (noteId === undefined) throw invalidResponse(transport, req, 'an audit without a comment event');
    return { noteId };
  }

  return noteWriter('zendesk', transport, findNote, addNote);
}
