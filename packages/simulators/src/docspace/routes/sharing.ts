import type { FastifyInstance } from 'fastify';
import { linkShareDto, memberShareDto } from '../dto';
import { notConvertible, ValidationFailure } from '../errors';
import {
  bodyOf,
  field,
  ok,
  portalUrlOf,
  queryEnum,
  queryInt,
  queryOf,
  queryString,
  readBoolean,
  readEnum,
  readNumber,
  readString,
  routeId,
} from '../http';
import type { Invitation, LinkInput } from '../portal';
import { LINK_TYPES, readFileShare } from '../rules';
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

/** `RoomLinkRequest` (products/ASC.Files/Server/ApiModels/RequestDto/RoomLinkRequestDto.cs). */
function readLinkRequest(body: Record<string, unknown>): LinkInput {
  const linkId = field(body, 'linkId');
  if (linkId !== undefined && linkId !== null && (typeof linkId !== 'string' || !/^[0-9a-f-]{36}$/i.test(linkId))) {
    throw notConvertible('$.linkId', 'System.Guid');
  }
  const title = readString(body, 'title', { max: 255 });
  const password = readString(body, 'password', { max: 255 });
  const maxUseCount = readNumber(body, 'maxUseCount', 'System.Int32', { integer: true });
  if (maxUseCount !== undefined && (maxUseCount < 1 || maxUseCount > 1000)) {
    throw new ValidationFailure({ MaxUseCount: ['The field MaxUseCount must be between 1 and 1000.'] });
  }
  const rawDate = readString(body, 'expirationDate');
  let expirationDate: Date | undefined;
  if (rawDate !== undefined && rawDate !== '') {
    expirationDate = new Date(rawDate);
    if (Number.isNaN(expirationDate.getTime())) throw notConvertible('$.expirationDate', 'ASC.Api.Core.ApiDateTime');
  }
  return {
    ...(typeof linkId === 'string' ? { linkId } : {}),
    // `LinkType` defaults to 0, Invitation: a body without it makes an invitation link.
    linkType: readEnum(body, 'linkType', LINK_TYPES, 'ASC.Files.Core.ApiModels.ResponseDto.LinkType') ?? 0,
    access: readFileShare(field(body, 'access')),
    ...(title !== undefined ? { title } : {}),
    internal: readBoolean(body, 'internal') ?? false,
    denyDownload: readBoolean(body, 'denyDownload') ?? false,
    ...(expirationDate ? { expirationDate } : {}),
    // `inDto.RoomLink.Password?.Trim()`.
    ...(password?.trim() ? { password: password.trim() } : {}),
    ...(maxUseCount !== undefined ? { maxUseCount } : {}),
  };
}

/** Members and links: `PUT/GET rooms/{id}/share`, `GET rooms/{id}/link`, `PUT/GET rooms/{id}/links`. */
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
        ? room.links.map((l) => linkShareDto(l))
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

  // `GetRoomLinks`: no `type` lists every link (`ShareFilterType.Link`), at most 100.
  app.get(`${API}/files/rooms/${ID}/links`, async (req, reply) => {
    const raw = queryString(queryOf(req), 'type');
    const type = raw === undefined ? undefined : queryEnum(raw, 'type', LINK_TYPES, 'LinkType');
    const links = portal.listLinks(routeId(req), type).map((l) => linkShareDto(l));
    return ok(req, reply, publicUrl, links);
  });

  // `SetRoomLink` (VirtualRoomsController.cs): create, change or revoke (access 0) one link.
  app.put(`${API}/files/rooms/${ID}/links`, async (req, reply) => {
    const input = readLinkRequest(bodyOf(req));
    const link = portal.setLink(routeId(req), input, portalUrlOf(req, publicUrl));
    if (!link) return ok(req, reply, publicUrl, undefined);
    const askedOther = input.linkId !== undefined && !/^0{8}-/.test(input.linkId) && link.id !== input.linkId;
    return ok(req, reply, publicUrl, linkShareDto(link, { withToken: !askedOther }));
  });
}
