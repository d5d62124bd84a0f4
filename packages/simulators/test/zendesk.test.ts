import { basicAuthHeader, ticketKey } from '@ticket-rooms/core';
import { createZendeskWriter, type NoteWriter, renderRoomNote } from '@ticket-rooms/helpdesk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskSimulator, type ZendeskSimulator } from '../src/zendesk/index';
import { caught, requestsByRoute, resetStats } from './support';

const EMAIL = 'agent@example.com';
const TOKEN = 'zd-api-token-123';
let sim: ZendeskSimulator;
let baseUrl: string;
let writer: NoteWriter;
let nextTicket = 5000;

/** A ticket id the simulator has not seen yet (tickets created through the API take ids too). */
function freshTicket(): string {
  while (sim.store.tickets.has(nextTicket)) nextTicket += 1;
  return String(nextTicket++);
}

const auth = { authorization: basicAuthHeader(`${EMAIL}/token`, TOKEN) };
const noteFor = (ticketId: string) =>
  renderRoomNote({
    roomTitle: `Ticket ${ticketId}: printer on fire`,
    url: `https://docspace.example.com/rooms/${ticketId}`,
    key: ticketKey({ source: 'zendesk', tenant: '22129848', ticketId }),
  });

interface Comment {
  id: number;
  public: boolean;
  plain_body: string;
  html_body: string;
}

/** Every comment on a ticket, read through Zendesk's own comments API. */
async function comments(ticketId: string): Promise<Comment[]> {
  const res = await fetch(`${baseUrl}/api/v2/tickets/${ticketId}/comments.json`, { headers: auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { comments: Comment[] }).comments;
}

beforeAll(async () => {
  sim = await createZendeskSimulator({ email: EMAIL, apiToken: TOKEN });
  baseUrl = await sim.listen({ port: 0, host: '127.0.0.1' });
  writer = createZendeskWriter({ baseUrl, email: EMAIL, apiToken: TOKEN, timeoutMs: 2_000 });
});
afterEach(() => sim.faults.set({}));
afterAll(async () => {
  await writer.close();
  await sim.close();
});

describe('Zendesk simulator', () => {
  it('creates tickets through the Tickets API and lists their comments', async () => {
    const res = await fetch(`${baseUrl}/api/v2/tickets.json`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: { subject: 'Printer on fire', comment: { body: 'It is on fire.' } } }),
    });
    expect(res.status).toBe(201);
    const { ticket } = (await res.json()) as { ticket: { id: number; subject: string } };
    expect(ticket.subject).toBe('Printer on fire');
    const listed = await comments(String(ticket.id));
    expect(listed).toMatchObject([{ public: true, plain_body: 'It is on fire.' }]);
  });

  it('answers bad credentials, unknown records and unknown routes as Zendesk does', async () => {
    const wrong = await fetch(`${baseUrl}/api/v2/tickets/1.json`, {
      headers: { authorization: basicAuthHeader(`${EMAIL}/token`, 'nope') },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "Couldn't authenticate you" });
    const missing = await fetch(`${baseUrl}/api/v2/tickets/abc.json`, { headers: auth });
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { error: 'RecordNotFound', description: 'Not found' },
    ]);
    expect((await fetch(`${baseUrl}/api/v2/nothing`, { headers: auth })).status).toBe(404);
  });

  it('refuses a blank comment with a RecordInvalid body', async () => {
    const res = await fetch(`${baseUrl}/api/v2/tickets/77.json`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: { comment: { body: '  ' } } }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: 'RecordInvalid', details: { comment: [{ error: 'BlankValue' }] } });
  });
});

