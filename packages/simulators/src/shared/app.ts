import { type Logger, parseBasicAuth } from '@ticket-rooms/core';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { type Faults, installFaults, type RequestStats } from '../faults';

export interface SimulatorAppDeps {
  faults: Faults;
  stats: RequestStats;
  logger: Logger | false;
}

/**
 * A Fastify app with fault injection and request counts installed first, so every vendor route
 * sees them. `forceCloseConnections`: a hung request must not keep `close()` waiting.
 */
export function createSimulatorApp(deps: SimulatorAppDeps, opts: { bodyLimit?: number } = {}): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    forceCloseConnections: true,
    ...(opts.bodyLimit === undefined ? {} : { bodyLimit: opts.bodyLimit }),
  }) as unknown as FastifyInstance;
  installFaults(app, deps.faults, deps.stats);
  return app;
}

export interface BasicAuthGuard {
  /** Only URLs under this prefix need credentials (the `/__sim` routes never do). */
  prefix: string;
  /** The vendor's rule for which user name and password are right. */
  accepts: (creds: { username: string; password: string }) => boolean;
  /** The vendor's own 401. */
  reject: (reply: FastifyReply) => FastifyReply;
}

/** Requires HTTP basic auth under `prefix`, answering a failure the way the vendor does. */
export function requireBasicAuth(app: FastifyInstance, guard: BasicAuthGuard): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith(guard.prefix)) return;
    const creds = parseBasicAuth(req.headers.authorization);
    if (creds === undefined || !guard.accepts(creds)) return guard.reject(reply);
  });
}
