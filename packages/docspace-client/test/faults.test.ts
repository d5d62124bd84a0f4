import { inspect } from 'node:util';
import { createDocspaceSimulator, type DocspaceSimulator } from '@ticket-rooms/simulators';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDocspaceClient, type DocspaceClient, DocspaceError, RoomType } from '../src/index';

/**
 * Each fault the simulator can inject reaches the client as the error the worker needs to decide
 * what to do, and the API key never shows in any of them.
 */

const KEY = `sk-${'f0'.repeat(32)}`;
let sim: DocspaceSimulator;
let baseUrl: string;
let ds: DocspaceClient;
const logLines: string[] = [];

beforeAll(async () => {
  sim = await createDocspaceSimulator({ apiKey: KEY, operationMs: 10 });
  baseUrl = await sim.listen({ port: 0, host: '127.0.0.1' });
  ds = createDocspaceClient({
    baseUrl,
    apiKey: KEY,
    timeoutMs: 400,
    pollIntervalMs: 5,
    logger: { debug: (obj, msg) => logLines.push(`${msg} ${JSON.stringify(obj)}`) },
  });
});

afterEach(() => {
  sim.faults.set({});
});

afterAll(async () => {
  await ds.close();
  await sim.close();
  // Every request the client made was logged, and not one line carries the key.
  expect(logLines.length).toBeGreaterThan(5);
  for (const line of logLines) expect(line).not.toContain(KEY);
});

async function rejection(p: Promise<unknown>): Promise<DocspaceError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DocspaceError);
    return err as DocspaceError;
  }
  throw new Error('expected the call to fail');
}

/** Everything someone might print about an error: message, JSON, stack and the full cause chain. */
function everythingShown(err: Error): string {
  return [err.message, JSON.stringify(err), err.stack ?? '', inspect(err, { depth: 10 })].join('\n');
}

async function roomsTagged(tag: string): Promise<number[]> {
  const res = await fetch(
    `${baseUrl}/api/2.0/files/rooms?searchArea=2&tags=${encodeURIComponent(JSON.stringify([tag]))}`,
    {
      headers: { authorization: `Bearer ${KEY}` },
    },
  );
  const body = (await res.json()) as { response: { folders: { id: number }[] } };
  return body.response.folders.map((r) => r.id);
}

describe('faults reach the client as the right error', () => {
  it('a 502 with a proxy’s HTML page is a retryable SERVER_ERROR', async () => {
    sim.faults.set({ errorRate: 1 });
    const err = await rejection(ds.getSelf());
    expect(err).toMatchObject({
      code: 'SERVER_ERROR',
      statusCode: 502,
      retryable: true,
      vendorMessage: '502 Bad Gateway',
    });
    expect(everythingShown(err)).not.toContain(KEY);
  });

  it('a 429 is RATE_LIMITED and carries Retry-After in milliseconds', async () => {
    sim.faults.set({ rateLimitRate: 1, retryAfterSeconds: 7 });
    const err = await rejection(ds.findRoomsByTag('anything'));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', statusCode: 429, retryable: true, retryAfterMs: 7000 });
    expect(err.message).toContain('retry after 7000 ms');
  });

  it('a request that hangs past the timeout is a retryable TIMEOUT', async () => {
    sim.faults.set({ hangRate: 1, hangMs: 10_000 });
    const err = await rejection(ds.getRoom(1001));
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true, method: 'GET', path: '/api/2.0/files/rooms/1001' });
    expect(err.statusCode).toBeUndefined();
    expect(everythingShown(err)).not.toContain(KEY);
  });

  it('added latency beyond the timeout is a TIMEOUT too', async () => {
    sim.faults.set({ latencyMs: 1_000 });
    expect((await rejection(ds.getSelf())).code).toBe('TIMEOUT');
  });

  it('commit-then-drop is a retryable NETWORK error, and the room it created exists exactly once', async () => {
    const tag = `drop-${Date.now()}`;
    sim.faults.set({ dropAfterCommitRate: 1 });
    const err = await rejection(ds.createRoom({ title: 'Dropped answer', roomType: RoomType.Custom, tags: [tag] }));
    expect(err).toMatchObject({ code: 'NETWORK', retryable: true, method: 'POST', path: '/api/2.0/files/rooms' });
    expect(everythingShown(err)).not.toContain(KEY);
    sim.faults.set({});
    // The client never learnt the id, but the tag finds the room: the worker's idempotency rests on this.
    const found = await ds.findRoomsByTag(tag);
    expect(found.map((r) => r.title)).toEqual(['Dropped answer']);
    expect(await roomsTagged(tag)).toHaveLength(1);
  });

  it('leaves reads alone under commit-then-drop, which only affects writes', async () => {
    sim.faults.set({ dropAfterCommitRate: 1 });
    expect((await ds.getSelf()).id).toBeDefined();
  });

  it('a rejected key is UNAUTHORIZED, not retryable, says so, and never shows the key', async () => {
    const wrongKey = `sk-${'9e'.repeat(32)}`;
    const wrong = createDocspaceClient({ baseUrl, apiKey: wrongKey });
    try {
      const err = await rejection(wrong.createRoom({ title: 'Nope', roomType: RoomType.Custom }));
      expect(err).toMatchObject({ code: 'UNAUTHORIZED', statusCode: 401, retryable: false });
      expect(err.message).toContain('DocSpace rejected the API key');
      const shown = everythingShown(err);
      expect(shown).not.toContain(wrongKey);
      expect(shown).not.toContain(KEY);
      expect(shown.toLowerCase()).not.toContain('bearer');
    } finally {
      await wrong.close();
    }
  });

  it('an unreachable portal is a retryable NETWORK error', async () => {
    const closed = await createDocspaceSimulator({ apiKey: KEY });
    const url = await closed.listen({ port: 0, host: '127.0.0.1' });
    await closed.close();
    const client = createDocspaceClient({ baseUrl: url, apiKey: KEY, timeoutMs: 2_000 });
    try {
      const err = await rejection(client.getSelf());
      expect(err).toMatchObject({ code: 'NETWORK', retryable: true });
      expect(err.message).toMatch(/^DocSpace could not be reached for GET \/api\/2\.0\/people\/@self/);
    } finally {
      await client.close();
    }
  });

  it('recovers as soon as faults are turned off', async () => {
    sim.faults.set({ errorRate: 1 });
    await rejection(ds.getSelf());
    sim.faults.set({});
    expect((await ds.getSelf()).id).toBeDefined();
  });
});
