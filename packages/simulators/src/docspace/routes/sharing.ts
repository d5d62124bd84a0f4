import type { FastifyInstance } from 'fastify';
import { linkShareDto, memberShareDto } from '../dto';
import { notConvertible } from '../errors';
import { bodyOf, field, ok, portalUrlOf, queryInt, queryOf, readBoolean, routeId } from '../http';
import type { Invitation } from '../portal';
import { readFileShare } from '../rules';
import { API, ID, type RouteContext } from './context';

/** `ShareFilterType` bits that select links rather than users and groups. */
const LINK_FILTERS = 1 | 2 | 4 | 8;

function readInvitations(value: unknown): Invitation[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw notConvertible('$.invitations', 'System.Collections.Generic.IEnumerable`1[RoomInvitation]');
  return value.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw notConvertible(`$.invitations[${i}]`, 'RoomInvitation');
    }
    const inv = raw as Record<string, unknown>;
    const id = field(inv, 'id');
    const email = field(inv, 'email');
    if (id !== undefined && id !== null && typeof id !== 'string')
      throw notConvertible(`$.invitations[${i}].id`, 'System.Guid');
    if (email !== undefined && email !== null && typeof email !== 'string') {
      throw notConvertible(`$.invitations[${i}].email`, 'System.String');
    }
    return {
      ...(typeof id === 'string' ? { id } : {}),
      ...(typeof email === 'string' ? { email } : {}),
      access: readFileShare(field(inv, 'access')),
    };
  });
}

/** Members and links: `PUT/GET rooms/{id}/share`, `GET rooms/{id}/link`, `GET rooms/{id}/links`. */
export function sharingRoutes(app: FastifyInstance, { portal, publicUrl }: RouteContext): void {
  app.put(`${API}/files/rooms/${ID}/share`, async (req, reply) => {
    const body = bodyOf(req);
    const invitations = readInvitations(field(body, 'invitations'));
    readBoolean(body, 'notify');
    const roomId = routeId(req);
    const room = portal.room(roomId);
    const portalUrl = portalUrlOf(req, publicUrl);
    if (invitations.length === 0) return ok(req, reply, publicUrl, { members: [], error: 0 });
    const ids = new Set(portal.setAccess(roomId, invitations));
    const members = portal
      .members(room)
      .filter((m) => ids.has(m.subjectId))
      .map((m) => memberShareDto(portal, room, m, portalUrl))
      .filter((m) => m !== undefined);
    return ok(req, reply, publicUrl, { members, error: 0 });
  });

  app.get(`${API}/files/rooms/${ID}/share`, async (req, reply) => {
    const room = portal.room(routeId(req));
    const q = queryOf(req);
    const filterType = queryInt(q, 'filterType', 0);
    const startIndex = Math.max(0, queryInt(q, 'startIndex', 0));
    const count = queryInt(q, 'count', 100, { min: 1, max: 100 });
    const portalUrl = portalUrlOf(req, publicUrl);
    const all =
      filterType & LINK_FILTERS
        ? room.primaryLink
          ? [linkShareDto(room.primaryLink)]
          : []
        : portal
            .members(room)
            .map((m) => memberShareDto(portal, room, m, portalUrl))
            .filter((m) => m !== undefined);
    const page = all.slice(startIndex, startIndex + count);
    return ok(req, reply, publicUrl, page, { count: page.length, total: all.length });
  });

  app.get(`${API}/files/rooms/${ID}/link`, async (req, reply) => {
    const link = portal.primaryLink(routeId(req), portalUrlOf(req, publicUrl));
    return ok(req, reply, publicUrl, linkShareDto(link));
  });

  app.get(`${API}/files/rooms/${ID}/links`, async (req, reply) => {
    const room = portal.room(routeId(req));
    const type = queryInt(queryOf(req), 'type', 1);
    // Only the primary external link exists in the simulator; there are no invitation links.
    const links = type === 1 && room.primaryLink ? [linkShareDto(room.primaryLink)] : [];
    return ok(req, reply, publicUrl, links);
  });
}
