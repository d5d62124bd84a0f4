import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roomDto, roomListingDto } from '../dto';
import { DocspaceException, notFound, PARENT_NOT_FOUND, tooLong } from '../errors';
import {
  bodyOf,
  field,
  ok,
  portalUrlOf,
  queryAll,
  queryBool,
  queryEnum,
  queryInt,
  queryJsonArray,
  queryOf,
  querySortDescending,
  queryString,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readString,
  readStringArray,
  routeId,
} from '../http';
import type { LifetimeState, RoomSettingsInput, WatermarkState } from '../portal';
import { ROOM_TYPE_NAMES, SEARCH_AREAS, TITLE_LIMIT } from '../rules';
import { API, type AuthedRequest, ID, type RouteContext } from './context';

type Body = Record<string, unknown>;

/** `RoomDataLifetimeDto`. */
function readLifetime(body: Body): LifetimeState | undefined {
  const o = readObject(body, 'lifetime', 'ASC.Files.Core.ApiModels.RequestDto.RoomDataLifetimeDto');
  if (!o) return undefined;
  return {
    deletePermanently: readBoolean(o, 'deletePermanently') ?? false,
    period: readNumber(o, 'period', 'RoomDataLifetimePeriod', { integer: true }) ?? 0,
    value: readNumber(o, 'value', 'System.Int32', { integer: true }) ?? 0,
    enabled: readBoolean(o, 'enabled') ?? false,
  };
}

/** `WatermarkRequestDto`: kept as given. */
function readWatermark(body: Body): WatermarkState | undefined {
  const o = readObject(body, 'watermark', 'ASC.Files.Core.ApiModels.RequestDto.WatermarkRequestDto');
  if (!o) return undefined;
  const out: WatermarkState = {};
  const enabled = readBoolean(o, 'enabled');
  if (enabled !== undefined) out.enabled = enabled;
  const text = readString(o, 'text');
  if (text !== undefined) out.text = text;
  const imageUrl = readString(o, 'imageUrl');
  if (imageUrl !== undefined) out.imageUrl = imageUrl;
  for (const k of ['rotate', 'imageScale', 'imageWidth', 'imageHeight', 'additions'] as const) {
    const v = readNumber(o, k, 'System.Int32', { integer: true });
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The settings `CreateRoomRequestDto` and `UpdateRoomRequest` share. */
function readRoomSettings(body: Body): RoomSettingsInput {
  const color = readString(body, 'color', { max: 6 });
  const cover = readString(body, 'cover', { max: 50 });
  const indexing = readBoolean(body, 'indexing');
  const denyDownload = readBoolean(body, 'denyDownload');
  const quota = readNumber(body, 'quota', 'System.Int64', { integer: true });
  const lifetime = readLifetime(body);
  const watermark = readWatermark(body);
  return {
    ...(color !== undefined ? { color } : {}),
    ...(cover !== undefined ? { cover } : {}),
    ...(indexing !== undefined ? { indexing } : {}),
    ...(denyDownload !== undefined ? { denyDownload } : {}),
    ...(quota !== undefined ? { quota } : {}),
    ...(lifetime ? { lifetime } : {}),
    ...(watermark ? { watermark } : {}),
  };
}

/** The share key an anonymous caller brings: the `Request-Token` header, else `?share=` (`ExternalShare.GetKey`). */
function shareKey(req: FastifyRequest): string | undefined {
  const header = req.headers['request-token'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  return fromHeader || queryString(queryOf(req), 'share');
}

/** Rooms: create, get, list and search, tags. */
export function roomRoutes(app: FastifyInstance, { portal, publicUrl }: RouteContext): void {
  app.post(`${API}/files/rooms`, async (req, reply) => {
    const body = bodyOf(req);
    const title = readString(body, 'title', { required: true, max: TITLE_LIMIT.room })!;
    const roomType = readEnum(body, 'roomType', ROOM_TYPE_NAMES, 'ASC.Files.Core.ApiModels.RequestDto.RoomType', {
      required: true,
    })!;
    const tags = readStringArray(body, 'tags') ?? [];
    const isPrivate = readBoolean(body, 'private') ?? false;
    const share = field(body, 'share');
    const settings: RoomSettingsInput = {
      ...readRoomSettings(body),
      private: isPrivate,
      shares: Array.isArray(share) ? share.length : 0,
    };
    const portalUrl = portalUrlOf(req, publicUrl);
    const room = portal.createRoom({ title, roomType, tags, settings }, portalUrl);
    return ok(req, reply, publicUrl, roomDto(portal, room, portalUrl));
  });

  // `[AllowAnonymous]`: `FileStorageService.GetFolderAsync` answers a missing room with 404, and a
  // caller who may not read it with `AuthenticationException` (401 in the error envelope) when
  // anonymous. A share key of one of the room's external links lets an anonymous caller read it.
  app.get(`${API}/files/rooms/${ID}`, async (req, reply) => {
    const room = portal.entry(routeId(req));
    if (room?.kind !== 'room') throw notFound(PARENT_NOT_FOUND);
    const anonymous = (req as AuthedRequest).authenticated === false;
    if (anonymous && !portal.linkOpens(room, shareKey(req))) {
      // UNVERIFIED: .NET's parameterless AuthenticationException says "System error.".
      throw new DocspaceException('Authentication', 'System error.');
    }
    return ok(req, reply, publicUrl, roomDto(portal, room, portalUrlOf(req, publicUrl), { anonymous }));
  });

  // `UpdateRoom` → `FileStorageService.UpdateRoomAsync`.
  app.put(`${API}/files/rooms/${ID}`, async (req, reply) => {
    const body = bodyOf(req);
    const title = readString(body, 'title');
    if (title !== undefined && title.length > TITLE_LIMIT.room) throw tooLong('Title', TITLE_LIMIT.room);
    const room = portal.updateRoom(routeId(req), {
      ...(title !== undefined ? { title } : {}),
      ...readRoomSettings(body),
    });
    return ok(req, reply, publicUrl, roomDto(portal, room, portalUrlOf(req, publicUrl)));
  });

  app.get(`${API}/files/rooms`, async (req, reply) => {
    const q = queryOf(req);
    const count = queryInt(q, 'count', 100, { min: 1, max: 100 });
    const startIndex = Math.max(0, queryInt(q, 'startIndex', 0));
    const rawArea = queryString(q, 'searchArea');
    const searchArea = rawArea === undefined ? 0 : queryEnum(rawArea, 'searchArea', SEARCH_AREAS, 'SearchArea');
    const tags = queryJsonArray(q, 'tags');
    const filterValue = queryString(q, 'filterValue');
    const sortBy = queryString(q, 'sortBy');
    const types = queryAll(q, 'type').map((t) => queryEnum(t, 'type', ROOM_TYPE_NAMES, 'RoomType'));
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
