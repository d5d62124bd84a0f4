import { randomBytes } from 'node:crypto';
import { parseBasicAuth, safeEqual } from '@ticket-rooms/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimAttachment, SimAttachments } from '../shared/attachments';

/** `Attachment` as the Tickets and Attachments APIs show it. */
export interface ZendeskAttachmentView {
  url: string;
  id: number;
  file_name: string;
  content_url: string;
  mapped_content_url: string;
  content_type: string;
  size: number;
  width: null;
  height: null;
  inline: boolean;
  deleted: boolean;
  malware_access_override: boolean;
  malware_scan_result: string;
  thumbnails: never[];
}

/** An upload token: the files sent with `POST uploads.json` waiting for a comment to claim them. */
interface Upload {
  token: string;
  attachmentIds: number[];
  expiresAt: number;
}

/** Upload tokens expire after 60 minutes (Zendesk's Attachments API). */
const UPLOAD_TTL_MS = 60 * 60 * 1000;
/** How long the storage URL a `content_url` redirects to stays valid. */
const SIGNED_URL_TTL_MS = 5 * 60 * 1000;
const STORAGE_PATH = '/zd-storage';

export function attachmentView(origin: string, att: SimAttachment): ZendeskAttachmentView {
  const content = `${origin}/attachments/token/${att.id}/?name=${encodeURIComponent(att.name)}`;
  return {
    url: `${origin}/api/v2/attachments/${att.id}.json`,
    id: att.id,
    file_name: att.name,
    content_url: content,
    mapped_content_url: content,
    content_type: att.contentType,
    size: att.size,
    width: null,
    height: null,
    inline: false,
    deleted: false,
    malware_access_override: false,
    malware_scan_result: 'malware_not_found',
    thumbnails: [],
  };
}

export interface ZendeskAttachmentRoutes {
  /** The attachments of the upload tokens a comment names; unknown or expired tokens are skipped. */
  claim(tokens: unknown, origin: string): ZendeskAttachmentView[];
}

/**
 * Attachments the Zendesk way: `POST /api/v2/uploads.json?filename=…` takes the raw bytes and
 * answers an upload token, a comment's `uploads: [token]` attaches them, `GET attachments/{id}`
 * shows one, and its `content_url` (agent credentials) redirects to a signed storage URL.
 */
export function zendeskAttachmentRoutes(
  app: FastifyInstance,
  deps: { attachments: SimAttachments; email: string; apiToken: string },
): ZendeskAttachmentRoutes {
  const uploads = new Map<string, Upload>();
  const origin = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

  void app.register(async (scope) => {
    // The body is the file itself, of any type: read as a stream, never parsed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    const upload = async (req: FastifyRequest, reply: FastifyReply) => {
      const q = req.query as Record<string, string | undefined>;
      if (!q.filename) {
        req.raw.resume();
        return reply.code(400).send({ error: 'InvalidValue', description: 'filename parameter is missing' });
      }
      const att = await deps.attachments.add(q.filename, req.headers['content-type'], req.raw);
      let entry = q.token ? uploads.get(q.token) : undefined;
      if (!entry) {
        entry = {
          token: randomBytes(18).toString('base64url'),
          attachmentIds: [],
          expiresAt: Date.now() + UPLOAD_TTL_MS,
        };
        uploads.set(entry.token, entry);
      }
      entry.attachmentIds.push(att.id);
      const views = entry.attachmentIds.map((id) =>
        attachmentView(origin(req), deps.attachments.get(id) as SimAttachment),
      );
      return reply.code(201).send({
        upload: {
          token: entry.token,
          expires_at: new Date(entry.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          attachments: views,
          attachment: attachmentView(origin(req), att),
        },
      });
    };
    scope.post('/api/v2/uploads', upload);
    scope.post('/api/v2/uploads.json', upload);
  });

  app.get<{ Params: { id: string } }>('/api/v2/attachments/:id', async (req, reply) => {
    const att = deps.attachments.get(Number(req.params.id.replace(/\.json$/, '')));
    if (!att) return reply.code(404).send({ error: 'RecordNotFound', description: 'Not found' });
    return { attachment: attachmentView(origin(req), att) };
  });

  // `content_url`: the account's host, agent credentials, then a redirect to short-lived storage.
  app.get<{ Params: { id: string } }>('/attachments/token/:id/', async (req, reply) => {
    const creds = parseBasicAuth(req.headers.authorization);
    const ok = creds && safeEqual(creds.username, `${deps.email}/token`) && safeEqual(creds.password, deps.apiToken);
    if (!ok) return reply.code(401).send({ error: "Couldn't authenticate you" });
    const att = deps.attachments.get(Number(req.params.id));
    if (!att) return reply.code(404).send({ error: 'RecordNotFound', description: 'Not found' });
    return reply.redirect(deps.attachments.signedUrl(origin(req), STORAGE_PATH, att.id, SIGNED_URL_TTL_MS), 302);
  });
  deps.attachments.serveSigned(app, STORAGE_PATH);

  return {
    claim(tokens, base) {
      if (!Array.isArray(tokens)) return [];
      const out: ZendeskAttachmentView[] = [];
      for (const token of tokens) {
        const entry = typeof token === 'string' ? uploads.get(token) : undefined;
        if (!entry || entry.expiresAt < Date.now()) continue;
        uploads.delete(entry.token);
        for (const id of entry.attachmentIds) out.push(attachmentView(base, deps.attachments.get(id) as SimAttachment));
      }
      return out;
    },
  };
}
