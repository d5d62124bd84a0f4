import { VendorError } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { unwrap } from './envelope';
import { DocspaceError, toDocspaceError } from './errors';
import { collectPages } from './paging';

const req = { method: 'GET', path: '/api/2.0/files/rooms/7' };
const headers = (h: Record<string, string> = {}) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const answer = (status: number, body: unknown, h: Record<string, string> = {}) => ({
  status,
  headers: headers(h),
  json: typeof body === 'string' ? undefined : body,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('toDocspaceError', () => {
  it('says the key was rejected on 401, and that a retry will not help', () => {
    const err = toDocspaceError(req, answer(401, ''));
    expect(err).toBeInstanceOf(DocspaceError);
    expect(err).toBeInstanceOf(VendorError);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', statusCode: 401, retryable: false, vendor: 'docspace' });
    expect(err.message).toMatch(/^DocSpace rejected the API key \(401\) on GET \/api\/2\.0\/files\/rooms\/7/);
  });

  it('carries Retry-After as milliseconds on a 429', () => {
    const err = toDocspaceError(req, answer(429, '', { 'retry-after': '3' }));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 3000 });
  });

  it('reads a proxy’s HTML 502 page title as what the vendor said', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    const err = toDocspaceError(req, answer(502, html));
    expect(err).toMatchObject({ code: 'SERVER_ERROR', retryable: true, vendorMessage: '502 Bad Gateway' });
  });

  it('retries 408, 425 and every 5xx, and no other 4xx', () => {
    for (const status of [408, 425, 500, 502, 503, 504])
      expect(toDocspaceError(req, answer(status, '')).retryable).toBe(true);
    for (const status of [400, 402, 403, 404, 409, 415, 422]) {
      expect(toDocspaceError(req, answer(status, '')).retryable).toBe(false);
    }
  });

  it('takes the message from the error envelope', () => {
    const body = { status: 1, statusCode: 403, error: { message: 'The role is not available for this user type' } };
    const err = toDocspaceError(req, answer(403, body));
    expect(err).toMatchObject({ code: 'FORBIDDEN', vendorMessage: 'The role is not available for this user type' });
    expect(err.message).toContain('The role is not available for this user type');
  });

  it('takes the title and field errors from a validation body', () => {
    const body = {
      response: { title: 'One or more validation errors occurred.', errors: { Title: ['The field Title must be …'] } },
      status: 1,
      statusCode: 400,
    };
    const err = toDocspaceError(req, answer(400, body));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.vendorMessage).toBe('One or more validation errors occurred. Title: The field Title must be …');
  });

  it('uses the body’s statusCode when DocSpace reports an error inside an HTTP 200', () => {
    const body = { status: 1, statusCode: 404, error: { message: 'Folder not found' } };
    expect(toDocspaceError(req, answer(200, body))).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
    const vague = toDocspaceError(req, answer(200, { status: 1, error: { message: 'odd' } }));
    expect(vague).toMatchObject({ code: 'API_ERROR', retryable: false, vendorMessage: 'odd' });
  });
});

describe('unwrap', () => {
  const Room = z.object({ id: z.number() });

  it('returns the validated response', () => {
    expect(unwrap(req, answer(200, { response: { id: 7, extra: 1 }, count: 1, status: 0 }), Room).response).toEqual({
      id: 7,
    });
  });

  it('explains a redirect as a wrong base URL instead of following it', () => {
    const moved = () =>
      unwrap(req, answer(301, '', { location: 'https://portal.example.com/api/2.0/files/rooms/7' }), Room);
    expect(moved).toThrow(/redirect to https:\/\/portal\.example\.com.*base URL is probably wrong/);
  });

  it('treats status 1 inside a 200 as a failure', () => {
    expect(() => unwrap(req, answer(200, { status: 1, error: { message: 'nope' } }), Room)).toThrow(/nope/);
  });

  it('refuses a body that is not the envelope or does not match, naming the field but not the value', () => {
    const notJson = () => unwrap(req, answer(200, '<html>login</html>'), Room);
    expect(notJson).toThrow(expect.objectContaining({ code: 'INVALID_RESPONSE', retryable: false }));
    try {
      unwrap(req, answer(200, { response: { id: 'secret-ish' } }), Room);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'INVALID_RESPONSE' });
      expect((err as Error).message).toContain('id');
      expect((err as Error).message).not.toContain('secret-ish');
    }
  });
});

describe('collectPages', () => {
  it('walks startIndex by the server’s count until total', async () => {
    const data = Array.from({ length: 250 }, (_, i) => i);
    const starts: number[] = [];
    const all = await collectPages(async (start) => {
      starts.push(start);
      const items = data.slice(start, start + 100);
      return { items, count: items.length, total: data.length };
    });
    expect(all).toEqual(data);
    expect(starts).toEqual([0, 100, 200]);
  });

  it('stops at an empty page even when total says there is more', async () => {
    let calls = 0;
    const all = await collectPages(async () => {
      calls++;
      return { items: [], count: 0, total: 10 };
    });
    expect(all).toEqual([]);
    expect(calls).toBe(1);
  });
});
