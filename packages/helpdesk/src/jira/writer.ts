import { basicAuthHeader, createHttpTransport, type FetchLike, type HttpRequest } from '@ticket-rooms/core';
import { z } from 'zod';
import { carriesMarker, type NoteWriter } from '../notes/note';
import { asRecord, callVendor, firstText, invalidResponse, MAX_PAGES, noteWriter } from '../notes/writer';

export interface JiraWriterOptions {
  /** `https://{site}.atlassian.net` */
  baseUrl: string;
  /** The agent the API token belongs to: customers cannot add internal comments. */
  email: string;
  apiToken: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

const LIMIT = 100;
const Id = z.union([z.number(), z.string()]).transform(String);

/** `GET /rest/servicedeskapi/request/{key}/comment`: a JSM page. */
const JsmCommentPage = z.object({
  size: z.number().optional(),
  isLastPage: z.boolean().optional(),
  values: z.array(z.object({ id: Id, body: z.string().nullish() })),
});

const JsmComment = z.object({ id: Id });

/** JSM `{"errorMessage": …}`, platform `{"errorMessages": […], "errors": {field: msg}}`. */
export function jiraErrorMessage(json: unknown): string | undefined {
  const body = asRecord(json);
  if (!body) return undefined;
  const messages = Array.isArray(body.errorMessages) ? body.errorMessages : [];
  const fieldErrors = asRecord(body.errors);
  const firstField = fieldErrors ? Object.entries(fieldErrors)[0] : undefined;
  return firstText(
    body.errorMessage,
    messages[0],
    firstField ? `${firstField[0]}: ${String(firstField[1])}` : undefined,
    body.message,
  );
}

/**
 * Internal comments on Jira Service Management requests. The JSM endpoint is the one that can
 * make a comment internal; the platform comment API makes it public to the customer by default.
 */
export function createJiraWriter(opts: JiraWriterOptions): NoteWriter {
  const transport = createHttpTransport({
    vendor: 'jira',
    baseUrl: opts.baseUrl,
    headers: { authorization: basicAuthHeader(opts.email, opts.apiToken) },
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
  });

  async function findNote(issueKey: string, marker: string) {
    let start = 0;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const req: HttpRequest = {
        method: 'GET',
        path: `/rest/servicedeskapi/request/${encodeURIComponent(issueKey)}/comment`,
        query: { public: true, internal: true, start, limit: LIMIT },
      };
      const res = await callVendor(transport, req, jiraErrorMessage);
      const parsed = JsmCommentPage.safeParse(res.json);
      if (!parsed.success) throw invalidResponse(transport, req, 'a body that is not a page of comments', parsed.error);
      const hit = parsed.data.values.find((c) => carriesMarker(marker, c.body));
      if (hit) return { noteId: hit.id };
      const size = parsed.data.size ?? parsed.data.values.length;
      if (parsed.data.isLastPage !== false || size === 0) return undefined;
      start += size;
    }
    return undefined;
  }

  async function addNote(issueKey: string, note: { text: string }) {
    const req: HttpRequest = {
      method: 'POST',
      path: `/rest/servicedeskapi/request/${encodeURIComponent(issueKey)}/comment`,
      body: { body: note.text, public: false },
    };
    const res = await callVendor(transport, req, jiraErrorMessage);
    const parsed = JsmComment.safeParse(res.json);
    if (!parsed.success) throw invalidResponse(transport, req, 'a body without the comment id', parsed.error);
    return { noteId: parsed.data.id };
  }

  return noteWriter('jira', transport, findNote, addNote);
}
