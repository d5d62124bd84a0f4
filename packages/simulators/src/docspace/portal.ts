import { randomBytes, randomUUID } from 'node:crypto';
import { Directory, type SimGroup, type SimUser } from './directory';
import {
  ARCHIVED_ROOM,
  accessDenied,
  argumentError,
  DELETE_FOLDER_DENIED,
  DocspaceException,
  EDIT_ROOM_DENIED,
  emptyArgument,
  invalidOperation,
  MAX_LINKS,
  NO_CREATE_PERMISSION,
  notFound,
  nullArgument,
  PARENT_NOT_FOUND,
  QUOTA_TOO_LARGE,
  RENAME_FOLDER_DENIED,
  ROLE_NOT_AVAILABLE,
} from './errors';
import {
  availableAccesses,
  createsPrimaryLink,
  invitationLinkAccesses,
  maxAdditionalExternalLinks,
  ROOM_FOLDER_TYPES,
  ROOMS_FOLDER_ID,
  replaceInvalidCharsAndTruncate,
  SubjectType,
  userTypeAllows,
} from './rules';

export interface LinkState {
  id: string;
  /** `LinkType`: 0 invitation, 1 external. */
  linkType: number;
  title: string;
  shareLink: string;
  access: number;
  primary: boolean;
  internal: boolean;
  denyDownload: boolean;
  expirationDate?: Date;
  password?: string;
  maxUseCount?: number;
  requestToken: string;
}

/** `RoomDataLifetimeDto`. */
export interface LifetimeState {
  deletePermanently: boolean;
  period: number;
  value: number;
  enabled: boolean;
}

/** `WatermarkRequestDto`, as stored and given back in `WatermarkDto`. */
export interface WatermarkState {
  enabled?: boolean;
  text?: string;
  rotate?: number;
  imageScale?: number;
  imageUrl?: string;
  imageWidth?: number;
  imageHeight?: number;
  additions?: number;
}

/** The `Settings*` columns `InternalCreateFolderAsync` and `UpdateRoomAsync` write. */
export interface RoomSettingsState {
  private: boolean;
  indexing: boolean;
  denyDownload: boolean;
  /** Six hex digits without `#`; random when none is given. */
  color: string;
  cover?: string;
  /** Bytes; -2 is "the portal's default". */
  quota: number;
  lifetime?: LifetimeState;
  watermark?: WatermarkState;
}

/** What `POST rooms` and `PUT rooms/{id}` may set besides the title. */
export interface RoomSettingsInput {
  private?: boolean;
  shares?: number;
  indexing?: boolean;
  denyDownload?: boolean;
  color?: string;
  cover?: string;
  quota?: number;
  lifetime?: LifetimeState;
  watermark?: WatermarkState;
}

/** `RoomLinkRequest` after reading. */
export interface LinkInput {
  linkId?: string;
  linkType: number;
  access: number;
  title?: string;
  internal: boolean;
  denyDownload: boolean;
  expirationDate?: Date;
  password?: string;
  maxUseCount?: number;
}

export interface MemberState {
  subjectId: string;
  subjectType: number;
  access: number;
}

interface EntryState {
  id: number;
  title: string;
  created: Date;
  updated: Date;
  createdBy: string;
  /** Child folder ids, oldest first. */
  children: number[];
}

export interface RoomState extends EntryState {
  kind: 'room';
  /** The title lower-cased once, for `filterValue` searches over many rooms. */
  titleLower: string;
  roomType: number;
  /** Oldest first; DTOs list them newest first. */
  tags: string[];
  archived: boolean;
  ownerId: string;
  members: Map<string, MemberState>;
  /** Invitation and external links, oldest first; at most one is `primary`. */
  links: LinkState[];
  settings: RoomSettingsState;
}

export interface FolderState extends EntryState {
  kind: 'folder';
  parentId: number;
  roomId: number;
}

export type Entry = RoomState | FolderState;

