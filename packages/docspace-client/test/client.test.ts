import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { createDocspaceSimulator, type DocspaceSimulator, SIM_GROUPS, SIM_USERS } from '@ticket-rooms/simulators';
import fc from 'fast-check';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessRole,
  createDocspaceClient,
  type DocspaceClient,
  DocspaceError,
  LinkType,
  type Room,
  RoomType,
  roomTypeCanShare,
  sanitizeTitle,
  WebhookTrigger,
} from '../src/index';

/** Every client method against the DocSpace simulator over real HTTP. */

const KEY = `sk-${'c1'.repeat(32)}`;
let sim: DocspaceSimulator;
let baseUrl: string;
let ds: DocspaceClient;

beforeAll(async () => {
  sim = await createDocspaceSimulator({ apiKey: KEY, operationMs: 20 });
  baseUrl = await sim.listen({ port: 0, host: '127.0.0.1' });
  ds = createDocspaceClient({ baseUrl, apiKey: KEY, pollIntervalMs: 5 });
});

afterAll(async () => {
  await ds.close();
  await sim.close();
});

/** Reads a room's members through DocSpace's own read API, not through the client under test. */
async function membersOf(roomId: number): Promise<{ id: string; access: number }[]> {
  const res = await fetch(`${baseUrl}/api/2.0/files/rooms/${roomId}/share`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  const body = (await res.json()) as { response: { access: number; sharedTo: { id: string } }[] };
  return body.response.map((m) => ({ id: m.sharedTo.id, access: m.access }));
}

async function rejection(p: Promise<unknown>): Promise<DocspaceError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DocspaceError);
    return err as DocspaceError;
  }
  throw new Error('expected the call to fail');
}

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;

describe('rooms', () => {
  it('creates a room with its tags and reads it back the same', async () => {
    const tag = unique('INC');
    const room = await ds.createRoom({
      title: `${tag} Printer: on fire?`,
      roomType: RoomType.Collaboration,
      tags: [tag, 'ticket'],
    });
    expect(room).toMatchObject({
      title: `${tag} Printer_ on fire_`,
      roomType: RoomType.Collaboration,
      rootFolderType: 14,
      archived: false,
    });
    expect([...room.tags].sort()).toEqual([tag, 'ticket'].sort());
    expect(await ds.getRoom(room.id)).toEqual(room);
  });

  it('gets back exactly the title sanitizeTitle predicts, for any title', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 240 }).filter((s) => sanitizeTitle(s, 'room') !== ''),
        async (title) => {
          const room = await ds.createRoom({ title, roomType: RoomType.Custom });
          expect(room.title).toBe(sanitizeTitle(title, 'room'));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('shortens an over-long subject instead of failing, and finds the room by that subject', async () => {
    const subject = `${unique('LONG')} ${'very long subject '.repeat(20)}`;
    const room = await ds.createRoom({ title: subject, roomType: RoomType.Custom });
    expect(room.title).toHaveLength(170);
    expect((await ds.findRoomsByTitle(subject)).map((r) => r.id)).toEqual([room.id]);
  });

  it('refuses an empty title or an unknown room type before sending anything', async () => {
    const before = sim.stats.total;
    const empty = await rejection(ds.createRoom({ title: '  ', roomType: RoomType.Custom }));
    expect(empty).toMatchObject({ code: 'BAD_REQUEST', retryable: false });
    const badType = await rejection(ds.createRoom({ title: 'x', roomType: 3 as RoomType }));
    expect(badType.code).toBe('BAD_REQUEST');
    expect(sim.stats.total).toBe(before);
  });

  it('reports a missing room as NOT_FOUND, not worth retrying, with DocSpace’s message', async () => {
    const err = await rejection(ds.getRoom(999_999));
    expect(err).toMatchObject({
      code: 'NOT_FOUND',
      statusCode: 404,
      retryable: false,
      vendorMessage: 'The required folder was not found',
    });
    expect(err.path).toBe('/api/2.0/files/rooms/999999');
    expect(err.method).toBe('GET');
  });

  it('adds tags to a room', async () => {
    const room = await ds.createRoom({ title: 'Tag later', roomType: RoomType.Custom });
    const tag = unique('later');
    const tagged = await ds.addTags(room.id, [tag]);
    expect(tagged.tags).toEqual([tag]);
    expect((await ds.findRoomsByTag(tag)).map((r) => r.id)).toEqual([room.id]);
  });
});

