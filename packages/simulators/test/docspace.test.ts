import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocspaceSimulator, type DocspaceSimulator, SIM_GROUPS, SIM_USERS } from '../src/docspace/index';

/**
 * The simulator against the DocSpace reference (docspace-api.md, §5 checklist), spoken to over
 * real HTTP the way any client would, without our client in between.
 */

const KEY = `sk-${'ab'.repeat(32)}`;
let sim: DocspaceSimulator;
let base: string;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field.
  json: any;
}

async function api(
  method: string,
  path: string,
  body?: unknown,
  opts: { key?: string | null; rawBody?: string; contentType?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = opts.key === undefined ? KEY : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const payload = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await fetch(`${base}/api/2.0${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const createRoom = async (title: string, roomType: number | string = 2, tags?: string[]) => {
  const res = await api('POST', '/files/rooms', { title, roomType, ...(tags ? { tags } : {}) });
  expect(res.status, res.text).toBe(200);
  return res.json.response as { id: number; title: string; tags: string[]; rootFolderType: number; roomType: number };
};

const tagQuery = (...tags: string[]) => `tags=${encodeURIComponent(JSON.stringify(tags))}`;

/** Waits for an archive/unarchive/delete operation by polling, as a client must. */
async function waitForOperation(id: string): Promise<{ finished: boolean; error: string }> {
  for (;;) {
    const res = await api('GET', `/files/fileops?id=${id}`);
    const op = res.json.response.find((o: { id: string }) => o.id === id);
    if (op.finished) return op;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(hasNull);
  if (typeof value === 'object') return Object.values(value as object).some(hasNull);
  return false;
}

beforeAll(async () => {
  sim = await createDocspaceSimulator({ apiKey: KEY, operationMs: 10 });
  base = await sim.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await sim.close();
});

describe('envelopes (checklist 1-3)', () => {
  it('wraps a single object with count 1, links naming the request, status 0, and no null fields', async () => {
    const room = await api('POST', '/files/rooms', { title: 'Envelope check', roomType: 2 });
    expect(room.status).toBe(200);
    expect(Object.keys(room.json).sort()).toEqual(['count', 'links', 'response', 'status', 'statusCode']);
    expect(room.json).toMatchObject({ count: 1, status: 0, statusCode: 200 });
    expect(room.json.links).toEqual([{ href: `${base}/api/2.0/files/rooms`, action: 'POST' }]);
    expect(hasNull(room.json)).toBe(false);
  });

  it('counts the elements of an array response', async () => {
    const a = await createRoom('Count A', 2, ['count-tag-a', 'count-tag-b']);
    const tags = await api('GET', '/files/tags?filterValue=count-tag');
    expect(tags.json.response).toEqual(expect.arrayContaining(['count-tag-a', 'count-tag-b']));
    expect(tags.json.count).toBe(tags.json.response.length);
    expect(a.id).toBeGreaterThan(0);
  });

  it('answers a missing room with the error envelope: status 1, statusCode, error{message,type,stack,hresult}, nothing else (FileStorageService.GetFolderAsync: "The required folder was not found")', async () => {
    const res = await api('GET', '/files/rooms/987654');
    expect(res.status).toBe(404);
    expect(Object.keys(res.json).sort()).toEqual(['error', 'status', 'statusCode']);
    expect(res.json).toMatchObject({
      status: 1,
      statusCode: 404,
      error: { message: 'The required folder was not found', type: 'ASC.Common.Web.ItemNotFoundException' },
    });
    expect(Object.keys(res.json.error).sort()).toEqual(['hresult', 'message', 'stack', 'type']);
  });

  it('puts validation failures in the success envelope with status 1 and a ValidationProblemDetails', async () => {
    const res = await api('POST', '/files/rooms', { title: 'x'.repeat(171), roomType: 2 });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ status: 1, statusCode: 400, count: 1 });
    expect(res.json.response).toMatchObject({
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { Title: ['The field Title must be a string with a maximum length of 170.'] },
    });
    expect(res.json.links).toHaveLength(1);
  });

  it('reports a missing title and a missing body as validation failures', async () => {
    const noTitle = await api('POST', '/files/rooms', { roomType: 2 });
    expect(noTitle.status).toBe(400);
    expect(noTitle.json.response.errors).toEqual({ Title: ['The Title field is required.'] });
    const noBody = await api('POST', '/files/rooms');
    expect(noBody.status).toBe(400);
    expect(noBody.json.status).toBe(1);
    const badJson = await api('POST', '/files/rooms', undefined, { rawBody: '{"title": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.json.status).toBe(1);
  });
});

describe('other error statuses', () => {
  it('answers 402 with the error envelope when the tariff’s room limit is reached', async () => {
    const small = await createDocspaceSimulator({ apiKey: KEY, maxRooms: 1 });
    const url = await small.listen({ port: 0, host: '127.0.0.1' });
    try {
      const post = () =>
        fetch(`${url}/api/2.0/files/rooms`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'Quota', roomType: 2 }),
        });
      expect((await post()).status).toBe(200);
      const refused = await post();
      expect(refused.status).toBe(402);
      expect(await refused.json()).toMatchObject({
        status: 1,
        statusCode: 402,
        error: { message: expect.any(String) },
      });
    } finally {
      await small.close();
    }
  });

  it('answers 415 with the error envelope for a body that is not JSON', async () => {
    const res = await api('POST', '/files/rooms', undefined, { rawBody: 'title=x', contentType: 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ status: 1, statusCode: 415 });
  });
});

describe('authentication', () => {
  it('answers 401 with an empty body without a key, with a wrong key, and with the key but no Bearer', async () => {
    for (const key of [null, 'sk-wrong']) {
      const res = await api('GET', '/files/rooms', undefined, { key });
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
    }
    const raw = await fetch(`${base}/api/2.0/files/rooms`, { headers: { authorization: KEY } });
    expect(raw.status).toBe(401);
  });

  it('tells who the key acts as', async () => {
    const me = await api('GET', '/people/@self');
    expect(me.json.response).toMatchObject({ id: SIM_USERS.admin.id, isAdmin: true });
  });
});

describe('room titles and types (checklist 4-5)', () => {
  it('trims, replaces \\t * + : " < > ? | \\ / with _ and each UTF-16 half of an emoji with _', async () => {
    const room = await createRoom('  a\tb*c+d:e"f<g>h?i|j\\k/l 😀  ');
    expect(room.title).toBe('a_b_c_d_e_f_g_h_i_j_k_l __');
  });

  it('accepts exactly 170 characters for a room and 165 for a folder, and refuses one more', async () => {
    const room = await createRoom('r'.repeat(170));
    expect(room.title).toHaveLength(170);
    const ok = await api('POST', `/files/folder/${room.id}`, { title: 'f'.repeat(165) });
    expect(ok.status).toBe(200);
    const tooLong = await api('POST', `/files/folder/${room.id}`, { title: 'f'.repeat(166) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.response.errors).toEqual({
      Title: ['The field Title must be a string with a maximum length of 165.'],
    });
  });

  it('refuses a title that is empty after trimming with a 400 error envelope', async () => {
    const res = await api('POST', '/files/rooms', { title: '   ', roomType: 2 });
    expect(res.status).toBe(400);
    expect(res.json.status).toBe(1);
    expect(res.json.error.type).toBe('System.ArgumentException');
  });

  it('allows two rooms with the same title', async () => {
    const a = await createRoom('Same title twice');
    const b = await createRoom('Same title twice');
    expect(a.id).not.toBe(b.id);
    const found = await api('GET', `/files/rooms?filterValue=${encodeURIComponent('Same title twice')}`);
    expect(found.json.response.folders.map((r: { id: number }) => r.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('accepts room types 1, 2, 5, 6, 8, 9 as numbers, numeric strings or names, and refuses others with 400', async () => {
    const folderTypes: Record<number, number> = { 1: 15, 2: 16, 5: 19, 6: 22, 8: 29, 9: 31 };
    for (const [type, folderType] of Object.entries(folderTypes)) {
      const room = await createRoom(`Type ${type}`, Number(type));
      expect(room.roomType).toBe(Number(type));
      expect(room.rootFolderType).toBe(14);
      const contents = await api('GET', `/files/${room.id}`);
      expect(contents.json.response.pathParts.at(-1)).toMatchObject({ id: room.id, folderType });
    }
    expect((await createRoom('By name', 'EditingRoom')).roomType).toBe(2);
    expect((await createRoom('By numeric string', '5')).roomType).toBe(5);
    for (const bad of [3, 4, 7, 0]) {
      const res = await api('POST', '/files/rooms', { title: 'Bad type', roomType: bad });
      expect(res.status).toBe(400);
      expect(res.json.error.type).toBe('System.ArgumentOutOfRangeException');
    }
    const badName = await api('POST', '/files/rooms', { title: 'Bad type', roomType: 'Collaboration' });
    expect(badName.status).toBe(400);
    expect(badName.json.response.errors['$.roomType']).toBeDefined();
  });

  it('reads property names case-insensitively, as System.Text.Json does', async () => {
    const res = await api('POST', '/files/rooms', { Title: 'Pascal case', RoomType: 5 });
    expect(res.status).toBe(200);
    expect(res.json.response.title).toBe('Pascal case');
  });
});

describe('tags (checklist 6)', () => {
  it('creates missing tags with the room and lists a room’s tags newest first', async () => {
    const room = await createRoom('Tagged', 2, ['ticket', 'INC-1001']);
    expect(room.tags).toEqual(['INC-1001', 'ticket']);
    const all = await api('GET', '/files/tags?filterValue=INC-1001');
    expect(all.json.response).toEqual(['INC-1001']);
  });

  it('adds tags with PUT rooms/{id}/tags, creating them, and an empty list changes nothing', async () => {
    const room = await createRoom('Retagged', 2, ['one']);
    const res = await api('PUT', `/files/rooms/${room.id}/tags`, { names: ['two', 'one'] });
    expect(res.json.response.tags).toEqual(['two', 'one']);
    const same = await api('PUT', `/files/rooms/${room.id}/tags`, { names: [] });
    expect(same.json.response.tags).toEqual(['two', 'one']);
    const missing = await api('PUT', `/files/rooms/${room.id}/tags`, {});
    expect(missing.status).toBe(400);
  });

  it('POST /files/tags is idempotent and answers the name as a string', async () => {
    const first = await api('POST', '/files/tags', { name: 'idem-tag' });
    const second = await api('POST', '/files/tags', { name: 'idem-tag' });
    expect(first.json.response).toBe('idem-tag');
    expect(second.status).toBe(200);
    expect(second.json.response).toBe('idem-tag');
    expect((await api('POST', '/files/tags', { name: '' })).status).toBe(400);
  });
});

describe('listing and searching rooms (checklist 7)', () => {
  it('matches tags given as a JSON array, any of them, by exact name', async () => {
    const a = await createRoom('Search A', 2, ['srch-a']);
    const b = await createRoom('Search B', 2, ['srch-b']);
    await createRoom('Search AB prefix', 2, ['srch-a-longer']);
    const res = await api('GET', `/files/rooms?${tagQuery('srch-a', 'srch-b')}`);
    const ids = res.json.response.folders.map((r: { id: number }) => r.id);
    expect(ids.sort()).toEqual([a.id, b.id].sort());
    expect(res.json.response.total).toBe(2);
  });

  it('fails a bare (non-JSON) tags value as the server does, with a 500 error envelope', async () => {
    const res = await api('GET', '/files/rooms?tags=srch-a');
    expect(res.status).toBe(500);
    expect(res.json.status).toBe(1);
  });

  it('searches titles by case-insensitive substring', async () => {
    const room = await createRoom('Printer ON FIRE in Lab 7');
    const res = await api('GET', '/files/rooms?filterValue=on%20fire');
    expect(res.json.response.folders.map((r: { id: number }) => r.id)).toContain(room.id);
  });

  it('keeps archived rooms out of searchArea 0, alone in 1, and both in 2', async () => {
    const active = await createRoom('Area active', 2, ['area-tag']);
    const archived = await createRoom('Area archived', 2, ['area-tag']);
    const op = await api('PUT', `/files/rooms/${archived.id}/archive`, { deleteAfter: false });
    await waitForOperation(op.json.response.id);
    const ids = async (area: number) =>
      (await api('GET', `/files/rooms?searchArea=${area}&${tagQuery('area-tag')}`)).json.response.folders.map(
        (r: { id: number }) => r.id,
      );
    expect(await ids(0)).toEqual([active.id]);
    expect(await ids(1)).toEqual([archived.id]);
    expect((await ids(2)).sort()).toEqual([active.id, archived.id].sort());
  });

  it('pages with startIndex and count, refusing a count above 100', async () => {
    for (let i = 0; i < 7; i++) await createRoom(`Paged ${i}`, 2, ['paged']);
    const seen: number[] = [];
    let total = 0;
    for (let start = 0; ; start += 3) {
      const res = await api(
        'GET',
        `/files/rooms?${tagQuery('paged')}&count=3&startIndex=${start}&sortBy=DateAndTimeCreation&sortOrder=ascending`,
      );
      expect(res.json.count).toBe(1);
      const page = res.json.response;
      total = page.total;
      seen.push(...page.folders.map((r: { id: number }) => r.id));
      expect(page.count).toBe(page.folders.length);
      if (start + page.count >= page.total) break;
    }
    expect(total).toBe(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    const tooMany = await api('GET', '/files/rooms?count=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.response.errors.Count).toBeDefined();
  });

  it('stays exact with 100,000 rooms: a tag lookup returns the one room that carries the tag', async () => {
    const big = await createDocspaceSimulator({ apiKey: KEY });
    try {
      const url = await big.listen({ port: 0, host: '127.0.0.1' });
      for (let i = 0; i < 100_000; i++) {
        big.portal.createRoom({ title: `Flood ${i}`, roomType: 2, tags: [`flood-${i}`, 'flood'] }, url);
      }
      const res = await fetch(`${url}/api/2.0/files/rooms?searchArea=2&${tagQuery('flood-76543')}`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      const body = (await res.json()) as { response: { total: number; folders: { title: string }[] } };
      expect(body.response.total).toBe(1);
      expect(body.response.folders[0]?.title).toBe('Flood 76543');
    } finally {
      await big.close();
    }
  });
});

describe('folders', () => {
  it('creates folders in a room and in folders, and lists only direct children with paging', async () => {
    const room = await createRoom('Folder tree');
    const top: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api('POST', `/files/folder/${room.id}`, { title: `Top ${i}` });
      expect(res.json.response).toMatchObject({
        parentId: room.id,
        rootFolderType: 14,
        parentRoomType: 16,
        fileEntryType: 1,
      });
      expect(res.json.response.roomType).toBeUndefined();
      top.push(res.json.response.id);
    }
    await api('POST', `/files/folder/${top[0]}`, { title: 'Nested' });
    const page1 = await api('GET', `/files/${room.id}?filterType=2&count=2&startIndex=0&withSubFolders=false`);
    const page3 = await api('GET', `/files/${room.id}?filterType=2&count=2&startIndex=4&withSubFolders=false`);
    expect(page1.json.response).toMatchObject({ total: 5, count: 2, startIndex: 0 });
    expect(page3.json.response.folders).toHaveLength(1);
    expect(page1.json.response.current.id).toBe(room.id);
    const nested = await api('GET', `/files/${top[0]}`);
    expect(nested.json.response.folders.map((f: { title: string }) => f.title)).toEqual(['Nested']);
    expect(nested.json.response.pathParts.map((p: { id: number }) => p.id)).toEqual([2, room.id, top[0]]);
  });

  it('refuses folders under a missing parent (403, not 404) and directly under the Rooms section', async () => {
    const missing = await api('POST', '/files/folder/999999', { title: 'Orphan' });
    expect(missing.status).toBe(403);
    expect(missing.json.error.message).toBe('The required folder was not found');
    const inRoot = await api('POST', '/files/folder/2', { title: 'Loose' });
    expect(inRoot.status).toBe(403);
  });

  it('answers 404 with an empty body for a non-numeric id, as an unmatched route', async () => {
    const res = await api('GET', '/files/rooms/not-a-number');
    expect(res.status).toBe(404);
    expect(res.text).toBe('');
  });
});

describe('room access (checklist 8)', () => {
  const share = (roomId: number, invitations: unknown[]) =>
    api('PUT', `/files/rooms/${roomId}/share`, { invitations, notify: false });

  it('invites users and groups by id with numeric or named roles and lists them in members', async () => {
    const room = await createRoom('Share ok', 5);
    const res = await share(room.id, [
      { id: SIM_USERS.roomAdmin.id, access: 9 },
      { id: SIM_GROUPS.support.id, access: 'Editing' },
      { id: SIM_USERS.user.id, access: 'read' },
    ]);
    expect(res.status).toBe(200);
    const members = res.json.response.members.map(
      (m: { access: number; subjectType: number; sharedTo: { id: string } }) => ({
        id: m.sharedTo.id,
        access: m.access,
        subjectType: m.subjectType,
      }),
    );
    expect(members).toEqual(
      expect.arrayContaining([
        { id: SIM_USERS.roomAdmin.id, access: 9, subjectType: 0 },
        { id: SIM_GROUPS.support.id, access: 10, subjectType: 2 },
        { id: SIM_USERS.user.id, access: 2, subjectType: 0 },
      ]),
    );
    const group = res.json.response.members.find((m: { subjectType: number }) => m.subjectType === 2);
    expect(group.sharedToGroup).toMatchObject({ id: SIM_GROUPS.support.id, name: 'Support' });
    const listed = await api('GET', `/files/rooms/${room.id}/share`);
    expect(listed.json.total).toBe(4); // the owner and three members
    expect(listed.json.count).toBe(4);
  });

  it('refuses a role the room type does not allow with 403 "The role is not available for this user type"', async () => {
    const collab = await createRoom('Share collab', 2);
    const review = await share(collab.id, [{ id: SIM_USERS.roomAdmin.id, access: 5 }]);
    expect(review.status).toBe(403);
    expect(review.json.error.message).toBe('The role is not available for this user type');
    const groupManager = await share(collab.id, [{ id: SIM_GROUPS.support.id, access: 9 }]);
    expect(groupManager.status).toBe(403);
    const publicRoom = await createRoom('Share public', 6);
    const groupRead = await share(publicRoom.id, [{ id: SIM_GROUPS.support.id, access: 2 }]);
    expect(groupRead.status).toBe(403);
  });

  it('never makes a plain User or Guest a RoomManager, and a refused list changes nothing', async () => {
    const room = await createRoom('Share user types', 2);
    const res = await share(room.id, [
      { id: SIM_USERS.roomAdmin.id, access: 11 },
      { id: SIM_USERS.user.id, access: 9 },
    ]);
    expect(res.status).toBe(403);
    const listed = await api('GET', `/files/rooms/${room.id}/share`);
    expect(listed.json.response.map((m: { sharedTo: { id: string } }) => m.sharedTo.id)).toEqual([SIM_USERS.admin.id]);
  });

  it('drops unknown ids silently and reads an unknown role name as None, removing the member', async () => {
    const room = await createRoom('Share drops', 2);
    await share(room.id, [{ id: SIM_USERS.user.id, access: 10 }]);
    const res = await share(room.id, [
      { id: '11111111-2222-4333-8444-555555555555', access: 10 },
      { id: SIM_USERS.user.id, access: 'Editor' },
    ]);
    expect(res.status).toBe(200);
    expect(res.json.response.members).toEqual([]);
    const listed = await api('GET', `/files/rooms/${room.id}/share`);
    expect(listed.json.response.map((m: { sharedTo: { id: string } }) => m.sharedTo.id)).toEqual([SIM_USERS.admin.id]);
  });

  it('treats an empty invitation list as a no-op', async () => {
    const room = await createRoom('Share empty', 2);
    const res = await share(room.id, []);
    expect(res.status).toBe(200);
    expect(res.json.response.members).toEqual([]);
  });
});

describe('links (checklist 9)', () => {
  it('creates the primary link lazily, once, with the URL in sharedLink and sharedTo pointing at the simulator', async () => {
    const room = await createRoom('Link custom', 5);
    const before = await api('GET', `/files/rooms/${room.id}/links?type=1`);
    expect(before.json.response).toEqual([]);
    const first = await api('GET', `/files/rooms/${room.id}/link`);
    expect(first.status).toBe(200);
    const { sharedLink, sharedTo } = first.json.response;
    expect(sharedLink.shareLink.startsWith(`${base}/s/`)).toBe(true);
    expect(sharedTo.shareLink).toBe(sharedLink.shareLink);
    expect(sharedLink).toMatchObject({ linkType: 1, primary: true });
    const second = await api('GET', `/files/rooms/${room.id}/link`);
    expect(second.json.response.sharedLink.id).toBe(sharedLink.id);
    const after = await api('GET', `/files/rooms/${room.id}/links?type=1`);
    expect(after.json.response).toHaveLength(1);
  });

  it('refuses a link for collaboration, virtual data and AI rooms with 403', async () => {
    for (const type of [2, 8, 9]) {
      const room = await createRoom(`No link ${type}`, type);
      const res = await api('GET', `/files/rooms/${room.id}/link`);
      expect(res.status).toBe(403);
      expect(res.json.error.message).toBe('The role is not available for this user type');
    }
  });

  it('gives public and form-filling rooms their primary link at creation', async () => {
    for (const type of [6, 1]) {
      const room = await createRoom(`Auto link ${type}`, type);
      const links = await api('GET', `/files/rooms/${room.id}/links?type=1`);
      expect(links.json.response).toHaveLength(1);
    }
  });
});

describe('archive, unarchive, delete (checklist 10)', () => {
  it('archives as a polled operation: "Operation" key, finished later, rootFolderType 20, read-only', async () => {
    const room = await createRoom('Archive me', 2);
    const started = await api('PUT', `/files/rooms/${room.id}/archive`, { deleteAfter: false });
    expect(started.status).toBe(200);
    expect(started.json.response).toMatchObject({ Operation: 0, finished: false, error: '' });
    expect(started.json.response.operation).toBeUndefined();
    const op = await waitForOperation(started.json.response.id);
    expect(op.error).toBe('');
    const after = await api('GET', `/files/rooms/${room.id}`);
    expect(after.json.response.rootFolderType).toBe(20);

    const folder = await api('POST', `/files/folder/${room.id}`, { title: 'Too late' });
    expect(folder.status).toBe(403);
    expect(folder.json.error.message).toBe('You cannot edit archived rooms');
    expect((await api('PUT', `/files/rooms/${room.id}/tags`, { names: ['late'] })).status).toBe(403);
    const invite = await api('PUT', `/files/rooms/${room.id}/share`, {
      invitations: [{ id: SIM_USERS.roomAdmin.id, access: 9 }],
    });
    expect(invite.status).toBe(403);
    expect(invite.json.error.message).toBe('Access denied');

    const back = await api('PUT', `/files/rooms/${room.id}/unarchive`, { deleteAfter: false });
    await waitForOperation(back.json.response.id);
    expect((await api('GET', `/files/rooms/${room.id}`)).json.response.rootFolderType).toBe(14);
  });

  it('requires the {deleteAfter:false} body for archive and delete', async () => {
    const room = await createRoom('Body needed', 2);
    expect((await api('PUT', `/files/rooms/${room.id}/archive`)).status).toBe(400);
    expect((await api('DELETE', `/files/rooms/${room.id}`)).status).toBe(400);
  });

  it('deletes only archived rooms, as an operation with Operation 2', async () => {
    const room = await createRoom('Delete me', 2, ['delete-me']);
    const refused = await api('DELETE', `/files/rooms/${room.id}`, { deleteAfter: false });
    expect(refused.status).toBe(403);
    const archived = await api('PUT', `/files/rooms/${room.id}/archive`, { deleteAfter: false });
    await waitForOperation(archived.json.response.id);
    const deleted = await api('DELETE', `/files/rooms/${room.id}`, { deleteAfter: false });
    expect(deleted.json.response.Operation).toBe(2);
    await waitForOperation(deleted.json.response.id);
    expect((await api('GET', `/files/rooms/${room.id}`)).status).toBe(404);
    const byTag = await api('GET', `/files/rooms?searchArea=2&${tagQuery('delete-me')}`);
    expect(byTag.json.response.total).toBe(0);
  });

  it('reports a business failure inside the operation with HTTP 200', async () => {
    const room = await createRoom('Fails in the background', 2);
    sim.portal.failNextOperation('You do not have enough permissions to archive the room');
    const started = await api('PUT', `/files/rooms/${room.id}/archive`, { deleteAfter: false });
    expect(started.status).toBe(200);
    const op = await waitForOperation(started.json.response.id);
    expect(op.error).toBe('You do not have enough permissions to archive the room');
    expect((await api('GET', `/files/rooms/${room.id}`)).json.response.rootFolderType).toBe(14);
  });
});

/**
 * Behaviours read in the server source (ONLYOFFICE/DocSpace-server, v3.7.2) where a check with
 * ONLYOFFICE's own clients found the simulator differed. Each test names its server file.
 */
describe('server source fidelity (issue 14)', () => {
  const EMPTY_ID = '00000000-0000-0000-0000-000000000000';
  const setLink = (roomId: number, body: Record<string, unknown>) => api('PUT', `/files/rooms/${roomId}/links`, body);

  it('form-filling room: its primary link is made with the room, FillForms access, "Link to fill out", internal from the portal default (FileStorageService.CreateRoomAsync)', async () => {
    const room = await createRoom('Forms room', 1);
    const links = await api('GET', `/files/rooms/${room.id}/links`);
    expect(links.json.response).toHaveLength(1);
    expect(links.json.response[0]).toMatchObject({ access: 7, subjectType: 4 });
    expect(links.json.response[0].sharedLink).toMatchObject({
      title: 'Link to fill out',
      primary: true,
      internal: false,
    });
    const internalSim = await createDocspaceSimulator({ apiKey: KEY, defaultShareLinkInternal: true });
    const internalBase = await internalSim.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${internalBase}/api/2.0/files/rooms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Forms internal', roomType: 1 }),
      });
      const id = ((await res.json()) as { response: { id: number } }).response.id;
      const primary = await fetch(`${internalBase}/api/2.0/files/rooms/${id}/link`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      const body = (await primary.json()) as { response: { access: number; sharedLink: { internal: boolean } } };
      expect(body.response.access).toBe(7);
      expect(body.response.sharedLink.internal).toBe(true);
    } finally {
      await internalSim.close();
    }
  });

  it('public room: its primary link is Read, "Shared link", never internal (FileStorageService.CreateRoomAsync, FileSharing.SetAceObjectAsync)', async () => {
    const room = await createRoom('Public room', 6);
    const res = await api('GET', `/files/rooms/${room.id}/link`);
    expect(res.json.response).toMatchObject({ access: 2, sharedLink: { title: 'Shared link', internal: false } });
  });

  it('canShare is false for collaboration and virtual data rooms, true for the others (FileEntryDto.cs)', async () => {
    for (const [type, expected] of [
      [2, false],
      [8, false],
      [1, true],
      [5, true],
      [6, true],
      [9, true],
    ] as const) {
      const res = await api('POST', '/files/rooms', { title: `canShare ${type}`, roomType: type });
      expect(res.json.response.canShare, `room type ${type}`).toBe(expected);
    }
  });

  it('stores and returns the creation options: indexing, denyDownload, color, cover, quota, lifetime, watermark (FileStorageService.InternalCreateFolderAsync, FolderDto.cs)', async () => {
    const lifetime = { deletePermanently: false, period: 1, value: 30, enabled: true };
    const res = await api('POST', '/files/rooms', {
      title: 'Options',
      roomType: 5,
      indexing: true,
      denyDownload: true,
      color: 'A1B2C3',
      cover: 'cover-1',
      quota: 1048576,
      lifetime,
      watermark: { enabled: true, text: 'Confidential', rotate: -45 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.response).toMatchObject({
      indexing: true,
      denyDownload: true,
      private: false,
      logo: { color: 'A1B2C3', cover: 'cover-1' },
      quotaLimit: 1048576,
      isCustomQuota: true,
      lifetime,
      watermark: { text: 'Confidential', rotate: -45 },
    });
    const again = await api('GET', `/files/rooms/${res.json.response.id}`);
    expect(again.json.response).toMatchObject({ indexing: true, denyDownload: true, quotaLimit: 1048576 });
    const longColor = await api('POST', '/files/rooms', { title: 'Bad color', roomType: 5, color: '1234567' });
    expect(longColor.status).toBe(400);
    expect(longColor.json.response.errors).toEqual({
      Color: ['The field Color must be a string with a maximum length of 6.'],
    });
  });

  it('refuses a quota above the portal storage with 403 and Resource.RoomQuotaGreaterPortalError (FileStorageService.InternalCreateFolderAsync)', async () => {
    const res = await api('POST', '/files/rooms', { title: 'Huge', roomType: 5, quota: 2 ** 52 });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toBe(
      'Failed to set quota per room. The entered value is greater than the total DocSpace storage.',
    );
  });

  it('private without shares is ArgumentNullException("shares"), with shares it needs encryption keys (FileStorageService.CreateRoomAsync)', async () => {
    const bare = await api('POST', '/files/rooms', { title: 'Private', roomType: 5, private: true });
    expect(bare.status).toBe(400);
    expect(bare.json.error).toMatchObject({
      message: "Value cannot be null. (Parameter 'shares')",
      type: 'System.ArgumentNullException',
    });
    const withShare = await api('POST', '/files/rooms', {
      title: 'Private',
      roomType: 5,
      private: true,
      share: [{ shareTo: SIM_USERS.user.id, access: 10 }],
    });
    expect(withShare.status).toBe(403);
    expect(withShare.json.error.message).toMatch(/does not have an encryption key$/);
  });

  it('PUT rooms/{id} renames (trimmed, sanitized), changes only the given settings, ignores an empty title (FileStorageService.UpdateRoomAsync)', async () => {
    const room = await createRoom('Before rename', 5);
    const res = await api('PUT', `/files/rooms/${room.id}`, { title: '  After: rename  ', denyDownload: true });
    expect(res.status, res.text).toBe(200);
    expect(res.json.response).toMatchObject({ title: 'After_ rename', denyDownload: true, indexing: false });
    const empty = await api('PUT', `/files/rooms/${room.id}`, { title: '', indexing: true });
    expect(empty.json.response).toMatchObject({ title: 'After_ rename', indexing: true, denyDownload: true });
    const listed = await api('GET', `/files/rooms?filterValue=${encodeURIComponent('After_ rename')}`);
    expect(listed.json.response.folders.map((r: { id: number }) => r.id)).toContain(room.id);
  });

  it('PUT rooms/{id} of a missing room is 403 "The required folder was not found", of an archived room 403 (FileStorageService.UpdateRoomAsync)', async () => {
    const missing = await api('PUT', '/files/rooms/987653', { title: 'x' });
    expect(missing.status).toBe(403);
    expect(missing.json.error).toMatchObject({
      message: 'The required folder was not found',
      type: 'System.InvalidOperationException',
    });
    const room = await createRoom('Archived update', 5);
    const op = await api('PUT', `/files/rooms/${room.id}/archive`, { deleteAfter: false });
    await waitForOperation(op.json.response.id);
    const archived = await api('PUT', `/files/rooms/${room.id}`, { title: 'y' });
    expect(archived.status).toBe(403);
    expect(archived.json.error.message).toBe("You don't have permission to edit the room");
  });

  it('PUT rooms/{id}/links with linkType 1 and no linkId creates an additional external link; GET rooms/{id}/links without type lists all links (VirtualRoomsController.SetRoomLink, GetRoomLinks)', async () => {
    const room = await createRoom('Links custom', 5);
    const created = await setLink(room.id, { linkType: 1, access: 2, title: 'Ticket link', internal: false });
    expect(created.status, created.text).toBe(200);
    expect(created.json.response).toMatchObject({ access: 2, subjectType: 1, canRevoke: true });
    expect(created.json.response.sharedLink).toMatchObject({ title: 'Ticket link', primary: false, linkType: 1 });
    expect(created.json.response.sharedLink.shareLink.startsWith(`${base}/s/`)).toBe(true);
    const invitation = await setLink(room.id, { linkType: 0, access: 10, maxUseCount: 3 });
    expect(invitation.json.response).toMatchObject({
      subjectType: 3,
      sharedLink: { title: 'Invitation link', maxUseCount: 3 },
    });
    const all = await api('GET', `/files/rooms/${room.id}/links`);
    expect(all.json.response).toHaveLength(2);
    const external = await api('GET', `/files/rooms/${room.id}/links?type=1`);
    expect(external.json.response.map((l: { sharedLink: { id: string } }) => l.sharedLink.id)).toEqual([
      created.json.response.sharedLink.id,
    ]);
  });

  it('PUT rooms/{id}/links changes a link by linkId and revokes it with access 0, answering a null response (FileStorageService.SetExternalLinkAsync)', async () => {
    const room = await createRoom('Links change', 5);
    const created = await setLink(room.id, { linkType: 1, access: 2 });
    const linkId = created.json.response.sharedLink.id;
    const changed = await setLink(room.id, { linkId, linkType: 1, access: 6, title: 'Renamed', denyDownload: true });
    expect(changed.json.response).toMatchObject({
      access: 6,
      sharedLink: { id: linkId, title: 'Renamed', denyDownload: true },
    });
    const revoked = await setLink(room.id, { linkId, linkType: 1, access: 0 });
    expect(revoked.status).toBe(200);
    expect(revoked.json.response).toBeUndefined();
    expect(revoked.json.count).toBe(0);
    expect((await api('GET', `/files/rooms/${room.id}/links`)).json.response).toEqual([]);
  });

  it('revoking the primary link of a form-filling room makes a fresh "Link to fill out" (FileStorageService.SetExternalLinkAsync)', async () => {
    const room = await createRoom('Forms revoke', 1);
    const [primary] = (await api('GET', `/files/rooms/${room.id}/links`)).json.response;
    const res = await setLink(room.id, { linkId: primary.sharedLink.id, linkType: 1, access: 0 });
    expect(res.json.response.sharedLink).toMatchObject({ primary: true, title: 'Link to fill out' });
    expect(res.json.response.sharedLink.id).not.toBe(primary.sharedLink.id);
    expect(res.json.response.sharedLink.requestToken).toBeUndefined();
  });

  it('PUT rooms/{id}/links refuses additional external links beyond the room type limit: 0 in form-filling rooms, 5 in custom rooms (FileSecurity._linkCountRoomSettingsAccesses, FileSharing.SetAceObjectAsync)', async () => {
    const forms = await createRoom('Forms limit', 1);
    const refused = await setLink(forms.id, { linkType: 1, access: 7 });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toBe('The maximum number of links may not exceed 0');
    const custom = await createRoom('Custom limit', 5);
    for (let i = 0; i < 5; i++) expect((await setLink(custom.id, { linkType: 1, access: 2 })).status).toBe(200);
    const sixth = await setLink(custom.id, { linkType: 1, access: 2 });
    expect(sixth.json.error.message).toBe('The maximum number of links may not exceed 5');
  });

  it('PUT rooms/{id}/links refuses external links in collaboration and virtual data rooms with the role message (FileSecurity.AvailableRoomAccesses)', async () => {
    for (const type of [2, 8]) {
      const room = await createRoom(`No external ${type}`, type);
      const res = await setLink(room.id, { linkId: EMPTY_ID, linkType: 1, access: 2 });
      expect(res.status).toBe(403);
      expect(res.json.error.message).toBe('The role is not available for this user type');
    }
  });

  it('PUT folder/{id} renames a folder, 404 if missing, 403 in an archived room (FoldersController.RenameFolder, FileStorageService.FolderRenameAsync)', async () => {
    const room = await createRoom('Rename folders', 5);
    const folder = (await api('POST', `/files/folder/${room.id}`, { title: 'Logs' })).json.response;
    const renamed = await api('PUT', `/files/folder/${folder.id}`, { title: ' Logs: old ' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json.response).toMatchObject({ id: folder.id, title: 'Logs_ old', parentId: room.id });
    const missing = await api('PUT', '/files/folder/987652', { title: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe('The required folder was not found');
    const op = await api('PUT', `/files/rooms/${room.id}/archive`, { deleteAfter: false });
    await waitForOperation(op.json.response.id);
    const archived = await api('PUT', `/files/folder/${folder.id}`, { title: 'y' });
    expect(archived.status).toBe(403);
    expect(archived.json.error.message).toBe("You don't have enough permission to rename the folder");
  });

  it('DELETE folder/{id} needs its body and answers a list of delete operations; the folder and its subfolders go (FoldersController.DeleteFolder)', async () => {
    const room = await createRoom('Delete folders', 5);
    const folder = (await api('POST', `/files/folder/${room.id}`, { title: 'Old' })).json.response;
    await api('POST', `/files/folder/${folder.id}`, { title: 'Inner' });
    expect((await api('DELETE', `/files/folder/${folder.id}`)).status).toBe(400);
    const res = await api('DELETE', `/files/folder/${folder.id}`, { deleteAfter: false, immediately: true });
    expect(res.status).toBe(200);
    expect(res.json.response).toHaveLength(1);
    expect(res.json.response[0]).toMatchObject({ Operation: 2 });
    expect((await waitForOperation(res.json.response[0].id)).error).toBe('');
    const contents = await api('GET', `/files/${room.id}`);
    expect(contents.json.response.folders).toEqual([]);
    expect((await api('GET', `/files/${folder.id}`)).status).toBe(404);
  });

  it('writes dates round-trip with seven fractional digits and Z for UTC (ApiDateTime.ToRoundTripString)', async () => {
    const room = await createRoom('Dates', 5);
    const res = await api('GET', `/files/rooms/${room.id}`);
    expect(res.json.response.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(res.json.response.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  });

  it('refuses an undefined enum value in the query with a 400 ValidationProblemDetails: searchArea=bogus, searchArea=99, type=3 (RoomContentRequestDto, ASP.NET EnumTypeModelBinder)', async () => {
    for (const query of ['searchArea=bogus', 'searchArea=99', 'type=3']) {
      const res = await api('GET', `/files/rooms?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.status).toBe(1);
    }
    const bogus = await api('GET', '/files/rooms?searchArea=bogus');
    expect(bogus.json.response.errors).toEqual({ searchArea: ["The value 'bogus' is not valid for SearchArea."] });
    expect((await api('GET', '/files/rooms?searchArea=Any&type=CustomRoom')).status).toBe(200);
  });

  it('does not trim tag names; an empty name is ArgumentException "The value cannot be an empty string. (Parameter \'name\')" (CustomTagsService.CreateTagAsync)', async () => {
    const room = await createRoom('Untrimmed tags', 5, [' spaced-tag ']);
    expect(room.tags).toEqual([' spaced-tag ']);
    const found = await api('GET', `/files/rooms?${tagQuery('spaced-tag')}`);
    expect(found.json.response.folders.map((r: { id: number }) => r.id)).not.toContain(room.id);
    const empty = await api('POST', '/files/tags', { name: '' });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toBe("The value cannot be an empty string. (Parameter 'name')");
  });

  it('an empty title is ArgumentException.ThrowIfNullOrEmpty(title) (FileStorageService.InternalCreateFolderAsync)', async () => {
    const res = await api('POST', '/files/rooms', { title: '   ', roomType: 5 });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      message: "The value cannot be an empty string. (Parameter 'title')",
      type: 'System.ArgumentException',
    });
  });

  it('anonymous GET rooms/{id}: a share key of an external link opens it without createdBy, a missing room is 404 (VirtualRoomsController.GetRoomInfo [AllowAnonymous])', async () => {
    const room = await createRoom('Anonymous', 6);
    const link = (await api('GET', `/files/rooms/${room.id}/link`)).json.response.sharedLink;
    const byHeader = await fetch(`${base}/api/2.0/files/rooms/${room.id}`, {
      headers: { 'request-token': link.requestToken },
    });
    expect(byHeader.status).toBe(200);
    const body = (await byHeader.json()) as { response: { id: number; createdBy?: unknown } };
    expect(body.response.id).toBe(room.id);
    expect(body.response.createdBy).toBeUndefined();
    const byQuery = await api('GET', `/files/rooms/${room.id}?share=${link.requestToken}`, undefined, { key: null });
    expect(byQuery.status).toBe(200);
    const missing = await api('GET', '/files/rooms/987651', undefined, { key: null });
    expect(missing.status).toBe(404);
  });

  it('UNVERIFIED message: anonymous GET rooms/{id} without a share key is 401 AuthenticationException in the error envelope, type and stack null (FileStorageService.GetFolderAsync, ResponseWrapper.cs)', async () => {
    const room = await createRoom('Anonymous refused', 5);
    const res = await api('GET', `/files/rooms/${room.id}`, undefined, { key: null });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ status: 1, statusCode: 401, error: { type: null, stack: null, hresult: 0 } });
    expect(typeof res.json.error.message).toBe('string');
    const wrongKey = await api('GET', `/files/rooms/${room.id}`, undefined, { key: 'sk-wrong' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.json.statusCode).toBe(401);
  });
});