export type OperationKind = 'archive' | 'unarchive' | 'delete' | 'deleteFolder';

export interface OperationState {
  id: string;
  kind: OperationKind;
  /** `FileOperationType`: archive and unarchive are moves (0), delete is 2. */
  operationType: number;
  /** The room, or for `deleteFolder` the folder. */
  entryId: number;
  finished: boolean;
  error: string;
  /** `DistributedTaskStatus`: Running 1, Completed 2. */
  status: number;
  startedAt: number;
}

export interface RoomQuery {
  /** 0 active, 1 archive, 2 both. */
  searchArea: number;
  filterValue?: string;
  tags?: string[];
  types?: number[];
  withoutTags?: boolean;
  sortBy?: string;
  descending: boolean;
}

export interface ChildQuery {
  filterValue?: string;
  withSubFolders: boolean;
  sortBy?: string;
  descending: boolean;
}

export interface PortalOptions {
  users: readonly SimUser[];
  groups: readonly SimGroup[];
  /** The account the API key acts as. */
  actorId: string;
  /** How long a background operation takes before it reports `finished`. */
  operationMs: number;
  /** The tariff's room limit; creating more gives 402. */
  maxRooms?: number;
  /** The portal's "new share links need a login" default (`GetDefaultShareLinkInternal`); off by default. */
  defaultShareLinkInternal?: boolean;
  /** The tariff's total storage (`MaxTotalSize`); a room quota above it is refused. Default 100 GB. */
  maxStorageBytes?: number;
}

export interface Invitation {
  id?: string;
  email?: string;
  access: number;
}

const MAX_HELD_OPERATIONS = 10_000;
const EMPTY_GUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
/** `FilesCommonResource.DefaultExternalLinkTitle`, `FillOutExternalLinkTitle`, `DefaultInvitationLinkTitle`. */
export const LINK_TITLES = {
  external: 'Shared link',
  fillOut: 'Link to fill out',
  invitation: 'Invitation link',
} as const;
const LINK_CODE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

function linkCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => LINK_CODE_CHARS[b % LINK_CODE_CHARS.length]).join('');
}

function compareBy(sortBy: string | undefined, descending: boolean): (a: Entry, b: Entry) => number {
  const key = (sortBy ?? 'DateAndTime').toLowerCase();
  const base: (a: Entry, b: Entry) => number =
    key === 'az' || key === 'title'
      ? (a, b) => a.title.localeCompare(b.title) || a.id - b.id
      : key === 'dateandtimecreation'
        ? (a, b) => a.id - b.id
        : (a, b) => a.updated.getTime() - b.updated.getTime() || a.id - b.id;
  return descending ? (a, b) => base(b, a) : base;
}

/**
 * The portal's state and its rules: rooms, folders, tags, members, links and background
 * operations. No HTTP here; the routes turn requests into calls and results into DTOs.
 * Rooms are indexed by id and by tag, so a tag lookup among 100,000 rooms touches only its rooms.
 */
export class Portal {
  readonly directory: Directory;
  readonly actorId: string;
  private readonly rooms = new Map<number, RoomState>();
  private readonly folders = new Map<number, FolderState>();
  private readonly roomsByTag = new Map<string, Set<number>>();
  /** Portal-wide tags in creation order. */
  private readonly tags = new Set<string>();
  private readonly operations = new Map<string, OperationState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pendingOperationErrors: string[] = [];
  private nextId = 1001;
  private readonly opts: PortalOptions;

  constructor(opts: PortalOptions) {
    this.opts = opts;
    this.actorId = opts.actorId;
    this.directory = new Directory(opts.users, opts.groups);
  }

