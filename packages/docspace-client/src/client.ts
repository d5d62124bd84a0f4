import {
  createHttpTransport,
  type FetchLike,
  type HttpRequest,
  type HttpTransport,
  isTimeoutError,
  keepAliveAgent,
  requestFetch,
} from '@ticket-rooms/core';
import type { Agent, Dispatcher } from 'undici';
import { z } from 'zod';
import { type AccessRole, isAccessRole } from './access-role';
import { unwrap } from './envelope';
import { DocspaceError, fromTransportError, toDocspaceError } from './errors';
import { DocspaceClientOptions } from './options';
import { collectPages, MAX_PAGE_SIZE } from './paging';
import { isRoomType, type RoomType } from './room-type';
import {
  type DocspaceGroup,
  type DocspaceUser,
  FileOperationDto,
  type Folder,
  FolderDto,
  folderContent,
  GroupDto,
  knownRooms,
  LinkShareDto,
  type Room,
  RoomDto,
  type RoomLink,
  RoomLinkDto,
  RoomListItem,
  type RoomMember,
  RoomSecurityDto,
  SelfDto,
  toMembers,
  toRoom,
} from './schemas';
import { sanitizeTitle } from './title';
import {
  ByteSlicer,
  ChunkAnswer,
  chunkBody,
  DEFAULT_CHUNK_BYTES,
  type DocspaceFile,
  type DocspaceFileInfo,
  FileDto,
  sanitizeFileTitle,
  toFile,
  UploadedFile,
  UploadSessionDto,
} from './upload';
import { portalBase, roomPortalUrl } from './urls';
import { type Webhook, WebhookDto, type WebhookInput, WebhookList } from './webhooks';

const API = '/api/2.0';

// Built once: zod compiles a schema on first use, and rebuilding one per call costs more than the parse.
const RoomPage = folderContent(RoomListItem);
const FolderPage = folderContent(FolderDto);
const FilePage = z.object({
  files: z.array(FileDto),
  folders: z.array(z.unknown()),
  startIndex: z.number().int(),
  count: z.number().int(),
  total: z.number().int(),
});
/** `GET files/{id}` read for its place: `current` and the path from the section down to it. */
const FolderPlace = z.object({
  current: z.object({ id: z.number().int(), title: z.string() }),
  pathParts: z.array(
    z.object({
      id: z.number().int(),
      title: z.string(),
      roomType: z.number().int().optional(),
      folderType: z.number().int().optional(),
    }),
  ),
});
const FileOperations = z.array(FileOperationDto);
const RoomLinks = z.array(RoomLinkDto);
// `PUT rooms/{id}/links` answers a null response (omitted) when a link was revoked.
const MaybeRoomLink = RoomLinkDto.optional();

/** `LinkType`: an invitation (join as a member) or an external (share) link. */
export const LinkType = { Invitation: 0, External: 1 } as const;
export type LinkType = (typeof LinkType)[keyof typeof LinkType];

/**
 * Room settings DocSpace stores with a room (`CreateRoomRequestDto`, `UpdateRoomRequest`). Private
 * rooms are left out: they need every member's encryption key and fail for an API key.
 */
export interface RoomOptions {
  /** Numbered ordering of the contents. */
  indexing?: boolean;
  /** Members and link holders may not download. */
  denyDownload?: boolean;
  /** Logo colour: six hex digits without `#`. */
  color?: string;
  /** Storage limit in bytes; -2 means the portal default. */
  quota?: number;
  /** Auto-delete policy for the room's files. */
  lifetime?: { deletePermanently: boolean; period: number; value: number; enabled: boolean };
  /** Watermark on documents opened in the room; `enabled: false` removes it on update. */
  watermark?: { enabled?: boolean; text?: string; rotate?: number; additions?: number };
}

export interface RoomLinkInput {
  /** An existing link to change or revoke; omitted: a new link. */
  linkId?: string;
  linkType: LinkType;
  /** An `AccessRole` the room type allows for links; `AccessRole.None` (0) revokes. */
  access: AccessRole;
  title?: string;
  /** Holders must log in to DocSpace (external links only). */
  internal?: boolean;
  denyDownload?: boolean;
  /** ISO date; a past date means no expiry for external links. */
  expirationDate?: string;
  password?: string;
  /** Invitation links only, 1..1000. */
  maxUseCount?: number;
}

