import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimAttachment, SimAttachments } from '../shared/attachments';
import { multipartBoundary, readMultipart } from '../shared/multipart';

/** How long an `attachment_url` works: Freshdesk's are pre-signed S3 URLs that expire. */
export const ATTACHMENT_URL_TTL_MS = 5 * 60 * 1000;
const STORAGE_PATH = '/fd-storage';
/** Form fields Freshdesk reads as numbers when a ticket or note arrives as multipart. */
const NUMERIC_FIELDS = new Set(['priority', 'status', 'source', 'requester_id', 'responder_id', 'group_id', 'user_id']);

/** What the multipart parser hands the routes: the form's fields, and its files already stored. */
export const FILES = Symbol('files');
export type FormBody = Record<string, unknown> & { [FILES]?: SimAttachment[] };

/** `Attachment` as tickets and conversations show it, with a freshly signed `attachment_url`. */
export function attachmentView(attachments: SimAttachments, origin: string, id: number) {
  const att = attachments.get(id);
  if (!att) return undefined;
  return {
    id: att.id,
    content_type: att.contentType,
    size: att.size,
    name: att.name,
    attachment_url: attachments.signedUrl(origin, STORAGE_PATH, att.id, ATTACHMENT_URL_TTL_MS),
    created_at: att.createdAt,
    updated_at: att.createdAt,
  };
}

export function attachmentViews(attachments: SimAttachments, req: FastifyRequest, ids: readonly number[]) {
  const origin = `${req.protocol}://${req.host}`;
  return ids.map((id) => attachmentView(attachments, origin, id)).filter((v) => v !== undefined);
}

/**
 * Freshdesk takes attachments as `multipart/form-data` (`attachments[]` file parts beside the
 * usual fields) on ticket create, reply and note. The parser stores each file as it streams in
 * and hands the route the fields, numbers where Freshdesk reads numbers, plus the stored files.
 */
export function installFreshdeskMultipart(app: FastifyInstance, attachments: SimAttachments): void {
  app.addContentTypeParser('multipart/form-data', (req, payload, done) => {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary) {
      done(Object.assign(new Error('multipart body without a boundary'), { statusCode: 400 }), undefined);
      return;
    }
    const body: FormBody = {};
    const pending: Promise<SimAttachment>[] = [];
    readMultipart(payload, boundary, {
      onField(name, value) {
        const key = name.replace(/\[\]$/, '');
        const v = NUMERIC_FIELDS.has(key) && /^\d+$/.test(value) ? Number(value) : value;
        if (name.endsWith('[]')) body[key] = [...((body[key] as unknown[]) ?? []), v];
        else body[key] = v === 'true' ? true : v === 'false' ? false : v;
      },
      onFile(info) {
        const w = attachments.writer();
        return {
          write: (chunk) => w.write(chunk),
          end: async () => {
            await w.end();
            pending.push(attachments.commit(w, info.filename || 'attachment', info.contentType));
          },
        };
      },
    })
      .then(async () => {
        body[FILES] = await Promise.all(pending);
        done(null, body);
      })
      .catch((err: unknown) =>
        done(Object.assign(err instanceof Error ? err : new Error(String(err)), { statusCode: 400 }), undefined),
      );
  });
  attachments.serveSigned(app, STORAGE_PATH);
}

/** The ids of the files that came with a request, in the order they were sent. */
export function filesOf(body: unknown): number[] {
  return ((body as FormBody | undefined)?.[FILES] ?? []).map((a) => a.id);
}
