import { basicAuthHeader, ticketKey } from '@ticket-rooms/core';
import { createJiraWriter, type NoteWriter, renderRoomNote } from '@ticket-rooms/helpdesk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSimulator, type JiraSimulator } from '../src/jira/index';
import { caught, requestsByRoute, resetStats } from './support';

const EMAIL = 'agent@example.com';
const TOKEN = 'jira-api-token-123';
let sim: JiraSimulator;
let baseUrl: string;
let writer: NoteWriter;
let nextIssue = 500;

const auth = { authorization: basicAuthHeader(EMAIL, TOKEN) };
const json = { ...auth, 'content-type': 'application/json' };

function freshKey(): string {
  while (sim.store.issues.has(`SD-${nextIssue}`)) nextIssue += 1;
  return `SD-${nextIssue++}`;
}

const noteFor = (key: string) =>
  renderRoomNote({
    roomTitle: `${key}: VPN down`,
    url: `https://docspace.example.com/rooms/${key}`,
    key: ticketKey({ source: 'jira', tenant: 'site.atlassian.net', ticketId: key }),
  });

interface JsmComment {
  id: string;
  body: string;
  public: boolean;
}

/** Every comment on a request, through JSM's own paged list. */
async function comments(key: string): Promise<JsmComment[]> {
  const out: JsmComment[] = [];
  for (let start = 0; ; ) {
    const res = await fetch(`${baseUrl}/rest/servicedeskapi/request/${key}/comment?start=${start}&limit=100`, {
      headers: auth,
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { values: JsmComment[]; isLastPage: boolean; size: number };
    out.push(...page.values);
    if (page.isLastPage) return out;
    start += page.size;
  }
}

beforeAll(async () => {
  sim = await createJiraSimulator({ email: EMAIL, apiToken: TOKEN });
  baseUrl = await sim.listen({ port: 0, host: '127.0.0.1' });
  writer = createJiraWriter({ baseUrl, email: EMAIL, apiToken: TOKEN, timeoutMs: 2_000 });
});
afterEach(() => sim.faults.set({}));
afterAll(async () => {
  await writer.close();
  await sim.close();
});

describe('Jira simulator', () => {
  it('creates issues through the platform and JSM endpoints', async () => {
    const platform = await fetch(`${baseUrl}/rest/api/3/issue`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ fields: { project: { key: 'OPS' }, summary: 'Disk full', issuetype: { name: 'Task' } } }),
    });
    expect(platform.status).toBe(201);
    const created = (await platform.json()) as { key: string };
    expect(created.key).toBe('OPS-1');
    const shown = await fetch(`${baseUrl}/rest/api/3/issue/OPS-1`, { headers: auth });
    expect(await shown.json()).toMatchObject({ key: 'OPS-1', fields: { summary: 'Disk full' } });

    const jsm = await fetch(`${baseUrl}/rest/servicedeskapi/request`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ serviceDeskId: '1', requestTypeId: '1', requestFieldValues: { summary: 'VPN down' } }),
    });
    expect(jsm.status).toBe(201);
    expect(await jsm.json()).toMatchObject({ issueKey: expect.stringMatching(/^SD-\d+$/) });
  });

  it('answers as Atlassian does: plain-text 401, platform 400 and 404 bodies', async () => {
    const wrong = await fetch(`${baseUrl}/rest/api/3/issue/SD-1`, {
      headers: { authorization: basicAuthHeader(EMAIL, 'x') },
    });
    expect([wrong.status, await wrong.text()]).toEqual([401, 'Client must be authenticated to access this resource.']);
    const invalid = await fetch(`${baseUrl}/rest/api/3/issue`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' } } }),
    });
    expect([invalid.status, await invalid.json()]).toEqual([
      400,
      { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } },
    ]);
    const missing = await fetch(`${baseUrl}/rest/api/3/issue/not-a-key`, { headers: auth });
    expect(missing.status).toBe(404);
    expect((await fetch(`${baseUrl}/rest/nothing`, { headers: auth })).status).toBe(404);
  });

  it('filters internal and public comments, and shows them in the platform list with jsdPublic', async () => {
    const key = freshKey();
    for (const isPublic of [true, false]) {
      await fetch(`${baseUrl}/rest/servicedeskapi/request/${key}/comment`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ body: `public=${isPublic}`, public: isPublic }),
      });
    }
    const internal = await fetch(`${baseUrl}/rest/servicedeskapi/request/${key}/comment?public=false`, {
      headers: auth,
    });
    expect(((await internal.json()) as { values: JsmComment[] }).values.map((c) => c.body)).toEqual(['public=false']);
    const platform = await fetch(`${baseUrl}/rest/api/3/issue/${key}/comment`, { headers: auth });
    expect(
      ((await platform.json()) as { comments: { jsdPublic: boolean }[] }).comments.map((c) => c.jsdPublic),
    ).toEqual([true, false]);
  });
});

