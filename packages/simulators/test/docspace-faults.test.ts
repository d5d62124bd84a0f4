import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocspaceSimulator, type DocspaceSimulator } from '../src/docspace/index';

/** Fault injection and request counting on the DocSpace simulator, over HTTP. */

const KEY = 'sk-faults';
let sim: DocspaceSimulator;
let base: string;
const auth = { authorization: `Bearer ${KEY}` };

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}/__sim/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

const getSelf = () => fetch(`${base}/api/2.0/people/@self`, { headers: auth });

beforeAll(async () => {
  sim = await createDocspaceSimulator({ apiKey: KEY, faults: { errorRate: 1 } });
  base = await sim.listen({ port: 0, host: '127.0.0.1' });
});

beforeEach(async () => {
  await control('PUT', 'faults', {});
  await control('POST', 'stats/reset');
});

afterAll(async () => {
  await sim.close();
});

describe('fault configuration', () => {
  it('applies faults given at start', async () => {
    const fresh = await createDocspaceSimulator({ apiKey: KEY, faults: { errorRate: 1 } });
    const url = await fresh.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${url}/api/2.0/people/@self`, { headers: auth })).status).toBe(502);
    } finally {
      await fresh.close();
    }
  });

  it('changes faults at run time with PUT /__sim/faults and turns them off with {}', async () => {
    const set = await control('PUT', 'faults', { errorRate: 1, seed: 3 });
    expect(set.json).toEqual({ faults: { errorRate: 1, seed: 3 } });
    expect((await getSelf()).status).toBe(502);
    expect((await control('GET', 'faults')).json.faults).toEqual({ errorRate: 1, seed: 3 });
    await control('PUT', 'faults', {});
    expect((await getSelf()).status).toBe(200);
  });

  it('refuses an unknown or out-of-range fault setting', async () => {
    expect((await control('PUT', 'faults', { errorRate: 2 })).status).toBe(400);
    expect((await control('PUT', 'faults', { explode: true })).status).toBe(400);
  });

  it('never faults or guards the control routes', async () => {
    await control('PUT', 'faults', { errorRate: 1 });
    expect((await control('GET', 'stats')).status).toBe(200);
  });
});

describe('fault kinds', () => {
  it('answers 502 with an HTML page, as a reverse proxy would', async () => {
    await control('PUT', 'faults', { errorRate: 1 });
    const res = await getSelf();
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('<title>502 Bad Gateway</title>');
  });

  it('answers 429 with Retry-After and no body', async () => {
    await control('PUT', 'faults', { rateLimitRate: 1, retryAfterSeconds: 4 });
    const res = await getSelf();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('4');
    expect(await res.text()).toBe('');
  });

  it('hangs and then drops the connection without an answer', async () => {
    await control('PUT', 'faults', { hangRate: 1, hangMs: 50 });
    await expect(getSelf()).rejects.toThrow();
  });

  it('commits a write and then drops the connection before answering', async () => {
    await control('PUT', 'faults', { dropAfterCommitRate: 1 });
    const write = fetch(`${base}/api/2.0/files/rooms`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Committed anyway', roomType: 5, tags: ['commit-drop'] }),
    });
    await expect(write).rejects.toThrow();
    await control('PUT', 'faults', {});
    const res = await fetch(`${base}/api/2.0/files/rooms?tags=${encodeURIComponent('["commit-drop"]')}`, {
      headers: auth,
    });
    const body = (await res.json()) as { response: { folders: { title: string }[] } };
    expect(body.response.folders.map((r) => r.title)).toEqual(['Committed anyway']);
  });

  it('replays the same faults for the same seed', async () => {
    const run = async () => {
      await control('PUT', 'faults', { errorRate: 0.3, rateLimitRate: 0.2, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await getSelf()).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 502]));
  });
});

describe('stats', () => {
  it('counts requests by method and route, and by status', async () => {
    await fetch(`${base}/api/2.0/files/rooms/12345`, { headers: auth });
    await fetch(`${base}/api/2.0/files/rooms/12346`, { headers: auth });
    await getSelf();
    await fetch(`${base}/api/2.0/files/rooms`, { headers: {} });
    const stats = (await control('GET', 'stats')).json as {
      total: number;
      byRoute: Record<string, number>;
      byStatus: Record<string, number>;
    };
    expect(stats.total).toBe(4);
    expect(stats.byRoute).toEqual({
      'GET /api/2.0/files/rooms/:id': 2,
      'GET /api/2.0/people/@self': 1,
      'GET /api/2.0/files/rooms': 1,
    });
    expect(stats.byStatus).toEqual({ '404': 2, '200': 1, '401': 1 });
  });
});

describe('the request budget (rateLimit)', () => {
  it('answers 429 with Retry-After once the burst is spent, and counts every refusal', async () => {
    // A token every 1,000 s: none comes back during the test, so the counts are exact.
    await control('PUT', 'faults', { rateLimit: { perSecond: 0.001, burst: 3 } });
    const statuses: number[] = [];
    const retryAfter: Array<string | null> = [];
    for (let i = 0; i < 7; i++) {
      const res = await getSelf();
      statuses.push(res.status);
      if (res.status === 429) retryAfter.push(res.headers.get('retry-after'));
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429]);
    expect(retryAfter.every((s) => Number(s) >= 1)).toBe(true);
    const stats = await control('GET', 'stats');
    expect((stats.json.byStatus as Record<string, number>)['429']).toBe(4);
    expect((stats.json.injected as Record<string, number>).overBudget).toBeGreaterThanOrEqual(4);
    // The control routes are outside the budget, and {} lifts it.
    await control('PUT', 'faults', {});
    expect((await getSelf()).status).toBe(200);
  });

  it('refuses a budget without a positive rate or a whole burst', async () => {
    expect((await control('PUT', 'faults', { rateLimit: { perSecond: 0, burst: 1 } })).status).toBe(400);
    expect((await control('PUT', 'faults', { rateLimit: { perSecond: 5, burst: 0.5 } })).status).toBe(400);
  });
});