  /** The next id of the portal's one id sequence (rooms, folders and files share it, as on the server's tenant). */
  allocateId(): number {
    return this.nextId++;
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  get folderCount(): number {
    return this.folders.size;
  }

  private touch(entry: Entry): void {
    entry.updated = new Date();
  }

  private checkQuota(quota: number | undefined): void {
    if (quota !== undefined && quota > (this.opts.maxStorageBytes ?? 100 * 1024 ** 3)) {
      throw invalidOperation(QUOTA_TOO_LARGE);
    }
  }

  /**
   * `FileStorageService.CreateRoomAsync` → `InternalCreateFolderAsync`: type, private-room and
   * quota checks, then the room with its settings, then its tags (a tag failure leaves the room).
   */
  createRoom(
    input: { title: string; roomType: number; tags: string[]; settings?: RoomSettingsInput },
    linkBase: string,
  ): RoomState {
    if (!ROOM_FOLDER_TYPES.has(input.roomType)) {
      throw argumentError(
        "Specified argument was out of the range of valid values. (Parameter 'roomType')",
        'System.ArgumentOutOfRangeException',
      );
    }
    const settings = input.settings ?? {};
    // Private rooms need the members' encryption keys, which no simulated account has.
    if (settings.private) {
      if (!settings.shares) throw nullArgument('shares');
      const me = this.directory.user(this.actorId);
      throw invalidOperation(`The user ${me?.displayName ?? this.actorId} does not have an encryption key`);
    }
    // `title?.Trim()` then `ArgumentException.ThrowIfNullOrEmpty(title)`.
    const title = replaceInvalidCharsAndTruncate(input.title);
    if (title === '') throw emptyArgument('title');
    if (this.opts.maxRooms !== undefined && this.rooms.size >= this.opts.maxRooms) {
      throw new DocspaceException('TenantQuota', `The number of rooms should not exceed ${this.opts.maxRooms}`);
    }
    this.checkQuota(settings.quota);
    const now = new Date();
    const room: RoomState = {
      kind: 'room',
      id: this.nextId++,
      title,
      titleLower: title.toLowerCase(),
      created: now,
      updated: now,
      createdBy: this.actorId,
      children: [],
      roomType: input.roomType,
      tags: [],
      archived: false,
      ownerId: this.actorId,
      members: new Map(),
      links: [],
      settings: {
        private: false,
        indexing: settings.indexing ?? false,
        denyDownload: settings.denyDownload ?? false,
        color: settings.color ? settings.color : randomBytes(3).toString('hex').toUpperCase(),
        quota: settings.quota ?? -2,
        ...(settings.cover ? { cover: settings.cover } : {}),
        ...(settings.lifetime ? { lifetime: settings.lifetime } : {}),
        // `SetWatermarkAsync` runs inside a try with an empty catch, so a bad watermark is dropped silently.
        ...(settings.watermark ? { watermark: settings.watermark } : {}),
      },
    };
    this.rooms.set(room.id, room);
    this.attachTags(room, input.tags);
    if (createsPrimaryLink(room.roomType)) room.links.push(this.newPrimaryLink(room, linkBase));
    return room;
  }

  /**
   * `FileStorageService.UpdateRoomAsync`: a missing room is a 403 (InvalidOperation), as is an
   * archived one; an empty title leaves the title alone; only given settings change.
   */
  updateRoom(roomId: number, input: { title?: string } & RoomSettingsInput): RoomState {
    this.checkQuota(input.quota);
    const room = this.rooms.get(roomId);
    if (!room) throw invalidOperation(PARENT_NOT_FOUND);
    if (room.archived) throw invalidOperation(EDIT_ROOM_DENIED);
    const title = input.title === undefined ? '' : replaceInvalidCharsAndTruncate(input.title);
    let changed = false;
    if (title !== '' && title !== room.title) {
      room.title = title;
      room.titleLower = title.toLowerCase();
      changed = true;
    }
    const s = room.settings;
    if (input.indexing !== undefined && input.indexing !== s.indexing) s.indexing = input.indexing;
    if (input.denyDownload !== undefined) s.denyDownload = input.denyDownload;
    if (input.quota !== undefined) s.quota = input.quota;
    if (input.color !== undefined) s.color = input.color;
    if (input.cover !== undefined) s.cover = input.cover;
    if (input.lifetime !== undefined) s.lifetime = input.lifetime;
    if (input.watermark !== undefined) {
      // `watermark.enabled: false` removes it.
      if (input.watermark.enabled === false) delete s.watermark;
      else s.watermark = input.watermark;
    }
    changed ||= Object.keys(input).some((k) => k !== 'title' && (input as Record<string, unknown>)[k] !== undefined);
    if (changed) this.touch(room);
    return room;
  }

  /**
   * `PUT folder/{id}` (`FileStorageService.FolderRenameAsync`): 404 if missing, 403 in the Archive.
   * A room id renames the room.
   */
  renameFolder(id: number, rawTitle: string): Entry {
    const entry = this.entry(id);
    if (!entry) throw notFound(PARENT_NOT_FOUND);
    const room = this.roomOf(entry);
    if (room.archived) throw invalidOperation(RENAME_FOLDER_DENIED);
    const title = replaceInvalidCharsAndTruncate(rawTitle);
    if (title === '') throw emptyArgument('title');
    if (title !== entry.title) {
      entry.title = title;
      if (entry.kind === 'room') entry.titleLower = title.toLowerCase();
      this.touch(entry);
    }
    return entry;
  }

  room(id: number): RoomState {
    const room = this.rooms.get(id);
    if (!room) throw notFound();
    return room;
  }

  entry(id: number): Entry | undefined {
    return this.rooms.get(id) ?? this.folders.get(id);
  }

  roomOf(entry: Entry): RoomState {
    return entry.kind === 'room' ? entry : this.room(entry.roomId);
  }

  /** Rooms matching a `GET /files/rooms` query, sorted; paging is the caller's. */
  findRooms(q: RoomQuery): RoomState[] {
    let candidates: Iterable<RoomState>;
    if (q.tags && q.tags.length > 0 && !q.withoutTags) {
      const ids = new Set<number>();
      for (const tag of q.tags) for (const id of this.roomsByTag.get(tag) ?? []) ids.add(id);
      candidates = [...ids].map((id) => this.rooms.get(id)).filter((r): r is RoomState => r !== undefined);
    } else {
      candidates = this.rooms.values();
    }
    const text = q.filterValue?.trim().toLowerCase();
    const out: RoomState[] = [];
    for (const room of candidates) {
      if (q.searchArea === 0 && room.archived) continue;
      if (q.searchArea === 1 && !room.archived) continue;
      if (q.searchArea !== 0 && q.searchArea !== 1 && q.searchArea !== 2) continue;
      if (q.withoutTags && room.tags.length > 0) continue;
      if (q.types && q.types.length > 0 && !q.types.includes(room.roomType)) continue;
      if (text && !room.titleLower.includes(text)) continue;
      out.push(room);
    }
    return out.sort(compareBy(q.sortBy, q.descending));
  }

  createFolder(parentId: number, rawTitle: string): FolderState {
    if (parentId === ROOMS_FOLDER_ID) throw invalidOperation(NO_CREATE_PERMISSION);
    const parent = this.entry(parentId);
    if (!parent) throw invalidOperation(PARENT_NOT_FOUND);
    const room = this.roomOf(parent);
    if (room.archived) throw invalidOperation(ARCHIVED_ROOM);
    const title = replaceInvalidCharsAndTruncate(rawTitle);
    if (title === '') throw emptyArgument('title');
    const now = new Date();
    const folder: FolderState = {
      kind: 'folder',
      id: this.nextId++,
      title,
      created: now,
      updated: now,
      createdBy: this.actorId,
      children: [],
      parentId,
      roomId: room.id,
    };
    this.folders.set(folder.id, folder);
    parent.children.push(folder.id);
    this.touch(parent);
    return folder;
  }

  /** The folders in a room or folder; with `withSubFolders` a search also looks further down. */
  listFolders(parent: Entry, q: ChildQuery): FolderState[] {
    const text = q.filterValue?.trim().toLowerCase();
    const deep = q.withSubFolders && !!text;
    const out: FolderState[] = [];
    const visit = (ids: number[]) => {
      for (const id of ids) {
        const folder = this.folders.get(id);
        if (!folder) continue;
        if (!text || folder.title.toLowerCase().includes(text)) out.push(folder);
        if (deep) visit(folder.children);
      }
    };
    visit(parent.children);
    return out.sort(compareBy(q.sortBy, q.descending));
  }

  path(entry: Entry): Entry[] {
    const out: Entry[] = [];
    let current: Entry | undefined = entry;
    while (current) {
      out.unshift(current);
      current = current.kind === 'folder' ? this.entry(current.parentId) : undefined;
    }
    return out;
  }

  private attachTags(room: RoomState, names: readonly string[]): void {
    // `CustomTagsService`/`InternalCreateFolderAsync` use names as given: no trimming, and an empty
    // name fails `ArgumentException.ThrowIfNullOrEmpty(name)` in `CreateTagAsync`.
    for (const name of names) {
      if (name === '') throw emptyArgument('name');
      if (room.tags.includes(name)) continue;
      this.tags.add(name);
      room.tags.push(name);
      let ids = this.roomsByTag.get(name);
      if (!ids) {
        ids = new Set();
        this.roomsByTag.set(name, ids);
      }
      ids.add(room.id);
    }
  }

  addTags(roomId: number, names: readonly string[]): RoomState {
    const room = this.room(roomId);
    if (room.archived) throw accessDenied();
    if (names.length === 0) return room;
    this.attachTags(room, names);
    this.touch(room);
    return room;
  }

  removeTags(roomId: number, names: readonly string[]): RoomState {
    const room = this.room(roomId);
    if (room.archived) throw accessDenied();
    const drop = new Set(names);
    room.tags = room.tags.filter((t) => !drop.has(t));
    for (const name of drop) this.roomsByTag.get(name)?.delete(room.id);
    this.touch(room);
    return room;
  }

  /** `POST /files/tags`: idempotent, returns the name. */
  createTag(name: string): string {
    if (name === '') throw emptyArgument('name');
    this.tags.add(name);
    return name;
  }

  listTags(filterValue: string | undefined): string[] {
    const text = filterValue?.trim().toLowerCase();
    return [...this.tags].filter((t) => !text || t.toLowerCase().includes(text));
  }

  /**
   * `PUT rooms/{id}/share`. Every invitation is checked before any is applied, so a refused role
   * changes nothing. Ids that name no one are dropped silently; access 0 removes the member.
   * Returns the ids to report back: the subjects the caller named by id, which the response then
   * lists if they are still members.
   */
  setAccess(roomId: number, invitations: readonly Invitation[]): string[] {
    const room = this.room(roomId);
    if (room.archived) throw accessDenied();
    type Planned = { subjectId: string; subjectType: number; access: number; guestEmail?: string };
    const planned: Planned[] = [];
    for (const inv of invitations) {
      if (inv.id && !/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(inv.id)) {
        const user = this.directory.user(inv.id);
        const group = user ? undefined : this.directory.group(inv.id);
        if (!user && !group) continue;
        const subject = user ? 'user' : 'group';
        if (!availableAccesses(room.roomType, subject).includes(inv.access)) throw invalidOperation(ROLE_NOT_AVAILABLE);
        if (user && !userTypeAllows(user.userType, inv.access)) throw invalidOperation(ROLE_NOT_AVAILABLE);
        planned.push({
          subjectId: (user ?? group)!.id,
          subjectType: user ? SubjectType.User : SubjectType.Group,
          access: inv.access,
        });
      } else if (inv.email) {
        const existing = this.directory.userByEmail(inv.email);
        if (!availableAccesses(room.roomType, 'user').includes(inv.access)) throw invalidOperation(ROLE_NOT_AVAILABLE);
        if (!userTypeAllows(existing?.userType ?? 'Guest', inv.access)) throw invalidOperation(ROLE_NOT_AVAILABLE);
        planned.push({
          subjectId: existing?.id ?? '',
          subjectType: SubjectType.User,
          access: inv.access,
          guestEmail: inv.email,
        });
      }
    }
    const reported = new Set<string>();
    for (const p of planned) {
      let subjectId = p.subjectId;
      if (subjectId === '' && p.guestEmail) subjectId = this.directory.addGuest(randomUUID(), p.guestEmail).id;
      // The owner's own access is not changed through invitations.
      if (subjectId === room.ownerId) {
        if (!p.guestEmail) reported.add(subjectId);
        continue;
      }
      if (p.access === 0) room.members.delete(subjectId);
      else room.members.set(subjectId, { subjectId, subjectType: p.subjectType, access: p.access });
      // Email invitees are answered with an empty id, so they never show up in `members`.
      if (!p.guestEmail) reported.add(subjectId);
    }
    if (planned.length > 0) this.touch(room);
    return [...reported];
  }

  /** The owner first, then members in the order they were added. */
  members(room: RoomState): MemberState[] {
    return [
      { subjectId: room.ownerId, subjectType: SubjectType.User, access: 9 },
      ...[...room.members.values()].filter((m) => m.subjectId !== room.ownerId),
    ];
  }

  /**
   * `internal` of a new external link (`ResolveRequiredAuthAsync` and `SetAceObjectAsync`): asked
   * for, else the portal default when the link is new; always off in public rooms, always on in
   * virtual data rooms.
   */
  private linkInternal(room: RoomState, asked: boolean, applyDefault: boolean): boolean {
    if (room.roomType === 6) return false;
    if (room.roomType === 8) return true;
    return asked || (applyDefault && (this.opts.defaultShareLinkInternal ?? false));
  }

  private newLink(
    linkBase: string,
    init: Omit<LinkState, 'shareLink' | 'requestToken' | 'id'> & { id?: string },
  ): LinkState {
    return {
      ...init,
      id: init.id ?? randomUUID(),
      shareLink: `${linkBase}/s/${linkCode()}`,
      requestToken: randomBytes(24).toString('base64url'),
    };
  }

  /**
   * The primary link a room is created with (`CreateRoomAsync`): public rooms get a Read link
   * titled "Shared link"; form-filling rooms a FillForms link titled "Link to fill out", with
   * `internal` from the portal default.
   */
  private newPrimaryLink(room: RoomState, linkBase: string): LinkState {
    const fillOut = room.roomType === 1;
    return this.newLink(linkBase, {
      linkType: 1,
      title: fillOut ? LINK_TITLES.fillOut : LINK_TITLES.external,
      access: fillOut ? 7 : 2,
      primary: true,
      internal: this.linkInternal(room, false, true),
      denyDownload: false,
    });
  }

  primaryLinkOf(room: RoomState): LinkState | undefined {
    return room.links.find((l) => l.primary);
  }

  /** `GET rooms/{id}/link`: returns the primary link, creating it (Read, "Shared link") on first use. */
  primaryLink(roomId: number, linkBase: string): LinkState {
    const room = this.room(roomId);
    const existing = this.primaryLinkOf(room);
    if (existing) return existing;
    if (room.archived) throw accessDenied();
    if (!availableAccesses(room.roomType, 'externalLink').includes(2)) throw invalidOperation(ROLE_NOT_AVAILABLE);
    const link = this.newLink(linkBase, {
      linkType: 1,
      title: LINK_TITLES.external,
      access: 2,
      primary: true,
      internal: this.linkInternal(room, false, true),
      denyDownload: false,
    });
    room.links.push(link);
    this.touch(room);
    return link;
  }

  /** Whether a `Request-Token` (or `?share=`) opens this room: a live external link of it. */
  linkOpens(room: RoomState, token: string | undefined): boolean {
    if (!token || room.archived) return false;
    const now = Date.now();
    return room.links.some(
      (l) =>
        l.linkType === 1 &&
        l.requestToken === token &&
        !l.internal &&
        !l.password &&
        (!l.expirationDate || l.expirationDate.getTime() > now),
    );
  }

  /**
   * `PUT rooms/{id}/links` (`SetInvitationLinkAsync`, `SetExternalLinkAsync`, `SetAceObjectAsync`):
   * an unknown or empty `linkId` creates, a known one updates, access 0 revokes. Revoking the
   * primary link of a public or form-filling room makes a fresh primary link, which is answered.
   * Returns `undefined` where the server answers a null response.
   */
  setLink(roomId: number, input: LinkInput, linkBase: string): LinkState | undefined {
    const room = this.room(roomId);
    if (room.archived) throw accessDenied();
    const id = input.linkId && !EMPTY_GUID.test(input.linkId) ? input.linkId : undefined;
    const existing = id ? room.links.find((l) => l.id === id) : undefined;
    // An existing link keeps its own kind (`w.SubjectType = existedShare.SubjectType`).
    const linkType = existing?.linkType ?? input.linkType;
    const allowed =
      linkType === 0 ? invitationLinkAccesses(room.roomType) : availableAccesses(room.roomType, 'externalLink');
    if (!allowed.includes(input.access)) throw invalidOperation(ROLE_NOT_AVAILABLE);
    if (input.access === 0) {
      if (!existing) return undefined;
      room.links = room.links.filter((l) => l !== existing);
      this.touch(room);
      if (existing.primary && (room.roomType === 6 || room.roomType === 1)) {
        const fresh = this.newPrimaryLink(room, linkBase);
        room.links.push(fresh);
        return fresh;
      }
      return undefined;
    }
    const expirationDate =
      input.expirationDate && input.expirationDate.getTime() > Date.now() ? input.expirationDate : undefined;
    if (expirationDate && expirationDate.getTime() > Date.now() + 10 * 365.25 * 24 * 3600 * 1000) {
      throw argumentError("Value does not fall within the expected range. (Parameter 'expirationDate')");
    }
    if (existing) {
      existing.access = input.access;
      if (input.title) existing.title = input.title;
      existing.denyDownload = input.denyDownload;
      if (linkType === 1) existing.internal = this.linkInternal(room, input.internal, false);
      // Primary links of public and form-filling rooms never expire.
      if (!(existing.primary && (room.roomType === 6 || room.roomType === 1))) {
        if (expirationDate) existing.expirationDate = expirationDate;
        else delete existing.expirationDate;
      }
      if (input.password) existing.password = input.password;
      else delete existing.password;
      if (input.maxUseCount !== undefined) existing.maxUseCount = input.maxUseCount;
      this.touch(room);
      return existing;
    }
    if (linkType === 1) {
      const max = maxAdditionalExternalLinks(room.roomType);
      const count = room.links.filter((l) => l.linkType === 1 && !l.primary).length;
      if (count >= max) throw invalidOperation(MAX_LINKS(max));
    }
    const link = this.newLink(linkBase, {
      ...(id ? { id } : {}),
      linkType,
      title: input.title ? input.title : linkType === 0 ? LINK_TITLES.invitation : LINK_TITLES.external,
      access: input.access,
      primary: false,
      internal: linkType === 1 ? this.linkInternal(room, input.internal, true) : false,
      denyDownload: linkType === 1 ? input.denyDownload : false,
      ...(expirationDate ? { expirationDate } : {}),
      ...(linkType === 1 && input.password ? { password: input.password } : {}),
      ...(linkType === 0 && input.maxUseCount !== undefined ? { maxUseCount: input.maxUseCount } : {}),
    });
    room.links.push(link);
    this.touch(room);
    return link;
  }

  /** `GET rooms/{id}/links`: `type` 0 invitation links, 1 external links, none both; at most 100. */
  listLinks(roomId: number, linkType: number | undefined): LinkState[] {
    const room = this.room(roomId);
    return room.links.filter((l) => linkType === undefined || l.linkType === linkType).slice(0, 100);
  }

  /** Makes the next background operation finish with this error text (HTTP 200), once. */
  failNextOperation(message: string): void {
    this.pendingOperationErrors.push(message);
  }

  /**
   * Starts archive, unarchive or delete. Like DocSpace, the request only checks what it can check
   * at once (the room exists; delete needs an archived room) and the move happens later.
   */
  startOperation(kind: OperationKind, entryId: number): OperationState {
    if (kind !== 'deleteFolder') {
      const room = this.room(entryId);
      if (kind === 'delete' && !room.archived) throw accessDenied();
    }
    const op: OperationState = {
      id: randomUUID(),
      kind,
      operationType: kind === 'delete' || kind === 'deleteFolder' ? 2 : 0,
      entryId,
      finished: false,
      error: '',
      status: 1,
      startedAt: Date.now(),
    };
    this.operations.set(op.id, op);
    if (this.operations.size > MAX_HELD_OPERATIONS) {
      const oldest = this.operations.keys().next().value;
      if (oldest !== undefined) this.operations.delete(oldest);
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finish(op);
    }, this.opts.operationMs);
    this.timers.add(timer);
    return op;
  }

