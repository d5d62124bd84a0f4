import { createHash, timingSafeEqual } from 'node:crypto';
import fastifyBasicAuth from '@fastify/basic-auth';
import type { FastifyInstance } from 'fastify';
import type { DashboardCredentials } from '../config/config';
import { ReceiverError } from '../http/errors';
import { sendError } from '../http/send-error';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares in constant time whatever the lengths, so timing reveals nothing about the secret. */
function matches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

const REFUSED = 'This page needs the dashboard credentials (DASHBOARD_USER, DASHBOARD_PASSWORD) as HTTP basic auth.';

/**
 * Puts HTTP basic auth in front of every route of the calling (encapsulated) context, and of
 * nothing else. Call it inside the plugin that owns the routes to protect.
 */
export async function requireBasicAuth(app: FastifyInstance, creds: DashboardCredentials): Promise<void> {
  await app.register(fastifyBasicAuth, {
    authenticate: { realm: 'Ticket Rooms' },
    validate: async (user, password) => {
      // Both compared, always: no early exit that tells a right user from a wrong one.
      const userOk = matches(user, creds.user);
      const passwordOk = matches(password, creds.password);
      if (!(userOk && passwordOk)) throw ReceiverError.of('UNAUTHORIZED', REFUSED);
    },
  });
  // The refusal is sent from the hook itself: plugins registered below (Bull Board) bring their
  // own error handler, which would answer in another shape.
  app.addHook('onRequest', (req, reply, done) => {
    app.basicAuth(req, reply, (err?: Error) => {
      if (err === undefined) return done();
      sendError(req, reply, ReceiverError.of('UNAUTHORIZED', REFUSED), err);
    });
  });
}