describe('Jira writer against the simulator', () => {
  it('posts the room link once as an internal JSM comment, and a second run finds it', async () => {
    const key = freshKey();
    const note = noteFor(key);
    const first = await writer.ensureNote(key, note);
    expect(first.alreadyPresent).toBe(false);
    expect(await writer.ensureNote(key, note)).toEqual({ noteId: first.noteId, alreadyPresent: true });
    const listed = await comments(key);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: first.noteId, public: false });
    expect(listed[0]?.body).toContain(note.marker);
    expect(listed[0]?.body).toContain(`https://docspace.example.com/rooms/${key}`);
  });

  it('pages through every comment to find the marker', async () => {
    const key = freshKey();
    const issue = sim.store.find(key);
    if (!issue) throw new Error('the simulator should create well-formed keys on first use');
    for (let i = 0; i < 210; i += 1) sim.store.addComment(issue, { body: `c${i}`, public: true });
    const note = noteFor(key);
    const posted = await writer.addNote(key, note);
    await resetStats(baseUrl);
    expect(await writer.findNote(key, note.marker)).toEqual({ noteId: posted.noteId });
    expect((await requestsByRoute(baseUrl))['GET /rest/servicedeskapi/request/:key/comment']).toBe(3);
  });

  it('never posts twice when the response to the first post was lost', async () => {
    const key = freshKey();
    const note = noteFor(key);
    sim.faults.set({ dropAfterCommitRate: 1 });
    expect(await caught(writer.ensureNote(key, note))).toMatchObject({ code: 'NETWORK', retryable: true });
    sim.faults.set({});
    expect((await writer.ensureNote(key, note)).alreadyPresent).toBe(true);
    expect(await comments(key)).toHaveLength(1);
  });

  it('reports a 429 as retryable with its Retry-After', async () => {
    sim.faults.set({ rateLimitRate: 1, retryAfterSeconds: 2 });
    expect(await caught(writer.ensureNote(freshKey(), noteFor('SD-1')))).toMatchObject({
      vendor: 'jira',
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 2_000,
    });
  });

  it('fails at once on bad credentials, an unknown request or an empty body, with Jira’s words', async () => {
    const wrong = createJiraWriter({ baseUrl, email: EMAIL, apiToken: 'revoked-token' });
    try {
      const err = await caught(wrong.findNote('SD-1', 'm'));
      expect(err).toMatchObject({ code: 'UNAUTHORIZED', statusCode: 401, retryable: false });
      expect(JSON.stringify(err)).not.toContain('revoked-token');
    } finally {
      await wrong.close();
    }
    expect(await caught(writer.findNote('nope', 'm'))).toMatchObject({
      code: 'NOT_FOUND',
      retryable: false,
      vendorMessage: 'Request does not exist or you do not have permission to see it.',
    });
    expect(await caught(writer.addNote(freshKey(), { marker: 'm', text: ' ', html: '' }))).toMatchObject({
      code: 'BAD_REQUEST',
      vendorMessage: 'Comment body can not be empty.',
    });
  });
});
