/**
 * DocSpace's business rules as the simulator applies them, written from the server reference
 * (docs/reference: docspace-api.md) and deliberately not shared with the client package, so that a
 * mistake in one shows up as a failing test against the other.
 */

/** `RoomType` → the `FolderType` the room is stored with. */
export const ROOM_FOLDER_TYPES: ReadonlyMap<number, number> = new Map([
  [1, 15], // FillingFormsRoom
  [2, 16], // EditingRoom
  [5, 19], // CustomRoom
  [6, 22], // PublicRoom
  [8, 29], // VirtualDataRoom
  [9, 31], // AiRoom
]);

export const ROOM_TYPE_NAMES: ReadonlyMap<string, number> = new Map([
  ['fillingformsroom', 1],
  ['editingroom', 2],
  ['customroom', 5],
  ['publicroom', 6],
  ['virtualdataroom', 8],
  ['airoom', 9],
]);

export const FolderType = { Default: 0, VirtualRooms: 14, Archive: 20 } as const;

/** Ids of the two system folders rooms live in. */
export const ROOMS_FOLDER_ID = 2;
export const ARCHIVE_FOLDER_ID = 3;

/** `FileShare`: names as the server reads them (case-insensitively) and the numbers it writes. */
export const FILE_SHARE: ReadonlyMap<string, number> = new Map([
  ['none', 0],
  ['readwrite', 1],
  ['read', 2],
  ['restrict', 3],
  ['varies', 4],
  ['review', 5],
  ['comment', 6],
  ['fillforms', 7],
  ['customfilter', 8],
  ['roommanager', 9],
  ['editing', 10],
  ['contentcreator', 11],
]);

export const FILE_SHARE_NAMES: readonly string[] = [
  'None',
  'ReadWrite',
  'Read',
  'Restrict',
  'Varies',
  'Review',
  'Comment',
  'FillForms',
  'CustomFilter',
  'RoomManager',
  'Editing',
  'ContentCreator',
];

/**
 * `FileShareConverter.Read`: a number, a numeric string or a name. Anything it cannot read becomes
 * `None` (0), which is how a typo in a role removes a member.
 */
export function readFileShare(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
    return FILE_SHARE.get(trimmed.toLowerCase()) ?? 0;
  }
  return 0;
}

export const SubjectType = { User: 0, ExternalLink: 1, Group: 2, InvitationLink: 3, PrimaryExternalLink: 4 } as const;

const NONE = 0;
const READ = 2;
const REVIEW = 5;
const COMMENT = 6;
const FILL_FORMS = 7;
const ROOM_MANAGER = 9;
const EDITING = 10;
const CONTENT_CREATOR = 11;

/** `FileSecurity.AvailableRoomAccesses`, per room type and subject. */
const ROOM_ACCESSES: ReadonlyMap<number, { user: number[]; group: number[]; externalLink: number[] }> = new Map([
  [
    5,
    {
      user: [ROOM_MANAGER, CONTENT_CREATOR, EDITING, REVIEW, COMMENT, READ, NONE],
      group: [CONTENT_CREATOR, EDITING, REVIEW, COMMENT, READ, NONE],
      externalLink: [EDITING, FILL_FORMS, REVIEW, COMMENT, READ, NONE],
    },
  ],
  [
    6,
    {
      user: [ROOM_MANAGER, CONTENT_CREATOR, NONE],
      group: [CONTENT_CREATOR, NONE],
      externalLink: [EDITING, FILL_FORMS, REVIEW, COMMENT, READ, NONE],
    },
  ],
  [
    1,
    {
      user: [ROOM_MANAGER, CONTENT_CREATOR, FILL_FORMS, NONE],
      group: [CONTENT_CREATOR, FILL_FORMS, NONE],
      externalLink: [FILL_FORMS, READ, NONE],
    },
  ],
  [
    2,
    {
      user: [ROOM_MANAGER, CONTENT_CREATOR, EDITING, READ, NONE],
      group: [CONTENT_CREATOR, EDITING, READ, NONE],
      externalLink: [],
    },
  ],
  [
    8,
    {
      user: [ROOM_MANAGER, CONTENT_CREATOR, EDITING, READ, FILL_FORMS, NONE],
      group: [CONTENT_CREATOR, EDITING, READ, FILL_FORMS, NONE],
      externalLink: [],
    },
  ],
  [9, { user: [ROOM_MANAGER, CONTENT_CREATOR, READ, NONE], group: [CONTENT_CREATOR, READ, NONE], externalLink: [] }],
]);

