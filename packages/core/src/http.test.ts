import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUrl, createHttpTransport, isTimeoutError, requestFetch } from './http';

describe('buildUrl', () => {
  it('joins base and path and writes the query as URLSearchParams would', () => {
    const url = buildUrl('https://portal.example.com/', '/api/2.0/files/rooms', {
      tags: ['tr-a b', 'x&y'],
      count: 100,
      archived: false,
      skipped: undefined,
    });
    expect(url).toBe('https://portal.example.com/api/2.0/files/rooms?tags=tr-a+b&tags=x%26y&count=100&archived=false');
    const parsed = new URL(url);
    expect(parsed.searchParams.getAll('tags')).toEqual(['tr-a b', 'x&y']);
  });

  it('appends to a path that already has a query, and leaves a bare path alone', () => {
    expect(buildUrl('http://h:1', '/a?x=1', { y: 'é' })).toBe('http://h:1/a?x=1&y=%C3%A9');
    expect(buildUrl('http://h:1//', '/a', undefined)).toBe('http://h:1/a');
  });
});

describe('the transport timeout', () => {
  let base = '';
  const server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  const agent = new Agent({ connections: 4 });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers within the timeout are returned, parsed', async () => {
    const t = createHttpTransport({ vendor: 'test', baseUrl: base, fetch: requestFetch(agent), timeoutMs: 500 });
    const res = await t.send({ method: 'GET', path: '/fast' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
    expect(res.headers.get('Content-Type')).toBe('application/json');
  });

  it('a server that never answers is a TIMEOUT naming the vendor and the request', async () => {
    const t = createHttpTransport({ vendor: 'test', baseUrl: base, fetch: requestFetch(agent), timeoutMs: 200 });
    const err = await t.send({ method: 'GET', path: '/slow' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(String((err as Error).message)).toBe('test did not answer GET /slow within 200 ms');
    expect(isTimeoutError((err as { cause?: unknown }).cause)).toBe(true);
  });

  it('a refused connection is NETWORK, not TIMEOUT', async () => {
    const t = createHttpTransport({ vendor: 'test', baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 });
    const err = await t.send({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NETWORK' });
    await t.close();
  });
});
