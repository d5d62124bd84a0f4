import { createHmac, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { BlobStore, type BlobWriter } from './blob-store';

/** A file a customer or agent attached, with its bytes in the simulator's blob store. */
export interface SimAttachment {
  id: number;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  blobId: string;
  createdAt: string;
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * A helpdesk simulator's attachments: bytes on disk (streamed in and out), ids from one
 * sequence, and signed, expiring URLs like the storage the vendors redirect to.
 */
export class SimAttachments {
  private readonly blobs = new BlobStore();
  private readonly byId = new Map<number, SimAttachment>();
  private readonly key = randomBytes(32);
  private nextId: number;
  /** The next this many signed URLs are issued already expired (to test a fresh URL being fetched). */
  expireNextUrls = 0;

  constructor(firstId: number) {
    this.nextId = firstId;
  }

  get count(): number {
    return this.byId.size;
  }

  writer(): BlobWriter {
    return this.blobs.writer();
  }

  /** Records a file whose bytes a `writer()` has stored. */
  async commit(w: BlobWriter, name: string, contentType: string | undefined): Promise<SimAttachment> {
    const blob = await w.done();
    const att: SimAttachment = {
      id: this.nextId++,
      name,
      contentType: contentType || 'application/octet-stream',
      size: blob.size,
      sha256: blob.sha256,
      blobId: blob.id,
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    this.byId.set(att.id, att);
    return att;
  }

  /** Stores a whole stream as one attachment. */
  async add(
    name: string,
    contentType: string | undefined,
    body: Readable | AsyncIterable<Buffer>,
  ): Promise<SimAttachment> {
    const w = this.writer();
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) await w.write(chunk);
      await w.end();
    } catch (err) {
      w.discard();
      throw err;
    }
    return this.commit(w, name, contentType);
  }

  get(id: number): SimAttachment | undefined {
    return this.byId.get(id);
  }

  /** A URL under `path` that opens the file without credentials until `ttlMs` from now. */
  signedUrl(origin: string, path: string, id: number, ttlMs: number): string {
    let expires = Math.floor((Date.now() + ttlMs) / 1000);
    if (this.expireNextUrls > 0) {
      this.expireNextUrls -= 1;
      expires = Math.floor(Date.now() / 1000) - 60;
    }
    const sig = createHmac('sha256', this.key).update(`${id}:${expires}`).digest('base64url');
    return `${origin}${path}/${id}?Expires=${expires}&Signature=${sig}`;
  }

  /** `valid`, `expired` or `invalid` for a signed URL's id, expiry and signature. */
  check(id: number, expires: string | undefined, sig: string | undefined): 'valid' | 'expired' | 'invalid' {
    if (!expires || !sig || !this.byId.has(id)) return 'invalid';
    const want = createHmac('sha256', this.key).update(`${id}:${expires}`).digest('base64url');
    if (want !== sig) return 'invalid';
    return Number(expires) * 1000 < Date.now() ? 'expired' : 'valid';
  }

  /** Sends the file's bytes as a stream. */
  send(reply: FastifyReply, att: SimAttachment): FastifyReply {
    return reply
      .code(200)
      .header('content-type', att.contentType)
      .header('content-length', String(att.size))
      .header('content-disposition', contentDisposition(att.name))
      .send(this.blobs.read(att.blobId));
  }

  /**
   * The storage route signed URLs point at: S3's answers, an XML `AccessDenied` for an expired or
   * forged signature. Registered outside the API's credential check, as signed storage is.
   */
  serveSigned(app: FastifyInstance, path: string): void {
    app.get<{ Params: { id: string }; Querystring: { Expires?: string; Signature?: string } }>(
      `${path}/:id`,
      async (req, reply) => {
        const id = Number(req.params.id);
        const verdict = this.check(id, req.query.Expires, req.query.Signature);
        if (verdict !== 'valid') {
          const message = verdict === 'expired' ? 'Request has expired' : 'Invalid signature';
          return reply
            .code(403)
            .type('application/xml')
            .send(
              `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`,
            );
        }
        return this.send(reply, this.byId.get(id) as SimAttachment);
      },
    );
  }

  close(): void {
    this.blobs.close();
  }
}
