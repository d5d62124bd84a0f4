import { basicAuthHeader, type HttpRequest } from '@ticket-rooms/core';
import { z } from 'zod';
import {
  type AttachmentReader,
  download,
  type ReaderDeps,
  readerTransport,
  type TicketAttachment,
} from '../attachments/reader';
import { callVendor, invalidResponse } from '../notes/writer';
import { commentsPageOf, zendeskComments, zendeskErrorMessage } from './writer';

const Id = z.union([z.number(), z.string()]).transform(String);
const Attachment = z.object({
  id: Id,
  file_name: z.string(),
  size: z.number(),
  content_type: z.string().nullish(),
  content_url: z.string().optional(),
  deleted: z.boolean().optional(),
});
const CommentsPage = commentsPageOf(z.object({ attachments: z.array(Attachment).default([]) }));
const AttachmentShow = z.object({ attachment: Attachment });

/** Zendesk: attachments hang off comments; `content_url` (agent credentials) redirects to signed storage. */
export function createZendeskAttachmentReader(
  opts: { baseUrl: string; email: string; apiToken: string } & ReaderDeps,
): AttachmentReader {
  const authorization = basicAuthHeader(`${opts.email}/token`, opts.apiToken);
  const http = readerTransport('zendesk', opts.baseUrl, authorization, opts);

  return {
    vendor: 'zendesk',
    async list(ticketId) {
      const out: TicketAttachment[] = [];
      for await (const comments of zendeskComments(http.transport, ticketId, CommentsPage)) {
        for (const c of comments) {
          for (const a of c.attachments) {
            if (a.deleted) continue;
            out.push({
              id: a.id,
              name: a.file_name,
              size: a.size,
              ...(a.content_type ? { contentType: a.content_type } : {}),
            });
          }
        }
      }
      return out;
    },
    async open(_ticketId, attachment) {
      const req: HttpRequest = { method: 'GET', path: `/api/v2/attachments/${encodeURIComponent(attachment.id)}.json` };
      const res = await callVendor(http.transport, req, zendeskErrorMessage);
      const parsed = AttachmentShow.safeParse(res.json);
      if (!parsed.success || !parsed.data.attachment.content_url) {
        throw invalidResponse(http.transport, req, 'an attachment without its content_url', parsed.error);
      }
      return download(
        {
          vendor: 'zendesk',
          fetch: http.fetch,
          baseUrl: opts.baseUrl,
          authorization,
          ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        },
        parsed.data.attachment.content_url,
      );
    },
    close: http.close,
  };
}
