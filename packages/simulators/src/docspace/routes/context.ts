import type { FastifyRequest } from 'fastify';
import type { PortalFiles } from '../files';
import type { Portal } from '../portal';

/** What every route module needs: the portal state and the URL links should point at. */
export interface RouteContext {
  portal: Portal;
  /** Files, upload sessions and their bytes. */
  files: PortalFiles;
  /** Fixed public URL, if configured; otherwise each request's own origin. */
  publicUrl: string | undefined;
}

/** Route ids; the app answers a non-integer id as ASP.NET's `{id:int}` constraint does: no route, 404. */
export const ID = ':id';
export const API = '/api/2.0';

/** The chunk upload handler a session's `location` points at (`FilesLinkUtility.GetUploadChunkLocationUrl`). */
export const CHUNK_HANDLER = '/ChunkedUploader.ashx';
/** The download handler a file's `viewUrl` points at. */
export const FILE_HANDLER = '/filehandler.ashx';

/** A request after the API-key check: `authenticated` is false for an anonymous caller. */
export type AuthedRequest = FastifyRequest & { authenticated?: boolean };
