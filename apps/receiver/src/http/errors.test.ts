import { describe, expect, it } from 'vitest';
import { ReceiverError, toReceiverError } from './errors';

const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });

describe('toReceiverError', () => {
  it.each([
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'RCV_ERR_BODY_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'RCV_ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'RCV_ERR_JSON_INVALID'],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'RCV_ERR_BAD_REQUEST'],
    ['FST_BASIC_AUTH_MISSING_OR_BAD_AUTHORIZATION_HEADER', 401, 'RCV_ERR_UNAUTHORIZED'],
  ])('gives Fastify’s %s our shape', (code, status, wire) => {
    const err = toReceiverError(fastifyError(code, status), 1024);
    expect(err.statusCode).toBe(status);
    expect(err.code).toBe(wire);
    expect(err.message).toMatch(/\.$/);
  });

  it('names the limit in the 413 message', () => {
    expect(toReceiverError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), 2048).message).toContain('2048 bytes');
  });

  it('hides the text of unexpected errors behind a retryable 500', () => {
    const err = toReceiverError(new Error('secret internals at /srv/app.ts:12'), 1024);
    expect(err.statusCode).toBe(500);
    expect(err.retryable).toBe(true);
    expect(err.message).not.toContain('internals');
  });

  it('passes our own errors through', () => {
    const own = ReceiverError.of('REDIS_UNAVAILABLE', 'Redis is down.');
    expect(toReceiverError(own, 1024)).toBe(own);
    expect(own.toBody()).toEqual({ status: 'error', code: 'RCV_ERR_REDIS_UNAVAILABLE', message: 'Redis is down.' });
  });
});