  private finish(op: OperationState): void {
    const error = this.pendingOperationErrors.shift();
    if (error !== undefined) {
      Object.assign(op, { finished: true, error, status: 2 });
      return;
    }
    if (op.kind === 'deleteFolder') {
      this.finishFolderDelete(op);
      return;
    }
    const room = this.rooms.get(op.entryId);
    if (!room) {
      Object.assign(op, { finished: true, error: 'Folder not found', status: 2 });
      return;
    }
    if (op.kind === 'delete') this.deleteRoom(room);
    else if (room.archived !== (op.kind === 'archive')) {
      room.archived = op.kind === 'archive';
      this.touch(room);
    }
    Object.assign(op, { finished: true, status: 2 });
  }

  /**
   * `DELETE folder/{id}` runs as a delete operation; what it refuses arrives as the operation's
   * `error` with HTTP 200 (UNVERIFIED which refusals the server makes before publishing).
   */
  private finishFolderDelete(op: OperationState): void {
    const entry = this.entry(op.entryId);
    const refusal = !entry
      ? PARENT_NOT_FOUND
      : // `FileSecurity` lets plain folders in active rooms be deleted; a room only from the Archive.
        (entry.kind === 'room' ? !this.roomOf(entry).archived : this.roomOf(entry).archived)
        ? DELETE_FOLDER_DENIED
        : undefined;
    if (!entry || refusal !== undefined) {
      Object.assign(op, { finished: true, error: refusal, status: 2 });
      return;
    }
    const room = this.roomOf(entry);
    if (entry.kind === 'room') this.deleteRoom(room);
    else {
      this.dropFolders([entry.id]);
      const parent = this.entry(entry.parentId);
      if (parent) {
        parent.children = parent.children.filter((c) => c !== entry.id);
        this.touch(parent);
      }
    }
    Object.assign(op, { finished: true, status: 2 });
  }

  private dropFolders(ids: number[]): void {
    for (const id of ids) {
      const folder = this.folders.get(id);
      if (!folder) continue;
      this.dropFolders(folder.children);
      this.folders.delete(id);
    }
  }

  private deleteRoom(room: RoomState): void {
    this.dropFolders(room.children);
    for (const tag of room.tags) this.roomsByTag.get(tag)?.delete(room.id);
    this.rooms.delete(room.id);
  }

  operationsFor(id: string | undefined): OperationState[] {
    if (id === undefined) return [...this.operations.values()];
    const op = this.operations.get(id);
    return op ? [op] : [];
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
