import type { SimGroup, SimUser } from './directory';
import type { Entry, FolderState, LinkState, MemberState, OperationState, Portal, RoomState } from './portal';
import {
  ARCHIVE_FOLDER_ID,
  availableAccesses,
  FILE_SHARE_NAMES,
  FolderType,
  ROOM_FOLDER_TYPES,
  ROOMS_FOLDER_ID,
  SubjectType,
} from './rules';

/**
 * Response DTOs in DocSpace's shapes. Optional fields are left `undefined` rather than `null`, so
 * they disappear from the JSON as they do on the server (`WhenWritingNull`).
 */

/** `ApiDateTime`: `2026-01-05T10:15:30.1230000+00:00`. */
export function apiDate(d: Date): string {
  // toISOString is always `YYYY-MM-DDTHH:mm:ss.sssZ` for the years a portal sees.
  return `${d.toISOString().slice(0, 23)}0000+00:00`;
}

function colorFor(id: number): string {
  return ((id * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6).toUpperCase();
}

export function employeeDto(user: SimUser, portalUrl: string) {
  return {
    id: user.id,
    displayName: user.displayName,
    avatarSmall: '/static/images/default_user_photo_size_32-32.png',
    profileUrl: `${portalUrl}/accounts/people/filter?search=${encodeURIComponent(user.email)}`,
    hasAvatar: false,
    isAnonim: false,
  };
}

export function employeeFullDto(user: SimUser, portalUrl: string) {
  const [firstName, ...rest] = user.displayName.split(' ');
  return {
    ...employeeDto(user, portalUrl),
    firstName: firstName ?? '',
    lastName: rest.join(' '),
    userName: user.email.split('@')[0],
    email: user.email,
    status: 1,
    activationStatus: 1,
    isAdmin: user.userType === 'DocSpaceAdmin',
    isRoomAdmin: user.userType === 'RoomAdmin',
    isVisitor: user.userType === 'Guest',
    isCollaborator: false,
    isOwner: false,
    isLDAP: false,
    isSSO: false,
  };
}

export function groupDto(group: SimGroup) {
  return { id: group.id, name: group.name, isLDAP: false };
}

function author(portal: Portal, id: string, portalUrl: string) {
  const user = portal.directory.user(id);
  return user ? employeeDto(user, portalUrl) : undefined;
}

function roomSecurity(room: RoomState) {
  const active = !room.archived;
  return {
    Read: true,
    Create: active,
    Delete: room.archived,
    EditRoom: active,
    Rename: active,
    CopyTo: active,
    Copy: true,
    MoveTo: active,
    Move: active,
    Pin: active,
    Mute: true,
    EditAccess: active,
    Duplicate: active,
    Download: true,
    CopySharedLink: active,
    ChangeOwner: true,
    IndexExport: false,
  };
}

function folderSecurity(room: RoomState) {
  const active = !room.archived;
  return {
    Read: true,
    Create: active,
    Delete: active,
    EditRoom: false,
    Rename: active,
    CopyTo: active,
    Copy: true,
    MoveTo: active,
    Move: active,
    Download: true,
    CopySharedLink: active,
  };
}

function names(accesses: number[]): string[] {
  return accesses.map((a) => FILE_SHARE_NAMES[a] ?? String(a));
}

export function roomDto(portal: Portal, room: RoomState, portalUrl: string) {
  const systemFolder = room.archived ? ARCHIVE_FOLDER_ID : ROOMS_FOLDER_ID;
  return {
    parentId: systemFolder,
    filesCount: 0,
    foldersCount: room.children.length,
    new: 0,
    mute: false,
    tags: [...room.tags].reverse(),
    logo: { original: '', large: '', medium: '', small: '', color: colorFor(room.id) },
    pinned: false,
    roomType: room.roomType,
    private: false,
    indexing: false,
    denyDownload: false,
    inRoom: true,
    fileEntryType: 1,
    id: room.id,
    rootFolderId: systemFolder,
    canShare: !room.archived,
    security: roomSecurity(room),
    availableShareRights: {
      User: names(availableAccesses(room.roomType, 'user')),
      Group: names(availableAccesses(room.roomType, 'group')),
      ...(availableAccesses(room.roomType, 'externalLink').length > 0
        ? { ExternalLink: names(availableAccesses(room.roomType, 'externalLink')) }
        : {}),
    },
    title: room.title,
    access: 0,
    shared: room.members.size > 0 || room.primaryLink !== undefined,
    sharedForUser: false,
    sharedExternal: room.primaryLink !== undefined,
    parentShared: false,
    created: apiDate(room.created),
    createdBy: author(portal, room.createdBy, portalUrl),
    updated: apiDate(room.updated),
    updatedBy: author(portal, room.createdBy, portalUrl),
    rootFolderType: room.archived ? FolderType.Archive : FolderType.VirtualRooms,
  };
}

export function folderDto(portal: Portal, folder: FolderState, portalUrl: string) {
  const room = portal.roomOf(folder);
  const systemFolder = room.archived ? ARCHIVE_FOLDER_ID : ROOMS_FOLDER_ID;
  return {
    parentId: folder.parentId,
    filesCount: 0,
    foldersCount: folder.children.length,
    new: 0,
    mute: false,
    pinned: false,
    private: false,
    parentRoomType: ROOM_FOLDER_TYPES.get(room.roomType),
    fileEntryType: 1,
    id: folder.id,
    rootFolderId: systemFolder,
    canShare: false,
    security: folderSecurity(room),
    title: folder.title,
    access: 0,
    shared: false,
    created: apiDate(folder.created),
    createdBy: author(portal, folder.createdBy, portalUrl),
    updated: apiDate(folder.updated),
    updatedBy: author(portal, folder.createdBy, portalUrl),
    rootFolderType: room.archived ? FolderType.Archive : FolderType.VirtualRooms,
  };
}

export function entryDto(portal: Portal, entry: Entry, portalUrl: string) {
  return entry.kind === 'room' ? roomDto(portal, entry, portalUrl) : folderDto(portal, entry, portalUrl);
}

/** The Rooms or Archive section as a folder, for `current` in a rooms listing. */
export function sectionDto(archive: boolean, total: number) {
  return {
    parentId: 0,
    filesCount: 0,
    foldersCount: total,
    fileEntryType: 1,
    id: archive ? ARCHIVE_FOLDER_ID : ROOMS_FOLDER_ID,
    rootFolderId: archive ? ARCHIVE_FOLDER_ID : ROOMS_FOLDER_ID,
    title: archive ? 'Archive' : 'Rooms',
    access: 0,
    shared: false,
    rootFolderType: archive ? FolderType.Archive : FolderType.VirtualRooms,
  };
}

/** One page of a rooms listing (the Rooms or Archive section), as both listing endpoints answer it. */
export function roomListingDto(
  portal: Portal,
  opts: { archive: boolean; rooms: readonly RoomState[]; startIndex: number; count: number; portalUrl: string },
) {
  const page = opts.rooms.slice(opts.startIndex, opts.startIndex + opts.count);
  const current = sectionDto(opts.archive, opts.rooms.length);
  return {
    files: [],
    folders: page.map((r) => roomDto(portal, r, opts.portalUrl)),
    current,
    pathParts: [{ id: current.id, title: current.title, folderType: current.rootFolderType }],
    startIndex: opts.startIndex,
    count: page.length,
    total: opts.rooms.length,
    new: 0,
  };
}

export function pathParts(portal: Portal, entry: Entry) {
  const path = portal.path(entry);
  const room = portal.roomOf(entry);
  const section = room.archived
    ? { id: ARCHIVE_FOLDER_ID, title: 'Archive', folderType: FolderType.Archive }
    : { id: ROOMS_FOLDER_ID, title: 'Rooms', folderType: FolderType.VirtualRooms };
  return [
    section,
    ...path.map((e) =>
      e.kind === 'room'
        ? { id: e.id, title: e.title, roomType: e.roomType, folderType: ROOM_FOLDER_TYPES.get(e.roomType) }
        : { id: e.id, title: e.title, folderType: FolderType.Default },
    ),
  ];
}

function linkData(link: LinkState) {
  return {
    id: link.id,
    title: link.title,
    shareLink: link.shareLink,
    linkType: 1,
    denyDownload: false,
    isExpired: false,
    primary: link.primary,
    internal: link.internal,
    requestToken: link.requestToken,
  };
}

/** `FileShareDto` of an external link: the same object in `sharedTo` (obsolete) and `sharedLink`. */
export function linkShareDto(link: LinkState) {
  const data = linkData(link);
  return {
    access: link.access,
    sharedTo: data,
    sharedLink: data,
    isLocked: false,
    isOwner: false,
    canEditAccess: false,
    canEditInternal: true,
    canEditDenyDownload: true,
    canEditExpirationDate: !link.primary,
    canRevoke: !link.primary,
    subjectType: link.primary ? SubjectType.PrimaryExternalLink : SubjectType.ExternalLink,
  };
}

/** `FileShareDto` of a user or group member, or `undefined` if the subject no longer exists. */
export function memberShareDto(portal: Portal, room: RoomState, member: MemberState, portalUrl: string) {
  const isOwner = member.subjectId === room.ownerId;
  const common = {
    access: member.access,
    isLocked: false,
    isOwner,
    canEditAccess: !isOwner,
    canEditInternal: false,
    canEditDenyDownload: false,
    canEditExpirationDate: false,
    canRevoke: !isOwner,
    subjectType: member.subjectType,
  };
  if (member.subjectType === SubjectType.Group) {
    const group = portal.directory.group(member.subjectId);
    if (!group) return undefined;
    const dto = groupDto(group);
    return { ...common, sharedTo: dto, sharedToGroup: dto };
  }
  const user = portal.directory.user(member.subjectId);
  if (!user) return undefined;
  const dto = employeeFullDto(user, portalUrl);
  return { ...common, sharedTo: dto, sharedToUser: dto };
}

export function operationDto(op: OperationState) {
  return {
    id: op.id,
    Operation: op.operationType,
    progress: op.finished ? 100 : 0,
    error: op.error,
    processed: op.finished ? '1' : '0',
    finished: op.finished,
    status: op.status,
  };
}