export interface CreateRoomInput {
  /** Sanitized with the server's rules before sending, so it comes back exactly as `sanitizeTitle` says. */
  title: string;
  roomType: RoomType;
  /** Created on the portal if missing. */
  tags?: string[];
  /** Settings stored with the room. */
  options?: RoomOptions;
}

export interface Invitation {
  /** A user or group id; DocSpace tells them apart itself. */
  id: string;
  access: AccessRole;
}

export interface RoomAccessResult {
  /** The invited subjects DocSpace now lists. Ids it silently dropped (unknown, hidden, removed) are missing. */
  members: RoomMember[];
  warning?: string;
}

export interface UploadInput {
  /** The file name; DocSpace cleans it as every title and renames it (`name (1).ext`) beside a same-named file. */
  title: string;
  /** Exactly how many bytes `body` yields; announced to the session before the first chunk. */
  size: number;
  /** The bytes, read once and streamed chunk by chunk: never held whole. */
  body: AsyncIterable<Uint8Array>;
  /** Chunk size; default 10 MiB (the server wants multiples of 512, at least 10 MB but the last). */
  chunkBytes?: number;
}

/** Where a folder sits. `room` is undefined outside the Rooms and Archive sections (My documents, …). */
export interface FolderPlace {
  folder: { id: number; title: string };
  room: { id: number; title: string } | undefined;
  /** Folder titles from below the room down to the folder, `/`-joined; `''` for the room itself. */
  path: string;
}

/** `FolderType` of the two sections rooms live in: Rooms (14) and Archive (20). */
const ROOM_SECTIONS = new Set([14, 20]);

export interface FindOptions {
  /** Look in the Archive too; default true, because an archived room still belongs to its ticket. */
  includeArchived?: boolean;
}

export interface DocspaceClient {
  /** The portal's base URL, as links and `roomPortalUrl` use it. */
  readonly portalUrl: string;
  createRoom(input: CreateRoomInput): Promise<Room>;
  getRoom(id: number): Promise<Room>;
  /** Every room carrying `tag` (names compared ignoring case, as the portal may), reading all pages. */
  findRoomsByTag(tag: string, opts?: FindOptions): Promise<Room[]>;
  /** Every room whose title is exactly `sanitizeTitle(title, 'room')`; titles are not unique. */
  findRoomsByTitle(title: string, opts?: FindOptions): Promise<Room[]>;
  createFolder(parentId: number, title: string): Promise<Folder>;
  /** The folders directly inside a room or folder, reading all pages. */
  listFolders(folderId: number): Promise<Folder[]>;
  /** The files directly inside a room or folder, reading all pages. */
  listFiles(folderId: number): Promise<DocspaceFile[]>;
  /** Where a folder is: the room holding it and the folder titles from the room down (`GET files/{id}`). */
  folderPlace(folderId: number): Promise<FolderPlace>;
  /** One file's details (`GET files/file/{id}`): its link and its author. */
  getFile(fileId: number): Promise<DocspaceFileInfo>;
  /**
   * Uploads one file through a chunked upload session (`upload/create_session`, then each chunk
   * to the session's location) and returns the file DocSpace made, with the title it chose. A
   * same-named file is kept: the new one gets `name (1).ext`. A failure leaves no file; a lost
   * answer to the last chunk may leave one (look for it by title and size before uploading again).
   */
  uploadFile(folderId: number, input: UploadInput): Promise<DocspaceFile>;
  addTags(roomId: number, names: string[]): Promise<Room>;
  /** `PUT rooms/{id}`: a new title (sanitized first) and/or settings; what is not given stays. */
  updateRoom(id: number, changes: RoomOptions & { title?: string }): Promise<Room>;
  renameRoom(id: number, title: string): Promise<Room>;
  /** `PUT rooms/{id}/links`: creates, changes or (access 0) revokes a link; `null` when revoked. */
  setRoomLink(roomId: number, input: RoomLinkInput): Promise<RoomLink | null>;
  /** `GET rooms/{id}/links`: the room's links (at most 100), of one type or all. */
  listRoomLinks(roomId: number, opts?: { type?: LinkType }): Promise<RoomLink[]>;
  /** `PUT folder/{id}` with the sanitized title. */
  renameFolder(id: number, title: string): Promise<Folder>;
  /** `DELETE folder/{id}`, then waits for the delete operation. */
  deleteFolder(id: number): Promise<void>;
  setRoomAccess(roomId: number, invitations: Invitation[], opts?: { notify?: boolean }): Promise<RoomAccessResult>;
  /** The room's primary external link; DocSpace creates it on first request. 403 for room types without links. */
  getPrimaryLink(roomId: number): Promise<{ url: string; linkId: string }>;
  /** The room's page in the web UI, for members with a DocSpace login. No request is made. */
  roomPortalUrl(roomId: number, opts?: { archived?: boolean }): string;
  archiveRoom(id: number): Promise<void>;
  unarchiveRoom(id: number): Promise<void>;
  /** Deletes an archived room for good (DocSpace refuses active rooms). */
  deleteRoom(id: number): Promise<void>;
  /** Who the API key acts as; a cheap way to check the key at start-up. */
  getSelf(): Promise<DocspaceUser>;
  /** `GET people/{userid}`: a user by id; NOT_FOUND when there is none. */
  getUser(id: string): Promise<DocspaceUser>;
  /** `GET people/email`: the user with this email, or `undefined` when there is none. */
  findUserByEmail(email: string): Promise<DocspaceUser | undefined>;
  /** `GET group/{id}` without its members; NOT_FOUND when there is none. */
  getGroup(id: string): Promise<DocspaceGroup>;
  /** `GET group?filterValue=`: groups whose name contains `text` (the portal's search, not exact), reading all pages. */
  findGroups(text: string): Promise<DocspaceGroup[]>;
  /** `GET settings/webhook`: the portal's webhook configurations (secrets are never returned). */
  listWebhooks(): Promise<Webhook[]>;
  /** `POST settings/webhook`: a new webhook configuration. Needs a DocSpace admin's key. */
  createWebhook(input: WebhookInput): Promise<Webhook>;
  /** `PUT settings/webhook`: replaces a configuration's settings; an empty or absent `secretKey` keeps the old one. */
  updateWebhook(id: number, input: WebhookInput): Promise<Webhook>;
  /** `DELETE settings/webhook/{id}`. */
  deleteWebhook(id: number): Promise<void>;
  close(): Promise<void>;
}