describe('finding rooms', () => {
  it('finds every room with a tag across pages of 100, and no room without it', async () => {
    const tag = unique('many');
    const created: number[] = [];
    for (let i = 0; i < 205; i++) {
      created.push((await ds.createRoom({ title: `Many ${i}`, roomType: RoomType.Custom, tags: [tag] })).id);
    }
    await ds.createRoom({ title: 'Near miss', roomType: RoomType.Custom, tags: [`${tag}-other`] });
    const before = sim.stats.toJSON().byRoute['GET /api/2.0/files/rooms'] ?? 0;
    const found = await ds.findRoomsByTag(tag);
    expect(found.map((r) => r.id).sort((a, b) => a - b)).toEqual(created);
    expect((sim.stats.toJSON().byRoute['GET /api/2.0/files/rooms'] ?? 0) - before).toBe(3);
  });

  it('includes archived rooms by default and leaves them out on request', async () => {
    const tag = unique('arch');
    const active = await ds.createRoom({ title: 'Active one', roomType: RoomType.Custom, tags: [tag] });
    const old = await ds.createRoom({ title: 'Archived one', roomType: RoomType.Custom, tags: [tag] });
    await ds.archiveRoom(old.id);
    const all = await ds.findRoomsByTag(tag);
    expect(all.map((r) => [r.id, r.archived]).sort()).toEqual(
      [
        [active.id, false],
        [old.id, true],
      ].sort(),
    );
    expect((await ds.findRoomsByTag(tag, { includeArchived: false })).map((r) => r.id)).toEqual([active.id]);
  });

  it('matches titles exactly after sanitizing: substring hits are dropped, duplicates all returned', async () => {
    const base = unique('TTL');
    const a = await ds.createRoom({ title: `${base}: disk full`, roomType: RoomType.Custom });
    const b = await ds.createRoom({ title: `${base}: disk full`, roomType: RoomType.Custom });
    await ds.createRoom({ title: `${base}: disk full again`, roomType: RoomType.Custom });
    await ds.createRoom({ title: `${base.toUpperCase()}: DISK FULL`, roomType: RoomType.Custom });
    const found = await ds.findRoomsByTitle(`  ${base}: disk full `);
    expect(found.map((r: Room) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(await ds.findRoomsByTitle('   ')).toEqual([]);
  });
});

describe('folders', () => {
  it('creates folders and lists all of a room’s direct folders across pages', async () => {
    const room = await ds.createRoom({ title: 'Folders', roomType: RoomType.Collaboration });
    const made: number[] = [];
    for (let i = 0; i < 130; i++) made.push((await ds.createFolder(room.id, `Folder ${i}`)).id);
    const nested = await ds.createFolder(made[0]!, 'Logs/2026: app?');
    expect(nested).toEqual({ id: nested.id, title: 'Logs_2026_ app_', parentId: made[0] });
    const listed = await ds.listFolders(room.id);
    expect(listed.map((f) => f.id)).toEqual(made);
    expect(listed.every((f) => f.parentId === room.id)).toBe(true);
    expect(await ds.listFolders(made[0]!)).toEqual([nested]);
  });

  it('shortens folder titles to 165 characters', async () => {
    const room = await ds.createRoom({ title: 'Long folder', roomType: RoomType.Custom });
    const folder = await ds.createFolder(room.id, 'f'.repeat(300));
    expect(folder.title).toHaveLength(165);
  });

  it('surfaces DocSpace’s refusal to create in an archived room', async () => {
    const room = await ds.createRoom({ title: 'Archived folders', roomType: RoomType.Custom });
    await ds.archiveRoom(room.id);
    const err = await rejection(ds.createFolder(room.id, 'Late'));
    expect(err).toMatchObject({ code: 'FORBIDDEN', retryable: false, vendorMessage: 'You cannot edit archived rooms' });
  });
});

describe('access', () => {
  it('invites a room admin as manager and a group as editors; DocSpace lists both', async () => {
    const room = await ds.createRoom({ title: 'Share', roomType: RoomType.Collaboration });
    const result = await ds.setRoomAccess(room.id, [
      { id: SIM_USERS.roomAdmin.id, access: AccessRole.RoomManager },
      { id: SIM_GROUPS.support.id, access: AccessRole.Editing },
    ]);
    expect(result.members).toEqual(
      expect.arrayContaining([
        { id: SIM_USERS.roomAdmin.id, access: 9, subjectType: 0 },
        { id: SIM_GROUPS.support.id, access: 10, subjectType: 2 },
      ]),
    );
    expect(await membersOf(room.id)).toEqual(
      expect.arrayContaining([
        { id: SIM_USERS.roomAdmin.id, access: 9 },
        { id: SIM_GROUPS.support.id, access: 10 },
      ]),
    );
  });

  it('shows silently dropped ids by their absence from members', async () => {
    const room = await ds.createRoom({ title: 'Share unknown', roomType: RoomType.Custom });
    const ghost = '0f0f0f0f-0000-4000-8000-0000000000ff';
    const result = await ds.setRoomAccess(room.id, [
      { id: ghost, access: AccessRole.Read },
      { id: SIM_USERS.user.id, access: AccessRole.Read },
    ]);
    expect(result.members.map((m) => m.id)).toEqual([SIM_USERS.user.id]);
  });

  it('reports a role the room type or user type forbids as FORBIDDEN, not retryable', async () => {
    const room = await ds.createRoom({ title: 'Share refused', roomType: RoomType.Collaboration });
    const err = await rejection(ds.setRoomAccess(room.id, [{ id: SIM_USERS.user.id, access: AccessRole.RoomManager }]));
    expect(err).toMatchObject({
      code: 'FORBIDDEN',
      statusCode: 403,
      retryable: false,
      vendorMessage: 'The role is not available for this user type',
    });
  });

  it('never sends a role that is not a DocSpace number', async () => {
    const room = await ds.createRoom({ title: 'Share typo', roomType: RoomType.Custom });
    await ds.setRoomAccess(room.id, [{ id: SIM_USERS.user.id, access: AccessRole.Read }]);
    const before = sim.stats.total;
    const err = await rejection(
      ds.setRoomAccess(room.id, [{ id: SIM_USERS.user.id, access: 'Editor' as unknown as AccessRole }]),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(sim.stats.total).toBe(before);
    expect(await membersOf(room.id)).toContainEqual({ id: SIM_USERS.user.id, access: AccessRole.Read });
  });
});

describe('links', () => {
  it('gets the primary link of a custom room, the same one every time, pointing at the portal', async () => {
    const room = await ds.createRoom({ title: 'Linked', roomType: RoomType.Custom });
    const first = await ds.getPrimaryLink(room.id);
    expect(first.url.startsWith(`${baseUrl}/s/`)).toBe(true);
    expect(await ds.getPrimaryLink(room.id)).toEqual(first);
  });

  it('is refused for a collaboration room, whose link is its portal URL instead', async () => {
    const room = await ds.createRoom({ title: 'No link', roomType: RoomType.Collaboration });
    const err = await rejection(ds.getPrimaryLink(room.id));
    expect(err).toMatchObject({ code: 'FORBIDDEN', retryable: false });
    expect(ds.roomPortalUrl(room.id)).toBe(`${baseUrl}/rooms/shared/${room.id}/filter?folder=${room.id}`);
    expect(ds.roomPortalUrl(room.id, { archived: true })).toBe(`${baseUrl}/rooms/archived/filter?folder=${room.id}`);
  });
});

describe('room settings, rename, links and folder changes (issue 14)', () => {
  it('creates a room with its options and reads them back; canShare follows the server (FileEntryDto.cs)', async () => {
    const room = await ds.createRoom({
      title: 'With options',
      roomType: RoomType.Custom,
      options: { indexing: true, denyDownload: true, color: '00AA11', quota: 1024 },
    });
    expect(room).toMatchObject({ indexing: true, denyDownload: true, canShare: true });
    for (const type of [RoomType.Collaboration, RoomType.VirtualData]) {
      const r = await ds.createRoom({ title: `No share ${type}`, roomType: type });
      expect(r.canShare).toBe(false);
      expect(roomTypeCanShare(type)).toBe(false);
    }
    expect(roomTypeCanShare(RoomType.FillingForms)).toBe(true);
  });

  it('renames and updates a room; the new title is the sanitized one and other settings stay', async () => {
    const room = await ds.createRoom({ title: 'Old name', roomType: RoomType.Custom, options: { indexing: true } });
    const renamed = await ds.renameRoom(room.id, 'New: name');
    expect(renamed).toMatchObject({ id: room.id, title: sanitizeTitle('New: name', 'room'), indexing: true });
    const updated = await ds.updateRoom(room.id, { denyDownload: true });
    expect(updated).toMatchObject({ title: 'New_ name', denyDownload: true, indexing: true });
    expect((await ds.getRoom(room.id)).title).toBe('New_ name');
  });

  it('creates, lists, changes and revokes an external link', async () => {
    const room = await ds.createRoom({ title: 'Links', roomType: RoomType.Custom });
    expect(await ds.listRoomLinks(room.id)).toEqual([]);
    const link = await ds.setRoomLink(room.id, {
      linkType: LinkType.External,
      access: AccessRole.Read,
      title: 'For the ticket',
    });
    expect(link).toMatchObject({ title: 'For the ticket', access: AccessRole.Read, primary: false, linkType: 1 });
    expect(link?.url.startsWith(`${baseUrl}/s/`)).toBe(true);
    expect(await ds.listRoomLinks(room.id, { type: LinkType.External })).toEqual([link]);
    const changed = await ds.setRoomLink(room.id, {
      linkId: link!.id,
      linkType: LinkType.External,
      access: AccessRole.Comment,
    });
    expect(changed).toMatchObject({ id: link!.id, access: AccessRole.Comment });
    expect(
      await ds.setRoomLink(room.id, { linkId: link!.id, linkType: LinkType.External, access: AccessRole.None }),
    ).toBeNull();
    expect(await ds.listRoomLinks(room.id)).toEqual([]);
  });

  it('lists the FillForms primary link a form-filling room is created with', async () => {
    const room = await ds.createRoom({ title: 'Forms', roomType: RoomType.FillingForms });
    const [link, ...rest] = await ds.listRoomLinks(room.id, { type: LinkType.External });
    expect(rest).toEqual([]);
    expect(link).toMatchObject({ primary: true, access: AccessRole.FillForms, title: 'Link to fill out' });
  });

  it('refuses an external link in a collaboration room as FORBIDDEN', async () => {
    const room = await ds.createRoom({ title: 'Collab links', roomType: RoomType.Collaboration });
    const err = await rejection(ds.setRoomLink(room.id, { linkType: LinkType.External, access: AccessRole.Read }));
    expect(err).toMatchObject({ code: 'FORBIDDEN', retryable: false });
  });

  it('renames and deletes a folder, waiting for the delete to finish', async () => {
    const room = await ds.createRoom({ title: 'Folder changes', roomType: RoomType.Custom });
    const folder = await ds.createFolder(room.id, 'Logs');
    expect(await ds.renameFolder(folder.id, 'Logs: 2')).toMatchObject({ id: folder.id, title: 'Logs_ 2' });
    await ds.deleteFolder(folder.id);
    expect(await ds.listFolders(room.id)).toEqual([]);
    const err = await rejection(ds.renameFolder(folder.id, 'gone'));
    expect(err.code).toBe('NOT_FOUND');
  });
});

describe('archive and delete', () => {
  it('archives and unarchives, waiting until DocSpace has finished', async () => {
    const room = await ds.createRoom({ title: 'Archive cycle', roomType: RoomType.Custom });
    await ds.archiveRoom(room.id);
    expect(await ds.getRoom(room.id)).toMatchObject({ archived: true, rootFolderType: 20 });
    await ds.unarchiveRoom(room.id);
    expect(await ds.getRoom(room.id)).toMatchObject({ archived: false, rootFolderType: 14 });
  });

  it('turns an operation’s error text into a DocspaceError naming the operation', async () => {
    const room = await ds.createRoom({ title: 'Archive fails', roomType: RoomType.Custom });
    sim.portal.failNextOperation('Room is locked by another operation');
    const err = await rejection(ds.archiveRoom(room.id));
    expect(err).toMatchObject({
      code: 'API_ERROR',
      retryable: false,
      vendorMessage: 'Room is locked by another operation',
    });
    expect(err.operationId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await ds.getRoom(room.id)).archived).toBe(false);
  });

  it('gives up polling after operationTimeoutMs with a retryable TIMEOUT', async () => {
    const slow = await createDocspaceSimulator({ apiKey: KEY, operationMs: 10_000 });
    const url = await slow.listen({ port: 0, host: '127.0.0.1' });
    const client = createDocspaceClient({ baseUrl: url, apiKey: KEY, operationTimeoutMs: 200, pollIntervalMs: 20 });
    try {
      const room = await client.createRoom({ title: 'Slow', roomType: RoomType.Custom });
      const err = await rejection(client.archiveRoom(room.id));
      expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    } finally {
      await client.close();
      await slow.close();
    }
  });

  it('deletes an archived room; an active one is refused', async () => {
    const room = await ds.createRoom({ title: 'Delete', roomType: RoomType.Custom });
    expect((await rejection(ds.deleteRoom(room.id))).code).toBe('FORBIDDEN');
    await ds.archiveRoom(room.id);
    await ds.deleteRoom(room.id);
    expect((await rejection(ds.getRoom(room.id))).code).toBe('NOT_FOUND');
  });
});

describe('connection and options', () => {
  it('says who the key acts as', async () => {
    expect(await ds.getSelf()).toMatchObject({ id: SIM_USERS.admin.id, displayName: SIM_USERS.admin.displayName });
  });

  it('reuses keep-alive connections instead of opening one per request', async () => {
    const client = createDocspaceClient({ baseUrl, apiKey: KEY });
    let connections = 0;
    const count = () => connections++;
    sim.app.server.on('connection', count);
    try {
      for (let i = 0; i < 20; i++) await client.getSelf();
      // undici may open a second socket while the first is being released; never one per request.
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      sim.app.server.off('connection', count);
      await client.close();
    }
  });

  it('sends through an injected dispatcher or fetch', async () => {
    const agent = new Agent({ connections: 2 });
    const viaAgent = createDocspaceClient({ baseUrl, apiKey: KEY, dispatcher: agent });
    expect((await viaAgent.getSelf()).id).toBe(SIM_USERS.admin.id);
    await agent.close();

    const seen: string[] = [];
    const viaFetch = createDocspaceClient({
      baseUrl: `${baseUrl}/api/2.0/`,
      apiKey: KEY,
      fetch: async (url, init) => {
        seen.push(`${init.method} ${new URL(url).pathname}`);
        const { timeoutMs, ...rest } = init;
        return fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
      },
    });
    await viaFetch.getSelf();
    expect(seen).toEqual(['GET /api/2.0/people/@self']);
  });

  it('refuses unknown or bad options without echoing the key', () => {
    const bad = () => createDocspaceClient({ baseUrl, apiKey: KEY, timeout: 5 } as never);
    expect(bad).toThrow(/invalid DocSpace client options/);
    expect(bad).not.toThrow(new RegExp(KEY));
    expect(() => createDocspaceClient({ baseUrl: 'ftp://x', apiKey: KEY })).toThrow(/baseUrl/);
    expect(() => createDocspaceClient({ baseUrl, apiKey: '' })).toThrow(/apiKey/);
  });
});

describe('people and groups', () => {
  const UNKNOWN = '0f0f0f0f-0000-4000-8000-00000000dead';

  it('finds a user by id and by email, with the account type', async () => {
    expect(await ds.getUser(SIM_USERS.roomAdmin.id)).toMatchObject({
      id: SIM_USERS.roomAdmin.id,
      email: SIM_USERS.roomAdmin.email,
      isRoomAdmin: true,
    });
    expect((await ds.findUserByEmail(SIM_USERS.guest.email.toUpperCase()))?.id).toBe(SIM_USERS.guest.id);
  });

  it('says NOT_FOUND for an unknown user id and undefined for an unknown email', async () => {
    const err = await rejection(ds.getUser(UNKNOWN));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.statusCode).toBe(404);
    expect(err.message).toContain('The user could not be found');
    expect(await ds.findUserByEmail('nobody@docspace.test')).toBeUndefined();
  });

  it('finds a group by id and by part of its name', async () => {
    expect(await ds.getGroup(SIM_GROUPS.support.id)).toMatchObject({ id: SIM_GROUPS.support.id, name: 'Support' });
    expect((await ds.findGroups('escal')).map((g) => g.id)).toEqual([SIM_GROUPS.escalations.id]);
    expect(await ds.findGroups('no such group')).toEqual([]);
  });

  it('says NOT_FOUND for an unknown group, and for a user id asked as a group', async () => {
    for (const id of [UNKNOWN, SIM_USERS.user.id]) {
      const err = await rejection(ds.getGroup(id));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toContain('The group could not be found');
    }
  });
});

describe('webhooks', () => {
  it('creates, lists, updates and deletes a webhook, whose deliveries are signed with its secret key', async () => {
    // A receiver that records what DocSpace sends it.
    const received: Array<{ signature: string | undefined; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        received.push({ signature: req.headers['x-docspace-signature-256'] as string | undefined, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const uri = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/docspace`;
    try {
      const created = await ds.createWebhook({
        name: 'ticket-rooms',
        uri,
        secretKey: 'first-secret',
        ssl: false,
        triggers: WebhookTrigger.FileCreated | WebhookTrigger.FileUploaded,
      });
      expect(created).toMatchObject({ name: 'ticket-rooms', uri, enabled: true, triggers: 384 });
      expect(JSON.stringify(created)).not.toContain('first-secret');
      expect((await ds.listWebhooks()).filter((w) => w.id === created.id)).toEqual([created]);

      // An update without a key keeps the old one; with one, replaces it.
      await ds.updateWebhook(created.id, { name: 'renamed', uri, ssl: false, triggers: 384 });
      const room = await ds.createRoom({ title: unique('hooks'), roomType: RoomType.Custom });
      await fetch(`${baseUrl}/api/2.0/files/${room.id}/file`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'one.docx' }),
      });
      await sim.webhooks.idle();
      await ds.updateWebhook(created.id, {
        name: 'renamed',
        uri,
        secretKey: 'second-secret',
        ssl: false,
        triggers: 384,
      });
      await fetch(`${baseUrl}/api/2.0/files/${room.id}/file`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'two.docx' }),
      });
      await sim.webhooks.idle();
      const sign = (key: string, body: string) =>
        `sha256=${createHmac('sha256', key).update(body).digest('hex').toUpperCase()}`;
      expect(received).toHaveLength(2);
      expect(received[0]?.signature).toBe(sign('first-secret', received[0]?.body ?? ''));
      expect(received[1]?.signature).toBe(sign('second-secret', received[1]?.body ?? ''));
      expect((await ds.listWebhooks()).find((w) => w.id === created.id)?.name).toBe('renamed');

      await ds.deleteWebhook(created.id);
      expect((await ds.listWebhooks()).some((w) => w.id === created.id)).toBe(false);
      expect((await rejection(ds.deleteWebhook(created.id))).code).toBe('NOT_FOUND');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses a secret key longer than DocSpace stores, without sending it', async () => {
    const before = (await ds.listWebhooks()).length;
    const err = await rejection(
      ds.createWebhook({ name: 'x', uri: 'https://example.com/h', secretKey: 'k'.repeat(51) }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).not.toContain('kkkk');
    expect(await ds.listWebhooks()).toHaveLength(before);
  });
});
