import { createHash, timingSafeEqual } from 'node:crypto';
import fastifyBasicAuth from '@fastify/basic-auth';
import type { FastifyInstance } from 'fastify';
import type { DashboardCredentials } from '../config/config';
import { ReceiverError } from '../http/errors';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares in constant time whatever the lengths, so timing reveals nothing about the secret. */
function matches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Puts HTTP basic auth in front of every route of the calling (encapsulated) context, and of
 * nothing else. Call it inside the plugin that owns the routes to protect.
 */
export async function requireBasicAuth(app: FastifyInstance, creds: DashboardCredentials): Promise<void> {
  await app.register(fastifyBasicAuth, {
    authenticate: { realm: 'Ticket Rooms' },
    validate: async (user, password) => {
      // Both compared, always: no early exit that tells a right user from a wrong one.
      const ok = matches(user, creds.user) && matches(password, creds.password);
      if (!ok) throw ReceiverError.of('UNAUTHORIZED', 'The dashboard user or password is wrong.');
    },
  });
  app.addHook('onRequest', app.basicAuth);
}
