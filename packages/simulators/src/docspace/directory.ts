import type { UserType } from './rules';

export interface SimUser {
  id: string;
  displayName: string;
  email: string;
  userType: UserType;
}

export interface SimGroup {
  id: string;
  name: string;
}

/**
 * The portal's people, with fixed ids so tests and the demo can invite them. `admin` is the
 * account the API key belongs to; `roomAdmin` may be made a RoomManager, `user` and `guest` may not.
 */
export const SIM_USERS = {
  admin: {
    id: '6b1a0f3e-2d4c-4f7a-9a11-000000000001',
    displayName: 'Ticket Rooms Bot',
    email: 'bot@docspace.test',
    userType: 'DocSpaceAdmin',
  },
  roomAdmin: {
    id: '6b1a0f3e-2d4c-4f7a-9a11-000000000002',
    displayName: 'Rosa Lead',
    email: 'rosa.lead@docspace.test',
    userType: 'RoomAdmin',
  },
  user: {
    id: '6b1a0f3e-2d4c-4f7a-9a11-000000000003',
    displayName: 'Uri Agent',
    email: 'uri.agent@docspace.test',
    userType: 'User',
  },
  guest: {
    id: '6b1a0f3e-2d4c-4f7a-9a11-000000000004',
    displayName: 'Gwen Vendor',
    email: 'gwen@vendor.test',
    userType: 'Guest',
  },
} as const satisfies Record<string, SimUser>;

export const SIM_GROUPS = {
  support: { id: '9c2e4b7d-1f3a-4e5b-8c6d-000000000001', name: 'Support' },
  escalations: { id: '9c2e4b7d-1f3a-4e5b-8c6d-000000000002', name: 'Escalations' },
} as const satisfies Record<string, SimGroup>;

export class Directory {
  private readonly users = new Map<string, SimUser>();
  private readonly groups = new Map<string, SimGroup>();

  constructor(users: readonly SimUser[], groups: readonly SimGroup[]) {
    for (const u of users) this.users.set(u.id.toLowerCase(), u);
    for (const g of groups) this.groups.set(g.id.toLowerCase(), g);
  }

  user(id: string): SimUser | undefined {
    return this.users.get(id.toLowerCase());
  }

  group(id: string): SimGroup | undefined {
    return this.groups.get(id.toLowerCase());
  }

  /** `GET group?filterValue=`: groups whose name contains `text`, ignoring case, by name. */
  groupsMatching(text: string): SimGroup[] {
    const wanted = text.trim().toLowerCase();
    return [...this.groups.values()]
      .filter((g) => g.name.toLowerCase().includes(wanted))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  userByEmail(email: string): SimUser | undefined {
    const wanted = email.toLowerCase();
    for (const u of this.users.values()) if (u.email.toLowerCase() === wanted) return u;
    return undefined;
  }

  /** An email invitation creates a Guest account, as the portal does when guests may be invited. */
  addGuest(id: string, email: string): SimUser {
    const guest: SimUser = { id, displayName: email, email, userType: 'Guest' };
    this.users.set(id, guest);
    return guest;
  }
}
