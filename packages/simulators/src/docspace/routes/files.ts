import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BlobWriter } from '../../shared/blob-store';
import { multipartBoundary, readMultipart } from '../../shared/multipart';
import { apiDate, fileDto } from '../dto';
import { notFound } from '../errors';
import type { UploadSession } from '../files';
import { bodyOf, ok, portalUrlOf, readBoolean, readNumber, readString, routeId } from '../http';
import type { Portal } from '../portal';
import { API, type AuthedRequest, CHUNK_HANDLER, FILE_HANDLER, ID, type RouteContext } from './context';

/** `ChunkedUploadSessionResponse`: where to send the chunks and how far the upload is. */
function sessionDto(portal: Portal, session: UploadSession, portalUrl: string) {
  const folder = portal.entry(session.folderId);
  const path = folder ? portal.path(folder).map((e) => e.id) : [session.folderId];
  return {
    id: session.id,
    path,
    created: apiDate(session.created),
    expired: apiDate(session.expired),
    location: `${portalUrl}${CHUNK_HANDLER}?uid=${session.id}`,
    bytes_uploaded: session.bytesUploaded,
    bytes_total: session.bytesTotal,
  };
}

/**
 * The chunk handler answers in its own `{success, data, message}` shape, not the API envelope,
 * and reports failures with HTTP 200 (`ChunkedUploaderHandlerService.WriteError`).
 */
function handlerError(reply: FastifyReply, message: string) {
  return reply.code(200).send({ success: false, message });
}

function contentDisposition(title: string): string {
  const ascii = title.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(title)}`;
}

/**
 * Files: chunked upload sessions (`UploadController.CreateUploadSession` and the
 * `ChunkedUploader.ashx` handler), file info, and downloads through the file handler and a
 * presigned URL.
 */
export function fileRoutes(app: FastifyInstance, { portal, files, publicUrl }: RouteContext): void {
  // The chunk handler reads the form itself, as it arrives; nothing is buffered by the framework.
  app.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, undefined));

  const createSession = (req: FastifyRequest) => {
    const body = bodyOf(req);
    const fileName = readString(body, 'fileName', { required: true })!;
    const fileSize = readNumber(body, 'fileSize', 'System.Int64', { integer: true }) ?? 0;
    const createNewIfExist = readBoolean(body, 'createNewIfExist') ?? false;
    return files.createSession(routeId(req), { fileName, fileSize, createNewIfExist });
  };

  // The obsolete route the SDK calls wraps the session in `{success, data}`; the newer one does not.
  app.post(`${API}/files/${ID}/upload/create_session`, async (req, reply) => {
    const session = createSession(req);
    return ok(req, reply, publicUrl, { success: true, data: sessionDto(portal, session, portalUrlOf(req, publicUrl)) });
  });
  app.post(`${API}/files/${ID}/session`, async (req, reply) => {
    const session = createSession(req);
    return ok(req, reply, publicUrl, sessionDto(portal, session, portalUrlOf(req, publicUrl)));
  });
  app.delete<{ Params: { id: string; sessionId: string } }>(
    `${API}/files/${ID}/session/:sessionId`,
    async (req, reply) => {
      files.abort(req.params.sessionId);
      return ok(req, reply, publicUrl, undefined);
    },
  );

  app.post(CHUNK_HANDLER, async (req, reply) => {
    const uid = (req.query as Record<string, string | undefined>).uid;
    const session = files.session(uid);
    if (!(req as AuthedRequest).authenticated || !session) {
      req.raw.resume();
      return handlerError(reply, 'Not authorized or session with specified upload id already expired');
    }
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary) {
      req.raw.resume();
      return handlerError(reply, 'HttpRequest.Files is empty');
    }
    let chunk: BlobWriter | undefined;
    try {
      await readMultipart(req.raw, boundary, {
        onField: () => {},
        onFile: () => {
          if (chunk) throw new Error('one file per chunk request');
          chunk = files.chunkWriter();
          return chunk;
        },
      });
    } catch (err) {
      // A chunk cut off mid-way is not stored; the session waits for it again.
      chunk?.discard();
      return handlerError(reply, err instanceof Error ? err.message : String(err));
    }
    if (!chunk) return handlerError(reply, 'HttpRequest.Files is empty');
    const stored = await chunk.done();
    let file: ReturnType<typeof files.addChunk>;
    try {
      file = files.addChunk(session, stored);
    } catch (err) {
      return handlerError(reply, err instanceof Error ? err.message : String(err));
    }
    const portalUrl = portalUrlOf(req, publicUrl);
    if (!file)
      return reply.code(200).send({ success: true, data: sessionDto(portal, session, portalUrl), message: '' });
    return reply.code(201).send({
      success: true,
      data: {
        id: file.id,
        folderId: file.folderId,
        version: file.version,
        title: file.title,
        uploaded: true,
        file: fileDto(portal, file, portalUrl),
      },
      message: '',
    });
  });

  app.get(`${API}/files/file/${ID}`, async (req, reply) => {
    return ok(req, reply, publicUrl, fileDto(portal, files.file(routeId(req)), portalUrlOf(req, publicUrl)));
  });

  // `FilesController.GetPresignedUri`: a URL that downloads without a login.
  app.get(`${API}/files/file/${ID}/presigneduri`, async (req, reply) => {
    const file = files.file(routeId(req));
    const url = `${portalUrlOf(req, publicUrl)}/storage/files/${file.id}?token=${file.downloadToken}`;
    return ok(req, reply, publicUrl, url);
  });

  const send = (reply: FastifyReply, id: number) => {
    const file = files.file(id);
    return reply
      .code(200)
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(file.size))
      .header('content-disposition', contentDisposition(file.title))
      .send(files.open(file));
  };

  app.get(FILE_HANDLER, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const id = Number(q.fileid);
    if (q.action !== 'download' || !Number.isSafeInteger(id)) throw notFound('File not found');
    return send(reply, id);
  });

  app.get<{ Params: { fileId: string }; Querystring: { token?: string } }>(
    '/storage/files/:fileId',
    async (req, reply) => {
      const id = Number(req.params.fileId);
      const file = Number.isSafeInteger(id) ? files.file(id) : undefined;
      if (!file || req.query.token !== file.downloadToken) return reply.code(403).send();
      return send(reply, id);
    },
  );
}
