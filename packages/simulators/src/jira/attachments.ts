import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimAttachment, SimAttachments } from '../shared/attachments';
import { multipartBoundary, readMultipart } from '../shared/multipart';
import type { JiraIssue, JiraStore } from './store';
import { userView } from './views';

/** Where `attachment/content/{id}` redirects: signed media storage, valid for a few minutes. */
const MEDIA_PATH = '/jira-media';
const MEDIA_TTL_MS = 5 * 60 * 1000;

function base(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** `Attachment` as the platform API shows it in `fields.attachment` and `attachment/{id}`. */
export function attachmentView(origin: string, att: SimAttachment) {
  return {
    self: `${origin}/rest/api/3/attachment/${att.id}`,
    id: String(att.id),
    filename: att.name,
    author: userView(origin),
    created: att.createdAt.replace('Z', '.000+0000'),
    size: att.size,
    mimeType: att.contentType,
    content: `${origin}/rest/api/3/attachment/content/${att.id}`,
  };
}

export function attachmentViews(attachments: SimAttachments, req: FastifyRequest, ids: readonly number[]) {
  return ids.flatMap((id) => {
    const att = attachments.get(id);
    return att ? [attachmentView(base(req), att)] : [];
  });
}

function platformError(reply: FastifyReply, status: number, messages: string[]) {
  return reply.code(status).send({ errorMessages: messages, errors: {} });
}

/**
 * Jira's attachments: `POST issue/{key}/attachments` (multipart `file` parts, refused without
 * `X-Atlassian-Token: no-check`), `GET attachment/{id}`, and `GET attachment/content/{id}`, which
 * answers 303 to a signed media URL.
 */
export function jiraAttachmentRoutes(
  app: FastifyInstance,
  deps: {
    store: JiraStore;
    attachments: SimAttachments;
    onAdded?: (issue: JiraIssue, file: SimAttachment) => void;
  },
): void {
  const { store, attachments } = deps;
  // The route reads the form itself, storing each file as it arrives.
  app.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, undefined));

  for (const version of ['2', '3'] as const) {
    app.post<{ Params: { key: string } }>(`/rest/api/${version}/issue/:key/attachments`, async (req, reply) => {
      if (String(req.headers['x-atlassian-token'] ?? '').toLowerCase() !== 'no-check') {
        req.raw.resume();
        return reply.code(403).type('text/plain; charset=UTF-8').send('XSRF check failed');
      }
      const issue = store.find(req.params.key);
      if (!issue) {
        req.raw.resume();
        return platformError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
      }
      const boundary = multipartBoundary(req.headers['content-type']);
      if (!boundary) {
        req.raw.resume();
        return reply.code(415).send();
      }
      const added: SimAttachment[] = [];
      const pending: Promise<SimAttachment>[] = [];
      await readMultipart(req.raw, boundary, {
        onField: () => {},
        onFile(info) {
          const w = attachments.writer();
          return {
            write: (chunk) => w.write(chunk),
            end: async () => {
              await w.end();
              if (info.name === 'file')
                pending.push(attachments.commit(w, info.filename || 'attachment', info.contentType));
              else w.discard();
            },
          };
        },
      });
      added.push(...(await Promise.all(pending)));
      if (added.length === 0) return platformError(reply, 400, ['No attachments were found in the request.']);
      issue.attachments.push(...added.map((a) => a.id));
      for (const a of added) deps.onAdded?.(issue, a);
      return added.map((a) => attachmentView(base(req), a));
    });
  }

  app.get<{ Params: { id: string } }>('/rest/api/3/attachment/:id', async (req, reply) => {
    const att = attachments.get(Number(req.params.id));
    if (!att) return platformError(reply, 404, [`The attachment with id ${req.params.id} does not exist`]);
    return attachmentView(base(req), att);
  });

  app.get<{ Params: { id: string } }>('/rest/api/3/attachment/content/:id', async (req, reply) => {
    const att = attachments.get(Number(req.params.id));
    if (!att) return platformError(reply, 404, [`The attachment with id ${req.params.id} does not exist`]);
    return reply.redirect(attachments.signedUrl(base(req), MEDIA_PATH, att.id, MEDIA_TTL_MS), 303);
  });
  attachments.serveSigned(app, MEDIA_PATH);
}
