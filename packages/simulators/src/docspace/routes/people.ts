import type { FastifyInstance } from 'fastify';
import { employeeFullDto } from '../dto';
import { notFound } from '../errors';
import { ok, portalUrlOf } from '../http';
import { API, type RouteContext } from './context';

/** `GET /people/@self`: who the API key acts as. */
export function peopleRoutes(app: FastifyInstance, { portal, publicUrl }: RouteContext): void {
  app.get(`${API}/people/@self`, async (req, reply) => {
    const me = portal.directory.user(portal.actorId);
    if (!me) throw notFound('The user could not be found');
    return ok(req, reply, publicUrl, employeeFullDto(me, portalUrlOf(req, publicUrl)));
  });
}
