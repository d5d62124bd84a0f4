import type { SimGroup, SimUser } from './directory';
import type { FileState } from './files';
import type { Entry, FolderState, LinkState, MemberState, OperationState, Portal, RoomState } from './portal';
import {
  ARCHIVE_FOLDER_ID,
  availableAccesses,
  dtoCanShare,
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

/**
 * `ApiDateTime.ToRoundTripString` (common/ASC.Api.Core/Core/ApiDateTime.cs): seven fractional
 * digits, then `Z` when the offset is zero (a UTC portal), else `+hh:mm`. The simulated portal is UTC.
 */
export function apiDate(d: Date): string {
  // toISOString is always `YYYY-MM-DDTHH:mm:ss.sssZ` for the years a portal sees.
  return `${d.toISOString().slice(0, 23)}0000Z`;
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

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** `GroupFullDtoHelper.Get` without members (`includeMembers=false`); the simulated groups have none. */
export function groupFullDto(group: SimGroup) {
  return { ...groupDto(group), category: EMPTY_GUID, parent: EMPTY_GUID, membersCount: 0 };
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

/**
 * `FolderDtoHelper.GetAsync` for a room. `anonymous`: a caller who came by share link, for whom
 * `createdBy`/`updatedBy` are null (`FileEntryDtoHelper`) and so omitted.
 */
export function roomDto(portal: Portal, room: RoomState, portalUrl: string, opts: { anonymous?: boolean } = {}) {
  const systemFolder = room.archived ? ARCHIVE_FOLDER_ID : ROOMS_FOLDER_ID;
  const s = room.settings;
  const hasExternal = room.links.some((l) => l.linkType === 1);
  return {
    parentId: systemFolder,
    filesCount: 0,
    foldersCount: room.children.length,
    new: 0,
    mute: false,
    tags: [...room.tags].reverse(),
    logo: { original: '', large: '', medium: '', small: '', color: s.color, ...(s.cover ? { cover: s.cover } : {}) },
    pinned: false,
    roomType: room.roomType,
    private: s.private,
    indexing: s.indexing,
    denyDownload: s.denyDownload,
    ...(s.lifetime ? { lifetime: s.lifetime } : {}),
    ...(s.watermark ? { watermark: s.watermark } : {}),
    // As a portal with quota statistics on (`TenantRoomQuotaSettings.EnableQuota`); UNVERIFIED which
    // portals have it on. Without a custom quota the portal's default limit applies, shown as absent here.
    usedSpace: 0,
    isCustomQuota: s.quota > -2,
    ...(s.quota > -2 ? { quotaLimit: s.quota } : {}),
    inRoom: true,
    fileEntryType: 1,
    id: room.id,
    rootFolderId: systemFolder,
    canShare: dtoCanShare(room.roomType, room.archived),
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
    shared: room.members.size > 0 || hasExternal,
    sharedForUser: false,
    sharedExternal: hasExternal,
    parentShared: false,
    created: apiDate(room.created),
    createdBy: opts.anonymous ? undefined : author(portal, room.createdBy, portalUrl),
    updated: apiDate(room.updated),
    updatedBy: opts.anonymous ? undefined : author(portal, room.createdBy, portalUrl),
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

function linkData(link: LinkState, withToken: boolean) {
  const external = link.linkType === 1;
  return {
    id: link.id,
    title: link.title,
    shareLink: link.shareLink,
    ...(link.expirationDate ? { expirationDate: apiDate(link.expirationDate) } : {}),
    linkType: link.linkType,
    ...(external && link.password ? { password: link.password } : {}),
    denyDownload: link.denyDownload,
    isExpired: link.expirationDate !== undefined && link.expirationDate.getTime() <= Date.now(),
    primary: link.primary,
    internal: link.internal,
    ...(external && withToken ? { requestToken: link.requestToken } : {}),
    ...(link.linkType === 0 && link.maxUseCount !== undefined
      ? { maxUseCount: link.maxUseCount, currentUseCount: 0 }
      : {}),
  };
}

/**
 * `FileShareDto` of a link: the same object in `sharedTo` (obsolete) and `sharedLink`. `withToken`
 * false where `SetRoomLink` drops `requestToken` (a `linkId` was given but another link came back).
 */
export function linkShareDto(link: LinkState, opts: { withToken?: boolean } = {}) {
  const data = linkData(link, opts.withToken ?? true);
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
    subjectType:
      link.linkType === 0
        ? SubjectType.InvitationLink
        : link.primary
          ? SubjectType.PrimaryExternalLink
          : SubjectType.ExternalLink,
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

/** `FileUtility.GetFileTypeByExtention` for the few kinds a ticket's attachments usually are. */
function fileTypeOf(ext: string): number {
  const e = ext.toLowerCase();
  if (['.png', '.jpg', '.jpeg', '.gif', '.bmp', '.webp', '.svg'].includes(e)) return 4; // Image
  if (['.docx', '.doc', '.odt', '.rtf', '.txt'].includes(e)) return 7; // Document
  if (['.xlsx', '.xls', '.ods', '.csv'].includes(e)) return 5; // Spreadsheet
  if (['.pptx', '.ppt', '.odp'].includes(e)) return 6; // Presentation
  if (e === '.pdf') return 10; // Pdf
  if (['.zip', '.gz', '.7z', '.rar', '.tar'].includes(e)) return 1; // Archive
  return 0; // Unknown
}

/** `FileSizeComment.FilesSizeToString`: the human size DocSpace puts in `contentLength`. */
export function sizeText(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return i === 0 ? `${bytes} bytes` : `${value.toFixed(2)} ${units[i]}`;
}

/** `FileDto<int>`: the fields a client reads, with the download handler as `viewUrl`. */
export function fileDto(portal: Portal, file: FileState, portalUrl: string) {
  const folder = portal.entry(file.folderId);
  const room = folder ? portal.roomOf(folder) : undefined;
  const dot = file.title.lastIndexOf('.');
  const ext = dot > 0 ? file.title.slice(dot) : '';
  return {
    folderId: file.folderId,
    version: file.version,
    versionGroup: 1,
    contentLength: sizeText(file.size),
    pureContentLength: file.size,
    fileStatus: 0,
    mute: false,
    viewUrl: `${portalUrl}/filehandler.ashx?action=download&fileid=${file.id}`,
    webUrl: `${portalUrl}/doceditor?fileid=${file.id}&version=${file.version}`,
    fileType: fileTypeOf(ext),
    fileExst: ext,
    comment: file.version > 1 ? 'Uploaded: new version' : 'Uploaded',
    thumbnailStatus: 0,
    fileEntryType: 2,
    id: file.id,
    rootFolderId: room?.archived ? ARCHIVE_FOLDER_ID : ROOMS_FOLDER_ID,
    canShare: false,
    title: file.title,
    access: 0,
    shared: false,
    created: apiDate(file.created),
    createdBy: author(portal, file.createdBy, portalUrl),
    updated: apiDate(file.updated),
    updatedBy: author(portal, file.createdBy, portalUrl),
    rootFolderType: room?.archived ? FolderType.Archive : FolderType.VirtualRooms,
    ...(room ? { parentRoomType: ROOM_FOLDER_TYPES.get(room.roomType) } : {}),
  };
}
