import { basicAuthHeader, type HttpRequest, VendorError } from '@ticket-rooms/core';
import { z } from 'zod';
import {
  type AttachmentReader,
  download,
  type ReaderDeps,
  readerTransport,
  type TicketAttachment,
} from '../attachments/reader';
import { callVendor, invalidResponse, MAX_PAGES } from '../notes/writer';
import { freshdeskErrorMessage } from './writer';

const Id = z.union([z.number(), z.string()]).transform(String);
const Attachment = z.object({
  id: Id,
  name: z.string(),
  size: z.number(),
  content_type: z.string().nullish(),
  attachment_url: z.string(),
});
const WithAttachments = z.object({ attachments: z.array(Attachment).default([]) });

/**
 * Freshdesk: the ticket's own `attachments` and each conversation's. `attachment_url` is a
 * pre-signed storage URL that expires, so `open` lists again for a fresh one, and once more if
 * the storage says it has expired by the time we use it.
 */
export function createFreshdeskAttachmentReader(
  opts: { baseUrl: string; apiKey: string } & ReaderDeps,
): AttachmentReader {
  const http = readerTransport('freshdesk', opts.baseUrl, basicAuthHeader(opts.apiKey, 'X'), opts);

  async function listWithUrls(ticketId: string): Promise<Array<TicketAttachment & { url: string }>> {
    const id = encodeURIComponent(ticketId);
    const ticketReq: HttpRequest = { method: 'GET', path: `/api/v2/tickets/${id}` };
    const ticket = WithAttachments.safeParse((await callVendor(http.transport, ticketReq, freshdeskErrorMessage)).json);
    if (!ticket.success) throw invalidResponse(http.transport, ticketReq, 'a ticket without attachments', ticket.error);
    const all = [...ticket.data.attachments];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const req: HttpRequest = {
        method: 'GET',
        path: `/api/v2/tickets/${id}/conversations`,
        query: { per_page: 100, page },
      };
      const res = await callVendor(http.transport, req, freshdeskErrorMessage);
      const parsed = z.array(WithAttachments).safeParse(res.json);
      if (!parsed.success)
        throw invalidResponse(http.transport, req, 'a body that is not a list of conversations', parsed.error);
      for (const c of parsed.data) all.push(...c.attachments);
      if (!/rel="?next"?/.test(res.headers.get('link') ?? '')) break;
    }
    return all.map((a) => ({
      id: a.id,
      name: a.name,
      size: a.size,
      url: a.attachment_url,
      ...(a.content_type ? { contentType: a.content_type } : {}),
    }));
  }

  return {
    vendor: 'freshdesk',
    async list(ticketId) {
      return (await listWithUrls(ticketId)).map(({ url: _url, ...a }) => a);
    },
    async open(ticketId, attachment) {
      for (let attempt = 1; ; attempt += 1) {
        const found = (await listWithUrls(ticketId)).find((a) => a.id === attachment.id);
        if (!found) {
          throw new VendorError({
            vendor: 'freshdesk',
            code: 'NOT_FOUND',
            message: `freshdesk no longer lists attachment ${attachment.id} on ticket ${ticketId}`,
            method: 'GET',
            path: `/api/v2/tickets/${ticketId}`,
          });
        }
        try {
          // The URL is pre-signed: no credentials go with it.
          return await download(
            {
              vendor: 'freshdesk',
              fetch: http.fetch,
              baseUrl: opts.baseUrl,
              authorization: undefined,
              ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
            },
            found.url,
          );
        } catch (err) {
          // An expired URL answers 403; the next listing signs a new one.
          if (attempt < 2 && err instanceof VendorError && err.statusCode === 403) continue;
          throw err;
        }
      }
    },
    close: http.close,
  };
}