describe('Zendesk writer against the simulator', () => {
  it('posts the room link once as a private comment, and a second run finds it', async () => {
    const ticketId = freshTicket();
    const note = noteFor(ticketId);
    const first = await writer.ensureNote(ticketId, note);
    expect(first.alreadyPresent).toBe(false);
    const second = await writer.ensureNote(ticketId, note);
    expect(second).toEqual({ noteId: first.noteId, alreadyPresent: true });

    const listed = await comments(ticketId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: Number(first.noteId), public: false });
    expect(listed[0]?.plain_body).toContain(note.marker);
    expect(listed[0]?.html_body).toContain(`href="https://docspace.example.com/rooms/${ticketId}"`);
  });

  it('keeps the note private even on a ticket created public', async () => {
    const created = await fetch(`${baseUrl}/api/v2/tickets.json`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: { subject: 's', comment: { body: 'b', public: true } } }),
    });
    const id = String(((await created.json()) as { ticket: { id: number } }).ticket.id);
    await writer.ensureNote(id, noteFor(id));
    expect((await comments(id)).map((c) => c.public)).toEqual([true, false]);
  });

  it('pages through every comment to find the marker', async () => {
    const ticketId = freshTicket();
    const ticket = sim.store.ticket(Number(ticketId), baseUrl);
    for (let i = 0; i < 250; i += 1) {
      sim.store.addComment(ticket, { body: `c${i}`, html_body: `<p>c${i}</p>`, plain_body: `c${i}`, public: true });
    }
    const note = noteFor(ticketId);
    const posted = await writer.addNote(ticketId, note);
    await resetStats(baseUrl);
    expect(await writer.findNote(ticketId, note.marker)).toEqual({ noteId: posted.noteId });
    expect((await requestsByRoute(baseUrl))['GET /api/v2/tickets/:id/comments.json']).toBe(3);
    expect(await writer.findNote(ticketId, 'ticket-rooms-ref-000000000000000000000000')).toBeUndefined();
  });

  it('does not find a marker that Zendesk would have stripped from the HTML', async () => {
    const ticketId = freshTicket();
    const hidden = {
      marker: 'ticket-rooms-ref-hidden',
      text: 'x',
      html: '<p>room</p><!-- ticket-rooms-ref-hidden -->',
    };
    await writer.addNote(ticketId, hidden);
    expect(await writer.findNote(ticketId, hidden.marker)).toBeUndefined();
  });

  it('never posts twice when the response to the first post was lost', async () => {
    const ticketId = freshTicket();
    const note = noteFor(ticketId);
    sim.faults.set({ dropAfterCommitRate: 1 });
    const lost = await caught(writer.ensureNote(ticketId, note));
    expect(lost).toMatchObject({ code: 'NETWORK', retryable: true });
    sim.faults.set({});
    expect((await writer.ensureNote(ticketId, note)).alreadyPresent).toBe(true);
    expect(await comments(ticketId)).toHaveLength(1);
  });

  it('reports a 429 as retryable with the Retry-After it was given', async () => {
    sim.faults.set({ rateLimitRate: 1, retryAfterSeconds: 7 });
    const err = await caught(writer.ensureNote(freshTicket(), noteFor('x')));
    expect(err).toMatchObject({
      vendor: 'zendesk',
      code: 'RATE_LIMITED',
      statusCode: 429,
      retryable: true,
      retryAfterMs: 7_000,
    });
  });

  it('reports a proxy 502 as retryable without quoting its HTML', async () => {
    sim.faults.set({ errorRate: 1 });
    const err = await caught(writer.findNote('1', 'm'));
    expect(err).toMatchObject({ code: 'SERVER_ERROR', statusCode: 502, retryable: true, vendorMessage: undefined });
  });

  it('reports a hung request as a retryable timeout', async () => {
    const impatient = createZendeskWriter({ baseUrl, email: EMAIL, apiToken: TOKEN, timeoutMs: 200 });
    sim.faults.set({ hangRate: 1, hangMs: 2_000 });
    try {
      expect(await caught(impatient.findNote('1', 'm'))).toMatchObject({ code: 'TIMEOUT', retryable: true });
    } finally {
      await impatient.close();
    }
  });

  it('fails at once, with Zendesk’s own words, on bad credentials or an unknown ticket', async () => {
    const wrong = createZendeskWriter({ baseUrl, email: EMAIL, apiToken: 'revoked-token' });
    try {
      const err = await caught(wrong.ensureNote('1', noteFor('1')));
      expect(err).toMatchObject({ code: 'UNAUTHORIZED', retryable: false, vendorMessage: "Couldn't authenticate you" });
      expect(err.message).not.toContain('revoked-token');
      expect(JSON.stringify(err)).not.toContain('revoked-token');
    } finally {
      await wrong.close();
    }
    const missing = await caught(writer.ensureNote('no-such-ticket', noteFor('n')));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', retryable: false, vendorMessage: 'RecordNotFound: Not found' });
  });
});
