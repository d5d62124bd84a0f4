import { z } from 'zod';
import { isRoomType, ROOM_TYPES, type RoomType, roomTypeCanShare } from './room-type';

/**
 * One zod schema per DocSpace payload we read, keeping only the fields we use. Unknown fields are
 * dropped, so a newer server adding fields never breaks us; a missing or mistyped field we rely on
 * is an `INVALID_RESPONSE`.
 */

/** FolderType of the "Archive" section: an archived room's `rootFolderType`. */
export const ARCHIVE_FOLDER_TYPE = 20;

const Id = z.number().int();

/** The JSON envelope around every success (and validation failure): `{response, count, total, status, statusCode}`. */
export const Envelope = z.object({
  response: z.unknown().optional(),
  count: z.number().optional(),
  total: z.number().optional(),
  status: z.number().optional(),
  statusCode: z.number().optional(),
});

/** `FolderDto` of a room (create, get, tag, list). */
export const RoomDto = z.object({
  id: Id,
  title: z.string(),
  roomType: z.literal(ROOM_TYPES),
  tags: z.array(z.string()).optional(),
  rootFolderType: z.number().int(),
  canShare: z.boolean().optional(),
  indexing: z.boolean().optional(),
  denyDownload: z.boolean().optional(),
});
export type RoomDto = z.infer<typeof RoomDto>;

/**
 * A room in a list. Rooms of types this client does not know (the removed Review and ReadOnly
 * rooms, or types newer than us) are read leniently and then left out: we never create them, so
 * they cannot be the room we are looking for, and they must not make every lookup fail.
 */
export const RoomListItem = RoomDto.extend({ roomType: z.number().int() });

export function knownRooms(items: z.infer<typeof RoomListItem>[]): RoomDto[] {
  return items.filter((r): r is RoomDto => isRoomType(r.roomType));
}

export interface Room {
  id: number;
  title: string;
  roomType: RoomType;
  /** Newest first, as DocSpace lists them. */
  tags: string[];
  /** 14 (the Rooms section) while active, 20 (Archive) once archived. */
  rootFolderType: number;
  archived: boolean;
  /** The server's `canShare`; false for collaboration and virtual data rooms (`roomTypeCanShare`). */
  canShare: boolean;
  indexing: boolean;
  denyDownload: boolean;
}

export function toRoom(dto: RoomDto): Room {
  return {
    id: dto.id,
    title: dto.title,
    roomType: dto.roomType,
    tags: dto.tags ?? [],
    rootFolderType: dto.rootFolderType,
    archived: dto.rootFolderType === ARCHIVE_FOLDER_TYPE,
    // Older servers may omit it; the type decides as the server would.
    canShare: dto.canShare ?? (dto.rootFolderType !== ARCHIVE_FOLDER_TYPE && roomTypeCanShare(dto.roomType)),
    indexing: dto.indexing ?? false,
    denyDownload: dto.denyDownload ?? false,
  };
}

/** `FolderDto` of a plain folder inside a room. */
export const FolderDto = z.object({ id: Id, title: z.string(), parentId: Id });
export type FolderDto = z.infer<typeof FolderDto>;
export type Folder = FolderDto;

/** `FolderContentDto`: one page of a folder's (or the Rooms section's) contents. */
export function folderContent<T extends z.ZodType>(item: T) {
  return z.object({
    folders: z.array(item),
    startIndex: z.number().int(),
    count: z.number().int(),
    total: z.number().int(),
  });
}

/** `FileShareDto` of a link: the URL is in `sharedLink`, and in the obsolete `sharedTo` on older servers. */
const LinkData = z.object({ id: z.string(), shareLink: z.string().min(1) });
export const LinkShareDto = z
  .object({ sharedLink: LinkData.optional(), sharedTo: z.unknown().optional() })
  .transform((dto, ctx) => {
    const fromTo = LinkData.safeParse(dto.sharedTo);
    const link = dto.sharedLink ?? (fromTo.success ? fromTo.data : undefined);
    if (!link) {
      ctx.addIssue({ code: 'custom', message: 'no sharedLink.shareLink or sharedTo.shareLink in the link' });
      return z.NEVER;
    }
    return { url: link.shareLink, linkId: link.id };
  });