function refuse(method: string, path: string, message: string): DocspaceError {
  // Our own input is wrong: sending it would fail the same way every time.
  return new DocspaceError({ code: 'BAD_REQUEST', retryable: false, message, method, path });
}

function checkId(id: number, what: string, method: string, path: string): void {
  if (!Number.isSafeInteger(id) || id <= 0) throw refuse(method, path, `${what} must be a positive integer, got ${id}`);
}

/** The settings of `RoomOptions` that were given, as the request body names them. */
function roomOptionsBody(options: RoomOptions | undefined): Record<string, unknown> {
  if (!options) return {};
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** The server's limits on a webhook (`WebhooksConfig`), checked here so the key never travels in a doomed request. */
function checkWebhook(input: WebhookInput, method: string, path: string): void {
  if (input.name.trim() === '' || input.name.length > 50) {
    throw refuse(method, path, `the webhook name must be 1 to 50 characters, got ${input.name.length}`);
  }
  if (input.secretKey !== undefined && input.secretKey.length > 50) {
    // Length only: the key itself never goes into an error.
    throw refuse(method, path, `the webhook secret key must be at most 50 characters, got ${input.secretKey.length}`);
  }
  if (!Number.isSafeInteger(input.triggers ?? 0) || (input.triggers ?? 0) < 0) {
    throw refuse(method, path, `webhook triggers must be a non-negative integer of flags, got ${input.triggers}`);
  }
}

function webhookBody(input: WebhookInput): Record<string, unknown> {
  return {
    name: input.name,
    uri: input.uri,
    enabled: input.enabled ?? true,
    ssl: input.ssl ?? true,
    triggers: input.triggers ?? 0,
    ...(input.secretKey === undefined ? {} : { secretKey: input.secretKey }),
    ...(input.targetId === undefined ? {} : { targetId: input.targetId }),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Statuses of `DistributedTaskStatus` that end an operation without success. */
const OPERATION_CANCELED = 3;
const OPERATION_FAILED = 4;

export function createDocspaceClient(options: DocspaceClientOptions): DocspaceClient {
  const parsed = DocspaceClientOptions.safeParse(options);
  if (!parsed.success) {
    // Messages and paths only: never the values, one of which is the key.
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`);
    throw new TypeError(`invalid DocSpace client options: ${problems.join('; ')}`);
  }
  const opts = parsed.data;
  const portal = portalBase(opts.baseUrl);
  const operationTimeoutMs = opts.operationTimeoutMs ?? 60_000;
  const firstPollMs = opts.pollIntervalMs ?? 100;
  const logger = opts.logger;
  const uploadTimeoutMs = Math.max(opts.timeoutMs ?? 10_000, 120_000);

  // Our own keep-alive pool unless the caller brought a fetch or a dispatcher; only ours is closed by `close()`.
  const ownAgent: Agent | undefined =
    opts.fetch || opts.dispatcher
      ? undefined
      : keepAliveAgent({ connections: opts.connections ?? 64, connectTimeoutMs: opts.timeoutMs ?? 10_000 });
  const dispatcher: Dispatcher | undefined = opts.dispatcher ?? ownAgent;
  const fetchImpl: FetchLike = opts.fetch ?? requestFetch(dispatcher!);
  const transport: HttpTransport = createHttpTransport({
    vendor: 'docspace',
    baseUrl: portal,
    headers: { authorization: `Bearer ${opts.apiKey}` },
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    fetch: fetchImpl,
  });

  async function call<T>(req: HttpRequest, schema: z.ZodType<T>) {
    const info = { method: req.method, path: req.path };
    const started = performance.now();
    let res: Awaited<ReturnType<HttpTransport['send']>>;
    try {
      res = await transport.send(req);
    } catch (err) {
      const error = fromTransportError(err, info);
      logger?.debug(
        { vendor: 'docspace', ...info, code: error.code, ms: Math.round(performance.now() - started) },
        'docspace request failed',
      );
      throw error;
    }
    logger?.debug(
      { vendor: 'docspace', ...info, status: res.status, ms: Math.round(performance.now() - started) },
      'docspace request',
    );
    return unwrap(info, res, schema);
  }

  async function get<T>(path: string, schema: z.ZodType<T>, query?: HttpRequest['query']): Promise<T> {
    return (await call({ method: 'GET', path, ...(query ? { query } : {}) }, schema)).response;
  }

  async function send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, schema: z.ZodType<T>) {
    return (await call({ method, path, body }, schema)).response;
  }

  async function findRooms(query: Record<string, string | number>, includeArchived: boolean): Promise<Room[]> {
    const dtos = await collectPages(async (startIndex) => {
      const page = await get(`${API}/files/rooms`, RoomPage, {
        ...query,
        // Any = active and archived; Active = 0.
        searchArea: includeArchived ? 2 : 0,
        count: MAX_PAGE_SIZE,
        startIndex,
        // Oldest first, so rooms created while we page land after us instead of shifting the pages.
        sortBy: 'DateAndTimeCreation',
        sortOrder: 'ascending',
      });
      return { items: page.folders, count: page.count, total: page.total };
    });
    return knownRooms(dtos).map(toRoom);
  }

  /**
   * Follows a background operation until DocSpace says it finished. Business failures (no
   * permission, a locked file) arrive as text in `error` with HTTP 200, so that text becomes the
   * error. If the operation disappears before we saw it finish, the room itself tells us.
   */
  async function waitForOperation(
    first: FileOperationDto,
    req: { method: string; path: string },
    settled: () => Promise<boolean>,
  ): Promise<void> {
    const deadline = Date.now() + operationTimeoutMs;
    let op = first;
    let delay = firstPollMs;
    while (!op.finished) {
      if (Date.now() >= deadline) {
        throw new DocspaceError({
          code: 'TIMEOUT',
          message: `DocSpace did not finish ${req.method} ${req.path} within ${operationTimeoutMs} ms (operation ${op.id})`,
          method: req.method,
          path: req.path,
          operationId: op.id,
        });
      }
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      delay = Math.min(delay * 2, 1_000);
      const ops = await get(`${API}/files/fileops`, FileOperations, { id: op.id });
      const found = ops.find((o) => o.id === op.id);
      if (!found) {
        if (await settled()) return;
        throw new DocspaceError({
          code: 'API_ERROR',
          retryable: true,
          message: `DocSpace lost track of operation ${op.id} for ${req.method} ${req.path} before it finished`,
          method: req.method,
          path: req.path,
          operationId: op.id,
        });
      }
      op = found;
    }
    const failed = op.error ? op.error : op.status === OPERATION_FAILED || op.status === OPERATION_CANCELED;
    if (failed) {
      const vendorMessage = typeof failed === 'string' ? failed : undefined;
      throw new DocspaceError({
        code: 'API_ERROR',
        retryable: false,
        message: `DocSpace could not complete ${req.method} ${req.path}${vendorMessage ? `: ${vendorMessage}` : ''}`,
        method: req.method,
        path: req.path,
        operationId: op.id,
        ...(vendorMessage === undefined ? {} : { vendorMessage }),
      });
    }
  }

  async function roomOperation(id: number, action: 'archive' | 'unarchive' | 'delete'): Promise<void> {
    const method = action === 'delete' ? 'DELETE' : 'PUT';
    const path = action === 'delete' ? `${API}/files/rooms/${id}` : `${API}/files/rooms/${id}/${action}`;
    checkId(id, 'room id', method, path);
    // The body is required even though it looks optional: the server dereferences it.
    const op = await send(method, path, { deleteAfter: false }, FileOperationDto);
    await waitForOperation(op, { method, path }, async () => {
      if (action === 'delete') {
        try {
          await get(`${API}/files/rooms/${id}`, RoomDto);
          return false;
        } catch (err) {
          if (err instanceof DocspaceError && err.code === 'NOT_FOUND') return true;
          throw err;
        }
      }
      const room = toRoom(await get(`${API}/files/rooms/${id}`, RoomDto));
      return room.archived === (action === 'archive');
    });
  }

  function invalidUpload(path: string, what: string): DocspaceError {
    return new DocspaceError({
      code: 'INVALID_RESPONSE',
      message: `DocSpace sent an unexpected answer to POST ${path}: ${what}`,
      method: 'POST',
      path,
    });
  }

  /**
   * Sends one chunk to the session's location. The handler answers in its own
   * `{success, data, message}` shape and reports failures with HTTP 200; a failed chunk leaves no
   * file, so any failure is worth a retry of the whole upload.
   */
  async function postChunk(
    url: string,
    path: string,
    chunk: ReturnType<typeof chunkBody>,
  ): Promise<{ status: number; data: unknown }> {
    const started = performance.now();
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await fetchImpl(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${opts.apiKey}`,
          accept: 'application/json',
          'content-type': chunk.contentType,
          'content-length': String(chunk.contentLength),
        },
        body: chunk.body,
        timeoutMs: uploadTimeoutMs,
      });
    } catch (err) {
      if (err instanceof RangeError) {
        throw new DocspaceError({
          code: 'BAD_REQUEST',
          retryable: true,
          message: `upload to POST ${path} stopped: ${err.message}`,
          method: 'POST',
          path,
          cause: err,
        });
      }
      const timedOut = isTimeoutError(err);
      throw new DocspaceError({
        code: timedOut ? 'TIMEOUT' : 'NETWORK',
        retryable: true,
        message: timedOut
          ? `DocSpace did not answer POST ${path} within ${uploadTimeoutMs} ms`
          : `DocSpace could not be reached for POST ${path}: ${err instanceof Error ? err.message : String(err)}`,
        method: 'POST',
        path,
        cause: err,
      });
    }
    const text = await res.text();
    logger?.debug(
      { vendor: 'docspace', method: 'POST', path, status: res.status, ms: Math.round(performance.now() - started) },
      'docspace request',
    );
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.status >= 400)
      throw toDocspaceError({ method: 'POST', path }, { status: res.status, headers: res.headers, json, text });
    const answer = ChunkAnswer.safeParse(json);
    if (!answer.success) throw invalidUpload(path, `not the chunk handler's answer (${res.status})`);
    if (!answer.data.success) {
      throw new DocspaceError({
        code: 'API_ERROR',
        retryable: true,
        statusCode: res.status,
        message: `DocSpace refused a chunk on POST ${path}: ${answer.data.message ?? 'no reason given'}`,
        method: 'POST',
        path,
        ...(answer.data.message ? { vendorMessage: answer.data.message } : {}),
      });
    }
    return { status: res.status, data: answer.data.data };
  }

  const client: DocspaceClient = {
    portalUrl: portal,

    async createRoom(input) {
      const path = `${API}/files/rooms`;
      if (!isRoomType(input.roomType)) throw refuse('POST', path, `unknown room type ${String(input.roomType)}`);
      const title = sanitizeTitle(input.title, 'room');
      if (title === '') throw refuse('POST', path, 'the room title is empty');
      const body = {
        title,
        roomType: input.roomType,
        ...(input.tags?.length ? { tags: input.tags } : {}),
        ...roomOptionsBody(input.options),
      };
      return toRoom(await send('POST', path, body, RoomDto));
    },

    async getRoom(id) {
      const path = `${API}/files/rooms/${id}`;
      checkId(id, 'room id', 'GET', path);
      return toRoom(await get(path, RoomDto));
    },

    async findRoomsByTag(tag, { includeArchived = true } = {}) {
      // `tags` is a JSON array; the server matches any of them by name. Whether that match ignores
      // case depends on the portal's database collation, so ours does too: dropping a room whose tag
      // differs only in case would make the caller create a second one.
      const rooms = await findRooms({ tags: JSON.stringify([tag]) }, includeArchived);
      const wanted = tag.toLowerCase();
      return rooms.filter((r) => r.tags.some((t) => t.toLowerCase() === wanted));
    },

    async findRoomsByTitle(title, { includeArchived = true } = {}) {
      const wanted = sanitizeTitle(title, 'room');
      if (wanted === '') return [];
      // `filterValue` is a case-insensitive substring search, so keep only exact matches.
      const rooms = await findRooms({ filterValue: wanted }, includeArchived);
      return rooms.filter((r) => r.title === wanted);
    },

    async createFolder(parentId, title) {
      const path = `${API}/files/folder/${parentId}`;
      checkId(parentId, 'parent id', 'POST', path);
      const clean = sanitizeTitle(title, 'folder');
      if (clean === '') throw refuse('POST', path, 'the folder title is empty');
      return send('POST', path, { title: clean }, FolderDto);
    },

    async listFolders(folderId) {
      const path = `${API}/files/${folderId}`;
      checkId(folderId, 'folder id', 'GET', path);
      const folders = await collectPages(async (startIndex) => {
        const page = await get(path, FolderPage, {
          filterType: 2, // FoldersOnly
          withSubFolders: false,
          count: MAX_PAGE_SIZE,
          startIndex,
          sortBy: 'DateAndTimeCreation',
          sortOrder: 'ascending',
        });
        return { items: page.folders, count: page.count, total: page.total };
      });
      return folders.filter((f) => f.parentId === folderId);
    },

    async listFiles(folderId) {
      const path = `${API}/files/${folderId}`;
      checkId(folderId, 'folder id', 'GET', path);
      const files = await collectPages(async (startIndex) => {
        const page = await get(path, FilePage, {
          filterType: 1, // FilesOnly
          withSubFolders: false,
          count: MAX_PAGE_SIZE,
          startIndex,
          sortBy: 'DateAndTimeCreation',
          sortOrder: 'ascending',
        });
        return { items: page.files, count: page.count, total: page.total };
      });
      return files.filter((f) => f.folderId === folderId).map(toFile);
    },

    async folderPlace(folderId) {
      const path = `${API}/files/${folderId}`;
      checkId(folderId, 'folder id', 'GET', path);
      // One item is enough: the answer's `current` and `pathParts` are what we read.
      const page = await get(path, FolderPlace, { count: 1, startIndex: 0 });
      const [section, room, ...below] = page.pathParts;
      const inRoom =
        section?.folderType !== undefined ? ROOM_SECTIONS.has(section.folderType) : room?.roomType !== undefined;
      return {
        folder: { id: page.current.id, title: page.current.title },
        room: inRoom && room ? { id: room.id, title: room.title } : undefined,
        path: inRoom ? below.map((p) => p.title).join('/') : '',
      };
    },

    async getFile(fileId) {
      const path = `${API}/files/file/${fileId}`;
      checkId(fileId, 'file id', 'GET', path);
      const dto = await get(path, FileDto);
      return { ...toFile(dto), url: dto.webUrl ?? dto.viewUrl, createdBy: dto.createdBy?.displayName ?? undefined };
    },

    async uploadFile(folderId, input) {
      const path = `${API}/files/${folderId}/upload/create_session`;
      checkId(folderId, 'folder id', 'POST', path);
      const title = sanitizeFileTitle(input.title);
      if (title === '') throw refuse('POST', path, 'the file name is empty');
      if (!Number.isSafeInteger(input.size) || input.size < 0) {
        throw refuse('POST', path, `the file size must be a whole number of bytes, got ${input.size}`);
      }
      const chunkBytes = input.chunkBytes ?? DEFAULT_CHUNK_BYTES;
      if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 512 || chunkBytes % 512 !== 0) {
        throw refuse('POST', path, `the chunk size must be a multiple of 512 bytes, got ${chunkBytes}`);
      }
      // 1. The session: its id and where the chunks go.
      const session = await send(
        'POST',
        path,
        { fileName: title, fileSize: input.size, createNewIfExist: true },
        UploadSessionDto,
      );
      // The location carries no secret, but our key goes with every chunk: only to the portal itself.
      let location: URL;
      try {
        location = new URL(session.data.location, portal);
      } catch {
        throw invalidUpload(path, `a session location that is not a URL`);
      }
      if (location.origin !== new URL(portal).origin) {
        throw invalidUpload(
          path,
          `a session location on another host (${location.origin}); the API key is not sent there`,
        );
      }
      // 2. The chunks, in order, each streamed from the source as it is read.
      const source = new ByteSlicer(input.body);
      const chunkPath = `${location.pathname} (session ${session.data.id})`;
      try {
        let sent = 0;
        do {
          const length = Math.min(chunkBytes, input.size - sent);
          const last = sent + length >= input.size;
          const chunk = chunkBody(source.take(length), length, {
            beforeEnd: async () => {
              if (last && (await source.hasMore())) {
                throw new RangeError(`the file is larger than the ${input.size} bytes it announced`);
              }
            },
          });
          const answer = await postChunk(location.href, chunkPath, chunk);
          sent += length;
          if (answer.status === 201 || last) {
            const done = UploadedFile.safeParse(answer.data);
            if (!done.success) throw invalidUpload(chunkPath, 'a last-chunk answer without the uploaded file');
            return toFile(done.data.file);
          }
        } while (sent < input.size);
      } finally {
        await source.close();
      }
      throw invalidUpload(chunkPath, 'no file after the last chunk');
    },

    async addTags(roomId, names) {
      const path = `${API}/files/rooms/${roomId}/tags`;
      checkId(roomId, 'room id', 'PUT', path);
      return toRoom(await send('PUT', path, { names }, RoomDto));
    },

    async updateRoom(id, changes) {
      const path = `${API}/files/rooms/${id}`;
      checkId(id, 'room id', 'PUT', path);
      const { title: raw, ...options } = changes;
      const title = raw === undefined ? undefined : sanitizeTitle(raw, 'room');
      if (title === '') throw refuse('PUT', path, 'the room title is empty');
      const body = { ...(title === undefined ? {} : { title }), ...roomOptionsBody(options) };
      return toRoom(await send('PUT', path, body, RoomDto));
    },

    renameRoom: (id, title) => client.updateRoom(id, { title }),

    async setRoomLink(roomId, input) {
      const path = `${API}/files/rooms/${roomId}/links`;
      checkId(roomId, 'room id', 'PUT', path);
      if (!isAccessRole(input.access)) {
        throw refuse('PUT', path, `link access must be an AccessRole number, got ${JSON.stringify(input.access)}`);
      }
      const { password, ...rest } = input;
      const body = { ...rest, ...(password === undefined ? {} : { password }) };
      return (await send('PUT', path, body, MaybeRoomLink)) ?? null;
    },

    async listRoomLinks(roomId, opts = {}) {
      const path = `${API}/files/rooms/${roomId}/links`;
      checkId(roomId, 'room id', 'GET', path);
      return get(path, RoomLinks, opts.type === undefined ? undefined : { type: opts.type });
    },

    async renameFolder(id, title) {
      const path = `${API}/files/folder/${id}`;
      checkId(id, 'folder id', 'PUT', path);
      const clean = sanitizeTitle(title, 'folder');
      if (clean === '') throw refuse('PUT', path, 'the folder title is empty');
      return send('PUT', path, { title: clean }, FolderDto);
    },

    async deleteFolder(id) {
      const path = `${API}/files/folder/${id}`;
      checkId(id, 'folder id', 'DELETE', path);
      const ops = await send('DELETE', path, { deleteAfter: false, immediately: true }, FileOperations);
      const op = ops[0];
      if (!op) {
        throw new DocspaceError({
          code: 'INVALID_RESPONSE',
          message: `DocSpace started no operation for DELETE ${path}`,
          method: 'DELETE',
          path,
        });
      }
      await waitForOperation(op, { method: 'DELETE', path }, async () => {
        try {
          await get(`${API}/files/folder/${id}`, FolderDto);
          return false;
        } catch (err) {
          if (err instanceof DocspaceError && err.code === 'NOT_FOUND') return true;
          throw err;
        }
      });
    },

    async setRoomAccess(roomId, invitations, { notify = false } = {}) {
      const path = `${API}/files/rooms/${roomId}/share`;
      checkId(roomId, 'room id', 'PUT', path);
      for (const inv of invitations) {
        // A role that is not one of DocSpace's numbers would be read as None and remove the member.
        if (!isAccessRole(inv.access)) {
          throw refuse(
            'PUT',
            path,
            `access for ${inv.id} must be an AccessRole number, got ${JSON.stringify(inv.access)}`,
          );
        }
      }
      const body = { invitations: invitations.map((i) => ({ id: i.id, access: i.access })), notify };
      const dto = await send('PUT', path, body, RoomSecurityDto);
      if (dto.error !== undefined && dto.error !== 0) {
        throw new DocspaceError({
          code: 'API_ERROR',
          retryable: false,
          message: `DocSpace refused to change access on ${path}: a member holds a form role (RoomSecurityError ${dto.error})`,
          method: 'PUT',
          path,
        });
      }
      return { members: toMembers(dto), ...(dto.warning ? { warning: dto.warning } : {}) };
    },

    async getPrimaryLink(roomId) {
      const path = `${API}/files/rooms/${roomId}/link`;
      checkId(roomId, 'room id', 'GET', path);
      return get(path, LinkShareDto);
    },

    roomPortalUrl(roomId, opts) {
      return roomPortalUrl(portal, roomId, opts);
    },

    archiveRoom: (id) => roomOperation(id, 'archive'),
    unarchiveRoom: (id) => roomOperation(id, 'unarchive'),
    deleteRoom: (id) => roomOperation(id, 'delete'),

    getSelf: () => get(`${API}/people/@self`, SelfDto),

    getUser: (id) => get(`${API}/people/${encodeURIComponent(id)}`, SelfDto),

    async findUserByEmail(email) {
      try {
        return await get(`${API}/people/email`, SelfDto, { email });
      } catch (err) {
        if (err instanceof DocspaceError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      }
    },

    getGroup: (id) => get(`${API}/group/${encodeURIComponent(id)}`, GroupDto, { includeMembers: 'false' }),

    findGroups: (text) =>
      collectPages(async (startIndex) => {
        // The paging numbers are the envelope's here (`SetTotalCount`), not inside `response`.
        const page = await call(
          { method: 'GET', path: `${API}/group`, query: { filterValue: text, startIndex, count: MAX_PAGE_SIZE } },
          z.array(GroupDto),
        );
        return { items: page.response, count: page.response.length, total: page.total ?? page.response.length };
      }),

    async listWebhooks() {
      const items = await get(`${API}/settings/webhook`, WebhookList);
      return items.map((i) => i.configs);
    },

    async createWebhook(input) {
      const path = `${API}/settings/webhook`;
      checkWebhook(input, 'POST', path);
      return send('POST', path, webhookBody(input), WebhookDto);
    },

    async updateWebhook(id, input) {
      const path = `${API}/settings/webhook`;
      checkId(id, 'webhook id', 'PUT', path);
      checkWebhook(input, 'PUT', path);
      return send('PUT', path, { id, ...webhookBody(input) }, WebhookDto);
    },

    async deleteWebhook(id) {
      const path = `${API}/settings/webhook/${id}`;
      checkId(id, 'webhook id', 'DELETE', path);
      await send('DELETE', path, undefined, WebhookDto);
    },

    async close() {
      await transport.close();
      await ownAgent?.close();
    },
  };
  return client;
}
