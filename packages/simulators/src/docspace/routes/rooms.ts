import type { FastifyInstance } from 'fastify';
import { roomDto, roomListingDto } from '../dto';
import {
  bodyOf,
  ok,
  portalUrlOf,
  queryAll,
  queryBool,
  queryInt,
  queryJsonArray,
  queryOf,
  querySortDescending,
  queryString,
  readEnum,
  readString,
  readStringArray,
  routeId,
} from '../http';
import { ROOM_TYPE_NAMES, TITLE_LIMIT } from '../rules';
import { API, ID, type RouteContext } from './context';

const SEARCH_AREAS = new Map([
  ['active', 0],
  ['archive', 1],
  ['any', 2],
]);

/** Rooms: create, get, list and search, tags. */
export function roomRoutes(app: FastifyInstance, { portal, publicUrl }: RouteContext): void {
  app.post(`${API}/files/rooms`, async (req, reply) => {
    const body = bodyOf(req);
    const title = readString(body, 'title', { required: true, max: TITLE_LIMIT.room })!;
    const roomType = readEnum(body, 'roomType', ROOM_TYPE_NAMES, 'ASC.Files.Core.ApiModels.RequestDto.RoomType', {
      required: true,
    })!;
    const tags = readStringArray(body, 'tags') ?? [];
    const portalUrl = portalUrlOf(req, publicUrl);
    const room = portal.createRoom({ title, roomType, tags }, portalUrl);
    return ok(req, reply, publicUrl, roomDto(portal, room, portalUrl));
  });

  app.get(`${API}/files/rooms/${ID}`, async (req, reply) => {
    const room = portal.room(routeId(req));
    return ok(req, reply, publicUrl, roomDto(portal, room, portalUrlOf(req, publicUrl)));
  });

  app.get(`${API}/files/rooms`, async (req, reply) => {
    const q = queryOf(req);
    const count = queryInt(q, 'count', 100, { min: 1, max: 100 });
    const startIndex = Math.max(0, queryInt(q, 'startIndex', 0));
    const rawArea = queryString(q, 'searchArea');
    const searchArea =
      rawArea === undefined
        ? 0
        : /^\d+$/.test(rawArea)
          ? Number(rawArea)
          : (SEARCH_AREAS.get(rawArea.toLowerCase()) ?? -1);
    const tags = queryJsonArray(q, 'tags');
    const filterValue = queryString(q, 'filterValue');
    const sortBy = queryString(q, 'sortBy');
    const types = queryAll(q, 'type').map((t) =>
      /^\d+$/.test(t)
        ? Number(t)
        : (ROOM_TYPE_NAMES.get(t.toLowerCase()) ?? ROOM_TYPE_NAMES.get(`${t.toLowerCase()}room`) ?? -1),
    );
    const matches = portal.findRooms({
      searchArea,
      descending: querySortDescending(q, true),
      withoutTags: queryBool(q, 'withoutTags', false),
      ...(tags ? { tags } : {}),
      ...(filterValue ? { filterValue } : {}),
      ...(sortBy ? { sortBy } : {}),
      ...(types.length > 0 ? { types } : {}),
    });
    const portalUrl = portalUrlOf(req, publicUrl);
    return ok(
      req,
      reply,
      publicUrl,
      roomListingDto(portal, { archive: searchArea === 1, rooms: matches, startIndex, count, portalUrl }),
    );
  });

  app.put(`${API}/files/rooms/${ID}/tags`, async (req, reply) => {
    const names = readStringArray(bodyOf(req), 'names', { required: true })!;
    const room = portal.addTags(routeId(req), names);
    return ok(req, reply, publicUrl, roomDto(portal, room, portalUrlOf(req, publicUrl)));
  });

  app.delete(`${API}/files/rooms/${ID}/tags`, async (req, reply) => {
    const names = readStringArray(bodyOf(req), 'names', { required: true })!;
    const room = portal.removeTags(routeId(req), names);
    return ok(req, reply, publicUrl, roomDto(portal, room, portalUrlOf(req, publicUrl)));
  });

  app.post(`${API}/files/tags`, async (req, reply) => {
    const name = readString(bodyOf(req), 'name', { required: true, max: 255 })!;
    return ok(req, reply, publicUrl, portal.createTag(name));
  });

  app.get(`${API}/files/tags`, async (req, reply) => {
    const q = queryOf(req);
    const all = portal.listTags(queryString(q, 'filterValue'));
    const startIndex = Math.max(0, queryInt(q, 'startIndex', 0));
    const count = queryInt(q, 'count', 100, { min: 1, max: 100 });
    return ok(req, reply, publicUrl, all.slice(startIndex, startIndex + count));
  });
}