/** `FileShareDto` of any room link, as `GET/PUT rooms/{id}/links` answer it. */
const RoomLinkData = z.object({
  id: z.string(),
  title: z.string().optional(),
  shareLink: z.string().min(1),
  linkType: z.number().int(),
  primary: z.boolean().optional(),
  internal: z.boolean().optional(),
  denyDownload: z.boolean().optional(),
  isExpired: z.boolean().optional(),
});
export const RoomLinkDto = z
  .object({ access: z.number().int(), sharedLink: RoomLinkData.optional(), sharedTo: z.unknown().optional() })
  .transform((dto, ctx) => {
    const fromTo = RoomLinkData.safeParse(dto.sharedTo);
    const link = dto.sharedLink ?? (fromTo.success ? fromTo.data : undefined);
    if (!link) {
      ctx.addIssue({ code: 'custom', message: 'no sharedLink or sharedTo in the link' });
      return z.NEVER;
    }
    return {
      id: link.id,
      url: link.shareLink,
      title: link.title ?? '',
      access: dto.access,
      linkType: link.linkType,
      primary: link.primary ?? false,
      internal: link.internal ?? false,
      denyDownload: link.denyDownload ?? false,
      expired: link.isExpired ?? false,
    };
  });
export type RoomLink = z.output<typeof RoomLinkDto>;

const Subject = z.object({ id: z.string() });

/** A member in `RoomSecurityDto.members`: `sharedTo` is a user or a group. */
const MemberDto = z.object({
  access: z.number().int(),
  subjectType: z.number().int(),
  sharedTo: Subject.optional(),
  sharedToUser: Subject.optional(),
  sharedToGroup: Subject.optional(),
});

export const RoomSecurityDto = z.object({
  members: z.array(MemberDto).optional(),
  warning: z.string().optional(),
  error: z.number().optional(),
});

export interface RoomMember {
  id: string;
  access: number;
  subjectType: number;
}

export function toMembers(dto: z.infer<typeof RoomSecurityDto>): RoomMember[] {
  const out: RoomMember[] = [];
  for (const m of dto.members ?? []) {
    const id = (m.sharedTo ?? m.sharedToUser ?? m.sharedToGroup)?.id;
    if (id !== undefined) out.push({ id, access: m.access, subjectType: m.subjectType });
  }
  return out;
}

/** `FileOperationDto`: a background operation (archive, unarchive, delete). Note the capital `Operation`. */
export const FileOperationDto = z.object({
  id: z.string(),
  Operation: z.number().int().optional(),
  progress: z.number().optional(),
  error: z.string().nullish(),
  finished: z.boolean(),
  status: z.number().int().optional(),
});
export type FileOperationDto = z.infer<typeof FileOperationDto>;

/** The caller's own profile (`EmployeeFullDto`), for checking the key at start-up. */
export const SelfDto = z.object({
  id: z.string(),
  displayName: z.string().optional(),
  email: z.string().optional(),
  /** The account type: owners, DocSpace admins and room admins may create rooms; users and guests may not. */
  isOwner: z.boolean().optional(),
  isAdmin: z.boolean().optional(),
  isRoomAdmin: z.boolean().optional(),
  isVisitor: z.boolean().optional(),
  isCollaborator: z.boolean().optional(),
  /** `EmployeeStatus`: 1 active, 2 terminated (DocSpace skips terminated users when sharing). */
  status: z.number().optional(),
});
export type DocspaceUser = z.infer<typeof SelfDto>;

/** A group (`GroupDto`), as `GET group/{id}` and `GET group` return it. */
export const GroupDto = z.object({
  id: z.string(),
  name: z.string(),
  membersCount: z.number().optional(),
});
export type DocspaceGroup = z.infer<typeof GroupDto>;

/** A one-line account of what did not match, without echoing values (they may be sensitive). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}
