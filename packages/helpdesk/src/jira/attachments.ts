import { basicAuthHeader, type HttpRequest } from '@ticket-rooms/core';
import { z } from 'zod';
import { type AttachmentReader, download, type ReaderDeps, readerTransport } from '../attachments/reader';
import { callVendor, invalidResponse } from '../notes/writer';
import { jiraErrorMessage } from './writer';

const Id = z.union([z.number(), z.string()]).transform(String);
const IssueAttachments = z.object({
  fields: z.object({
    attachment: z
      .array(z.object({ id: Id, filename: z.string(), size: z.number(), mimeType: z.string().nullish() }))
      .default([]),
  }),
});

/** Jira: `fields.attachment` of the issue; `attachment/content/{id}` answers 303 to signed media storage. */
export function createJiraAttachmentReader(
  opts: { baseUrl: string; email: string; apiToken: string } & ReaderDeps,
): AttachmentReader {
  const authorization = basicAuthHeader(opts.email, opts.apiToken);
  const http = readerTransport('jira', opts.baseUrl, authorization, opts);
  return {
    vendor: 'jira',
    async list(issueKey) {
      const req: HttpRequest = {
        method: 'GET',
        path: `/rest/api/3/issue/${encodeURIComponent(issueKey)}`,
        query: { fields: 'attachment' },
      };
      const res = await callVendor(http.transport, req, jiraErrorMessage);
      const parsed = IssueAttachments.safeParse(res.json);
      if (!parsed.success)
        throw invalidResponse(http.transport, req, 'an issue without fields.attachment', parsed.error);
      return parsed.data.fields.attachment.map((a) => ({
        id: a.id,
        name: a.filename,
        size: a.size,
        ...(a.mimeType ? { contentType: a.mimeType } : {}),
      }));
    },
    open: (_issueKey, attachment) =>
      download(
        {
          vendor: 'jira',
          fetch: http.fetch,
          baseUrl: opts.baseUrl,
          authorization,
          ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        },
        `/rest/api/3/attachment/content/${encodeURIComponent(attachment.id)}`,
      ),
    close: http.close,
  };
}
