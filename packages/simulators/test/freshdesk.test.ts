import { basicAuthHeader, ticketKey } from '@ticket-rooms/core';
import { createFreshdeskWriter, type NoteWriter, renderRoomNote } from '@ticket-rooms/helpdesk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFreshdeskSimulator, type FreshdeskSimulator } from '../src/freshdesk/index';
import { caught, requestsByRoute, resetStats } from './support';

const API_KEY = 'fd-api-key-123';
let sim: FreshdeskSimulator;
let baseUrl: string;
let writer: NoteWriter;
let nextTicket = 100;

const auth = { authorization: basicAuthHeader(API_KEY, 'X') };
const json = { ...auth, 'content-type': 'application/json' };

function freshTicket(): string {
  while (sim.store.tickets.has(nextTicket)) nextTicket += 1;
  return String(nextTicket++);
}

const noteFor = (ticketId: string) =>
  renderRoomNote({
    roomTitle: `Ticket ${ticketId} <urgent>`,
    url: `https://docspace.example.com/rooms/${ticketId}?a=1&b=2`,
    key: ticketKey({ source: 'freshdesk', tenant: 'acme.freshdesk.com', ticketId }),
  });

interface Conversation {
  id: number;
  private: boolean;
  body: string;
  body_text: string;
  source: number;
}

/** Every conversation on a ticket, following the `Link` header as a client would. */
async function conversations(ticketId: string): Promise<Conversation[]> {
  const out: Conversation[] = [];
  let url: string | undefined = `${baseUrl}/api/v2/tickets/${ticketId}/conversations?per_page=100`;
  while (url) {
    const res = await fetch(url, { headers: auth });
    expect(res.status).toBe(200);
    out.push(...((await res.json()) as Conversation[]));
    url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return out;
}

beforeAll(async () => {
  sim = await createFreshdeskSimulator({ apiKey: API_KEY });
  baseUrl = await sim.listen({ port: 0, host: '127.0.0.1' });
  writer = createFreshdeskWriter({ baseUrl, apiKey: API_KEY, timeoutMs: 2_000 });
});
afterEach(() => sim.faults.set({}));
afterAll(async () => {
  await writer.close();
  await sim.close();
});

describe('Freshdesk simulator', () => {
  it('creates tickets with the create endpoint and validates as Freshdesk does', async () => {
    const created = await fetch(`${baseUrl}/api/v2/tickets`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        subject: 'Printer on fire',
        description: '<p>Smoke</p>',
        email: 'bob@example.com',
        priority: 4,
      }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ subject: 'Printer on fire', priority: 4, status: 2 });

    const invalid = await fetch(`${baseUrl}/api/v2/tickets`, {
      method: 'POST',
      headers: json,
      body: '{"subject":"x"}',
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      description: 'Validation failed',
      errors: [
        { field: 'requester_id', code: 'missing_field' },
        { field: 'description', code: 'missing_field' },
      ],
    });
  });

  it('refuses a wrong API key with invalid_credentials, and unknown fields on a note', async () => {
    const wrong = await fetch(`${baseUrl}/api/v2/tickets/1`, {
      headers: { authorization: basicAuthHeader('nope', 'X') },
    });
    expect([wrong.status, await wrong.json()]).toEqual([
      401,
      { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' },
    ]);
    const extra = await fetch(`${baseUrl}/api/v2/tickets/1/notes`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ body: 'x', colour: 'red' }),
    });
    expect(await extra.json()).toMatchObject({ errors: [{ field: 'colour', code: 'invalid_field' }] });
    expect((await fetch(`${baseUrl}/api/v2/nothing`, { headers: auth })).status).toBe(404);
  });

  it('caps per_page at 100', async () => {
    const res = await fetch(`${baseUrl}/api/v2/tickets/1/conversations?per_page=101`, { headers: auth });
    expect(res.status).toBe(400);
  });
});

describe('Freshdesk writer against the simulator', () => {
  it('posts the room link once as a private note, and a second run finds it', async () => {
    const ticketId = freshTicket();
    const note = noteFor(ticketId);
    const first = await writer.ensureNote(ticketId, note);
    expect(first.alreadyPresent).toBe(false);
    expect(await writer.ensureNote(ticketId, note)).toEqual({ noteId: first.noteId, alreadyPresent: true });

    const listed = await conversations(ticketId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: Number(first.noteId), private: true, source: 2 });
    expect(listed[0]?.body_text).toContain(note.marker);
    expect(listed[0]?.body_text).toContain('Ticket');
    expect(listed[0]?.body).toContain('&lt;urgent&gt;');
  });

  it('follows the Link header through every page', async () => {
    const ticketId = freshTicket();
    const ticket = sim.store.ticket(Number(ticketId));
    for (let i = 0; i < 230; i += 1) {
      sim.store.addNote(ticket, { body: `<div>n${i}</div>`, body_text: `n${i}`, private: true, incoming: false });
    }
    const note = noteFor(ticketId);
    const posted = await writer.addNote(ticketId, note);
    await resetStats(baseUrl);
    expect(await writer.findNote(ticketId, note.marker)).toEqual({ noteId: posted.noteId });
    expect((await requestsByRoute(baseUrl))['GET /api/v2/tickets/:id/conversations']).toBe(3);
  });

  it('never posts twice when the response to the first post was lost', async () => {
    const ticketId = freshTicket();
    const note = noteFor(ticketId);
    sim.faults.set({ dropAfterCommitRate: 1 });
    expect(await caught(writer.ensureNote(ticketId, note))).toMatchObject({ code: 'NETWORK', retryable: true });
    sim.faults.set({});
    expect((await writer.ensureNote(ticketId, note)).alreadyPresent).toBe(true);
    expect(await conversations(ticketId)).toHaveLength(1);
  });

  it('reports a 429 as retryable with its Retry-After, and a 502 as retryable', async () => {
    sim.faults.set({ rateLimitRate: 1, retryAfterSeconds: 30 });
    expect(await caught(writer.ensureNote(freshTicket(), noteFor('x')))).toMatchObject({
      vendor: 'freshdesk',
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 30_000,
    });
    sim.faults.set({ errorRate: 1 });
    expect(await caught(writer.findNote('1', 'm'))).toMatchObject({ code: 'SERVER_ERROR', retryable: true });
  });

  it('fails at once on a bad API key or an invalid note, with Freshdesk’s words', async () => {
    const wrong = createFreshdeskWriter({ baseUrl, apiKey: 'revoked-key' });
    try {
      const err = await caught(wrong.findNote('1', 'm'));
      expect(err).toMatchObject({
        code: 'UNAUTHORIZED',
        retryable: false,
        vendorMessage: 'You have to be logged in to perform this action.',
      });
      expect(JSON.stringify(err)).not.toContain('revoked-key');
    } finally {
      await wrong.close();
    }
    const empty = await caught(writer.addNote(freshTicket(), { marker: 'm', text: '', html: '' }));
    expect(empty).toMatchObject({
      code: 'BAD_REQUEST',
      retryable: false,
      vendorMessage: 'Validation failed: body: It should be a/an String',
    });
    expect(await caught(writer.findNote('abc', 'm'))).toMatchObject({ code: 'NOT_FOUND', retryable: false });
  });
});
