import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operationDto } from '../dto';
import { bodyOf, ok, queryOf, queryString, readBoolean, routeId } from '../http';
import type { OperationKind } from '../portal';
import { API, ID, type RouteContext } from './context';

/** Archive, unarchive and delete: background operations polled through `GET /files/fileops`. */
export function operationRoutes(app: FastifyInstance, { portal, publicUrl }: RouteContext): void {
  const start = (kind: OperationKind) => async (req: FastifyRequest, reply: FastifyReply) => {
    // The body is required: the server reads `deleteAfter` from it.
    readBoolean(bodyOf(req), 'deleteAfter');
    const op = portal.startOperation(kind, routeId(req));
    return ok(req, reply, publicUrl, operationDto(op));
  };
  app.put(`${API}/files/rooms/${ID}/archive`, start('archive'));
  app.put(`${API}/files/rooms/${ID}/unarchive`, start('unarchive'));
  app.delete(`${API}/files/rooms/${ID}`, start('delete'));

  app.get(`${API}/files/fileops`, async (req, reply) => {
    const id = queryString(queryOf(req), 'id');
    return ok(req, reply, publicUrl, portal.operationsFor(id).map(operationDto));
  });
}
