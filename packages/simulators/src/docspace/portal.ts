import { randomBytes, randomUUID } from 'node:crypto';
import { Directory, type SimGroup, type SimUser } from './directory';
import {
  ARCHIVED_ROOM,
  accessDenied,
  argumentError,
  DocspaceException,
  invalidOperation,
  NO_CREATE_PERMISSION,
  notFound,
  PARENT_NOT_FOUND,
  ROLE_NOT_AVAILABLE,
} from './errors';
import {
  availableAccesses,
  createsPrimaryLink,
  ROOM_FOLDER_TYPES,
  ROOMS_FOLDER_ID,
  replaceInvalidCharsAndTruncate,
  SubjectType,
  userTypeAllows,
} from './rules';

export interface LinkState {
  id: string;
  title: string;
  shareLink: string;
  access: number;
  primary: boolean;
  internal: boolean;
  requestToken: string;
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
  primaryLink: LinkState | undefined;
}

export interface FolderState extends EntryState {
  kind: 'folder';
  parentId: number;
  roomId: number;
}

export type Entry = RoomState | FolderState;

export type OperationKind = 'archive' | 'unarchive' | 'delete';

export interface OperationState {
  id: string;
  kind: OperationKind;
  /** `FileOperationType`: archive and unarchive are moves (0), delete is 2. */
  operationType: number;
  roomId: number;
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
}

export interface Invitation {
  id?: string;
  email?: string;
  access: number;
}

const MAX_HELD_OPERATIONS = 10_000;
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

  get roomCount(): number {
    return this.rooms.size;
  }

  get folderCount(): number {
    return this.folders.size;
  }

  private touch(entry: Entry): void {
    entry.updated = new Date();
  }

  createRoom(input: { title: string; roomType: number; tags: string[] }, linkBase: string): RoomState {
    if (!ROOM_FOLDER_TYPES.has(input.roomType)) {
      throw argumentError(
        "Specified argument was out of the range of valid values. (Parameter 'roomType')",
        'System.ArgumentOutOfRangeException',
      );
    }
    const title = replaceInvalidCharsAndTruncate(input.title);
    if (title === '') throw argumentError('Title can not be empty');
    if (this.opts.maxRooms !== undefined && this.rooms.size >= this.opts.maxRooms) {
      throw new DocspaceException('TenantQuota', `The number of rooms should not exceed ${this.opts.maxRooms}`);
    }
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
      primaryLink: undefined,
    };
    this.rooms.set(room.id, room);
    this.attachTags(room, input.tags);
    if (createsPrimaryLink(room.roomType)) room.primaryLink = this.newPrimaryLink(room, linkBase);
    return room;
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
    if (title === '') throw argumentError('Title can not be empty');
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
    for (const raw of names) {
      const name = raw.trim();
      if (name === '' || room.tags.includes(name)) continue;
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
    const drop = new Set(names.map((n) => n.trim()));
    room.tags = room.tags.filter((t) => !drop.has(t));
    for (const name of drop) this.roomsByTag.get(name)?.delete(room.id);
    this.touch(room);
    return room;
  }

  /** `POST /files/tags`: idempotent, returns the name. */
  createTag(name: string): string {
    const trimmed = name.trim();
    if (trimmed === '') throw argumentError('Tag name is empty');
    this.tags.add(trimmed);
    return trimmed;
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

  private newPrimaryLink(room: RoomState, linkBase: string): LinkState {
    return {
      id: randomUUID(),
      title: 'Shared link',
      shareLink: `${linkBase}/s/${linkCode()}`,
      access: 2,
      primary: true,
      // Forced on for virtual data rooms, off for public rooms; the portal default is off.
      internal: room.roomType === 8,
      requestToken: randomBytes(24).toString('base64url'),
    };
  }

  /** `GET rooms/{id}/link`: returns the primary link, creating it on first use. */
  primaryLink(roomId: number, linkBase: string): LinkState {
    const room = this.room(roomId);
    if (room.primaryLink) return room.primaryLink;
    if (room.archived) throw accessDenied();
    if (!availableAccesses(room.roomType, 'externalLink').includes(2)) throw invalidOperation(ROLE_NOT_AVAILABLE);
    room.primaryLink = this.newPrimaryLink(room, linkBase);
    this.touch(room);
    return room.primaryLink;
  }

  /** Makes the next background operation finish with this error text (HTTP 200), once. */
  failNextOperation(message: string): void {
    this.pendingOperationErrors.push(message);
  }

  /**
   * Starts archive, unarchive or delete. Like DocSpace, the request only checks what it can check
   * at once (the room exists; delete needs an archived room) and the move happens later.
   */
  startOperation(kind: OperationKind, roomId: number): OperationState {
    const room = this.room(roomId);
    if (kind === 'delete' && !room.archived) throw accessDenied();
    const op: OperationState = {
      id: randomUUID(),
      kind,
      operationType: kind === 'delete' ? 2 : 0,
      roomId,
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
    const room = this.rooms.get(op.roomId);
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

  private deleteRoom(room: RoomState): void {
    const drop = (ids: number[]) => {
      for (const id of ids) {
        const folder = this.folders.get(id);
        if (!folder) continue;
        drop(folder.children);
        this.folders.delete(id);
      }
    };
    drop(room.children);
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