export function availableAccesses(roomType: number, subject: 'user' | 'group' | 'externalLink'): number[] {
  return ROOM_ACCESSES.get(roomType)?.[subject] ?? [];
}

export function allowsExternalLinks(roomType: number): boolean {
  return availableAccesses(roomType, 'externalLink').length > 0;
}

/** Room types that get a primary external link the moment they are created (`FileStorageService.CreateRoomAsync`). */
export function createsPrimaryLink(roomType: number): boolean {
  return roomType === 6 || roomType === 1;
}

/**
 * `InvitationLink` roles per room type (`FileSecurity.AvailableRoomAccesses`): the group roles,
 * except that public rooms also allow Read.
 */
export function invitationLinkAccesses(roomType: number): number[] {
  if (roomType === 6) return [CONTENT_CREATOR, READ, NONE];
  return availableAccesses(roomType, 'group');
}

/**
 * `FileSecurity._linkCountRoomSettingsAccesses`: how many additional (non-primary) external links a
 * room type may hold. Form-filling rooms have only their primary link, so the limit is 0.
 */
export function maxAdditionalExternalLinks(roomType: number): number {
  return roomType === 5 || roomType === 6 ? 5 : 0;
}

/**
 * `FileEntryDto`'s `CanShare`: forced false for collaboration (EditingRoom) and virtual data rooms,
 * whatever the caller's rights; otherwise whether the caller may set access (not in the Archive).
 */
export function dtoCanShare(roomType: number, archived: boolean): boolean {
  if (roomType === 2 || roomType === 8) return false;
  return !archived;
}

/** `SearchArea`, as the query binder reads it: a defined number or a name (case-insensitive). */
export const SEARCH_AREAS: ReadonlyMap<string, number> = new Map([
  ['active', 0],
  ['archive', 1],
  ['any', 2],
  ['recentbylinks', 3],
  ['templates', 4],
  ['knowledge', 5],
  ['resultstorage', 6],
  ['aiagents', 7],
]);

/** `LinkType` (`FileShareDto.cs`). */
export const LINK_TYPES: ReadonlyMap<string, number> = new Map([
  ['invitation', 0],
  ['external', 1],
]);

export type UserType = 'DocSpaceAdmin' | 'RoomAdmin' | 'User' | 'Guest';

/** `AvailableUserAccesses`: only admins and room admins may manage a room. */
export function userTypeAllows(userType: UserType, access: number): boolean {
  return access !== ROOM_MANAGER || userType === 'DocSpaceAdmin' || userType === 'RoomAdmin';
}

export const TITLE_LIMIT = { room: 170, folder: 165 } as const;
const MAX_TITLE = 170;

const INVALID_TITLE_CHARS = /[\t*+:"<>?|\\/\uD800-\uDFFF]/g;
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const TRIM = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');

/**
 * `Global.ReplaceInvalidCharsAndTruncate`: trim (as .NET does), cut to 170 keeping an
 * extension-like tail, then replace invalid characters (per UTF-16 code unit) with `_`.
 */
export function replaceInvalidCharsAndTruncate(title: string): string {
  let out = title.replace(TRIM, '');
  if (out.length > MAX_TITLE) {
    const pos = out.lastIndexOf('.');
    out =
      MAX_TITLE - 20 < pos
        ? out.slice(0, Math.max(0, MAX_TITLE - (out.length - pos))) + out.slice(pos)
        : out.slice(0, MAX_TITLE);
  }
  return out.replace(INVALID_TITLE_CHARS, '_');
}

export function isBlank(title: string): boolean {
  return title.replace(TRIM, '') === '';
}
