import type { Logger } from '@ticket-rooms/core';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Faults, RequestStats } from '../faults';
import { createSimulatorApp } from '../shared/app';
import { DocspaceException, errorBody, ValidationFailure } from './errors';
import type { PortalFiles } from './files';
import { validationBody } from './http';
import type { Portal } from './portal';
import type { AuthedRequest } from './routes/context';
import { API, CHUNK_HANDLER, FILE_HANDLER } from './routes/context';
import { fileRoutes } from './routes/files';
import { folderRoutes } from './routes/folders';
import { operationRoutes } from './routes/operations';
import { peopleRoutes } from './routes/people';
import { roomRoutes } from './routes/rooms';
import { sharingRoutes } from './routes/sharing';
import { webhookRoutes } from './webhooks/routes';
import type { WebhookSender } from './webhooks/sender';

export interface DocspaceAppDeps {
  portal: Portal;
  files: PortalFiles;
  apiKey: string;
  faults: Faults;
  stats: RequestStats;
  publicUrl: string | undefined;
  logger: Logger | false;
  webhooks: WebhookSender;
}

/** Routes whose action is `[AllowAnonymous]` on the server. */
const ANONYMOUS_ROUTES = new Set([`GET ${API}/files/rooms/:id`]);

/** A request with the outcome of the API key check, for anonymous-capable routes. */

function bearer(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  return m?.[1];
}

/**
 * The DocSpace simulator's HTTP face (no `listen`): fault injection first, then the API key
 * check, then the routes; every error leaves in DocSpace's own shape.
 */
export function buildDocspaceApp(deps: DocspaceAppDeps): FastifyInstance {
  const app = createSimulatorApp(deps);

  const expected = deps.apiKey;
  app.addHook('onRequest', async (req, reply) => {
    // The upload and download handlers sit outside the API path but need the same login.
    if (!req.url.startsWith(`${API}/`) && !req.url.startsWith(CHUNK_HANDLER) && !req.url.startsWith(FILE_HANDLER)) {
      return;
    }
    const authenticated = bearer(req.headers.authorization) === expected;
    (req as AuthedRequest).authenticated = authenticated;
    // `[AllowAnonymous]` actions (`GetRoomInfo` in VirtualRoomsController.cs) run without a user
    // and decide by share link themselves.
    if (!authenticated && ANONYMOUS_ROUTES.has(`${req.method} ${req.routeOptions.url}`)) return;
    // An auth challenge, not DocSpace's error envelope: the body is empty.
    // The chunk handler answers a missing login in its own `{success: false}` shape.
    if (!authenticated && req.url.startsWith(CHUNK_HANDLER)) return;
    if (!authenticated) {
      return reply.code(401).header('www-authenticate', 'Bearer').send();
    }
  });

  // Ids are integers (`{id:int}`); any other id matches no route at all, which is an empty 404.
  app.addHook('onRequest', async (req, reply) => {
    const id = (req.params as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && !/^\d{1,9}$/.test(id)) return reply.code(404).send();
  });

  const ctx = { portal: deps.portal, files: deps.files, publicUrl: deps.publicUrl };
  roomRoutes(app, ctx);
  folderRoutes(app, ctx);
  fileRoutes(app, ctx);
  sharingRoutes(app, ctx);
  operationRoutes(app, ctx);
  peopleRoutes(app, ctx);
  webhookRoutes(app, { ...ctx, webhooks: deps.webhooks });

  // ASP.NET answers an unknown route with an empty 404.
  app.setNotFoundHandler((_req, reply) => reply.code(404).send());

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DocspaceException) {
      if (err.statusCode >= 500) req.log.error({ err }, 'docspace simulator: internal error');
      return reply.code(err.statusCode).send(errorBody(err));
    }
    if (err instanceof ValidationFailure) return reply.code(400).send(validationBody(req, deps.publicUrl, err));
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return reply
        .code(400)
        .send(
          validationBody(req, deps.publicUrl, new ValidationFailure({ '': ['A non-empty request body is required.'] })),
        );
    }
    if (err.statusCode === 400) {
      // Unparseable JSON, as System.Text.Json reports it.
      return reply.code(400).send(validationBody(req, deps.publicUrl, new ValidationFailure({ $: [err.message] })));
    }
    if (err.statusCode === 415) {
      return reply.code(415).send(errorBody(new DocspaceException('NotSupported', 'Unsupported Media Type')));
    }
    req.log.error({ err }, 'docspace simulator: unexpected error');
    return reply.code(500).send(errorBody(new DocspaceException('Internal', err.message)));
  });

  return app;
}
