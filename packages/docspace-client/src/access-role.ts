import { RoomType } from './room-type';

/**
 * DocSpace access levels (`FileShare`), sent as numbers. The server reads an unknown *name* as
 * `None`, which silently removes the member, so names never leave this package.
 */
export const AccessRole = {
  None: 0,
  ReadWrite: 1,
  Read: 2,
  Restrict: 3,
  Varies: 4,
  Review: 5,
  Comment: 6,
  FillForms: 7,
  CustomFilter: 8,
  RoomManager: 9,
  Editing: 10,
  ContentCreator: 11,
} as const;
export type AccessRole = (typeof AccessRole)[keyof typeof AccessRole];

const ACCESS_ROLES: readonly number[] = Object.values(AccessRole);

export function isAccessRole(value: unknown): value is AccessRole {
  return typeof value === 'number' && ACCESS_ROLES.includes(value);
}

/** Names that look right but are not DocSpace roles, with the role that was probably meant. */
const LOOKALIKES: Record<string, keyof typeof AccessRole> = {
  roomadmin: 'RoomManager',
  admin: 'RoomManager',
  manager: 'RoomManager',
  owner: 'RoomManager',
  viewer: 'Read',
  reader: 'Read',
  readonly: 'Read',
  editor: 'Editing',
  edit: 'Editing',
  write: 'Editing',
  poweruser: 'ContentCreator',
  contributor: 'ContentCreator',
  reviewer: 'Review',
  commenter: 'Comment',
};

/**
 * Reads an access role from configuration by its DocSpace name (any case, `room-manager` or
 * `RoomManager`) or number. Unknown names throw instead of turning into `None` as they would on the
 * server.
 */
export function parseAccessRole(value: string | number): AccessRole {
  if (typeof value === 'number' || /^\s*\d+\s*$/.test(value)) {
    const n = Number(value);
    if (isAccessRole(n)) return n;
  } else {
    const key = value.toLowerCase().replace(/[^a-z]/g, '');
    const entry = Object.entries(AccessRole).find(([name]) => name.toLowerCase() === key);
    if (entry) return entry[1];
    const meant = LOOKALIKES[key];
    if (meant) {
      throw new RangeError(`${JSON.stringify(value)} is not a DocSpace access role; did you mean ${meant}?`);
    }
  }
  throw new RangeError(
    `unknown DocSpace access role ${JSON.stringify(value)}; use one of ${Object.keys(AccessRole).join(', ')}`,
  );
}

export function accessRoleName(role: AccessRole): keyof typeof AccessRole {
  const entry = Object.entries(AccessRole).find(([, n]) => n === role);
  return (entry?.[0] ?? 'None') as keyof typeof AccessRole;
}

const { None, Read, Review, Comment, FillForms, RoomManager, Editing, ContentCreator } = AccessRole;

/** The roles DocSpace lets us give a user or a group in each room type (`FileSecurity.AvailableRoomAccesses`). */
const ROLES: Record<RoomType, { user: readonly AccessRole[]; group: readonly AccessRole[] }> = {
  [RoomType.Custom]: {
    user: [RoomManager, ContentCreator, Editing, Review, Comment, Read, None],
    group: [ContentCreator, Editing, Review, Comment, Read, None],
  },
  [RoomType.Public]: { user: [RoomManager, ContentCreator, None], group: [ContentCreator, None] },
  [RoomType.FillingForms]: {
    user: [RoomManager, ContentCreator, FillForms, None],
    group: [ContentCreator, FillForms, None],
  },
  [RoomType.Collaboration]: {
    user: [RoomManager, ContentCreator, Editing, Read, None],
    group: [ContentCreator, Editing, Read, None],
  },
  [RoomType.VirtualData]: {
    user: [RoomManager, ContentCreator, Editing, Read, FillForms, None],
    group: [ContentCreator, Editing, Read, FillForms, None],
  },
  [RoomType.Ai]: { user: [RoomManager, ContentCreator, Read, None], group: [ContentCreator, Read, None] },
};

/**
 * Roles that may be given to a `user` or `group` in a room of this type. Anything else is refused
 * with 403 "The role is not available for this user type". Portal Users and Guests can never be
 * RoomManager, whatever the room type; only DocSpace admins and room admins can.
 */
export function rolesFor(type: RoomType, subject: 'user' | 'group'): AccessRole[] {
  return [...ROLES[type][subject]];
}
