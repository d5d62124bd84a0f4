import { Readable } from 'node:stream';
import { Agent, type Dispatcher, request } from 'undici';
import { codeForStatus, parseRetryAfter, VendorError } from './errors';

/**
 * The part of `fetch` the transport uses, so tests and simulators can supply their own. It must
 * give up on a request whose headers have not arrived within `timeoutMs` (or whose body stalls
 * that long) and reject with an error that `isTimeoutError` recognises; `requestFetch` does,
 * and so does `fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs) })`.
 */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    /** JSON text, or a stream of bytes for an upload (sent as it is produced, never buffered). */
    body?: string | AsyncIterable<Uint8Array>;
    timeoutMs: number;
  },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  /** The body as a stream, for downloads: read either this or `text()`, not both. */
  body?: AsyncIterable<Uint8Array> | null;
}>;

export interface HttpTransportOptions {
  /** Who we are talking to, for error messages: `docspace` or a helpdesk's source. */
  vendor: string;
  baseUrl: string;
  /** Auth and other fixed headers. Never logged, never copied into errors. */
  headers?: Record<string, string>;
  /**
   * Default 10 s. How long to wait for a response's headers once the request is sent, and the
   * longest pause within its body; the default dispatcher also gives up connecting after it.
   */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Keep-alive connections per origin for the default dispatcher; default 64. */
  connections?: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path relative to the base URL, starting with `/`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined | readonly (string | number)[]>;
  /** Serialized as JSON when present. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** Parsed JSON, or `undefined` when the body was empty or not JSON. */
  json: unknown;
  text: string;
}

export interface HttpTransport {
  readonly vendor: string;
  readonly baseUrl: string;
  /** Sends the request. Throws `VendorError` only for network failures and timeouts. */
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** Query strings as `URLSearchParams` writes them (spaces as `+`), without building a `URL` per call. */
function encodeQueryPart(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

export function buildUrl(baseUrl: string, path: string, query: HttpRequest['query']): string {
  let url = baseUrl.endsWith('/') ? baseUrl.replace(/\/+$/, '') + path : baseUrl + path;
  if (query) {
    let sep = url.includes('?') ? '&' : '?';
    for (const key in query) {
      const value = query[key];
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        url += `${sep}${encodeQueryPart(key)}=${encodeQueryPart(String(v))}`;
        sep = '&';
      }
    }
  }
  return url;
}

/** undici's codes for a request that ran out of time, and the `fetch` standard's error name. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** True for the error a `FetchLike` rejects with when a request ran out of its `timeoutMs`. */
export function isTimeoutError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return true;
  if (err.name === 'TimeoutError') return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== err && cause instanceof Error && isTimeoutError(cause);
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : '';
    return code ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/**
 * A `FetchLike` on undici's `request` rather than its WHATWG `fetch`: the same keep-alive pool at
 * about half the CPU per call (measured in bench/docspace-client.ts), which counts when a worker
 * makes thousands of vendor calls a minute. Redirects are not followed: none of the vendor APIs we
 * call redirect, so a 3xx means the base URL is wrong and is reported, not chased. The timeout is
 * undici's own headers and body timeouts, on its shared coarse timers: an `AbortSignal.timeout`
 * per call cost about a fifth of the client's CPU per request.
 */
export function requestFetch(dispatcher: Dispatcher): FetchLike {
  return async (url, init) => {
    const body =
      init.body === undefined || typeof init.body === 'string' ? (init.body ?? null) : Readable.from(init.body);
    const res = await request(url, {
      method: init.method as Dispatcher.HttpMethod,
      headers: init.headers,
      body,
      headersTimeout: init.timeoutMs,
      bodyTimeout: init.timeoutMs,
      dispatcher,
    });
    return {
      status: res.statusCode,
      headers: new ResponseHeaders(res.headers),
      text: () => res.body.text(),
      body: res.body,
    };
  };
}

/**
 * The keep-alive pool every vendor client uses by default: `connections` per origin, idle
 * connections kept 10 s (at most 60 s when the server allows longer), and opening a connection
 * given up after `connectTimeoutMs` (undici's 10 s when unset).
 */
export function keepAliveAgent(opts: { connections: number; connectTimeoutMs?: number | undefined }): Agent {
  return new Agent({
    connections: opts.connections,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    ...(opts.connectTimeoutMs === undefined ? {} : { connect: { timeout: opts.connectTimeoutMs } }),
  });
}

class ResponseHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
}

export function createHttpTransport(opts: HttpTransportOptions): HttpTransport {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const ownAgent = opts.fetch
    ? undefined
    : keepAliveAgent({ connections: opts.connections ?? 64, connectTimeoutMs: timeoutMs });
  const doFetch: FetchLike = opts.fetch ?? requestFetch(ownAgent as Agent);
  const fixedHeaders = { accept: 'application/json', ...opts.headers };

  return {
    vendor: opts.vendor,
    baseUrl: opts.baseUrl,
    async send(req) {
      const url = buildUrl(opts.baseUrl, req.path, req.query);
      const headers: Record<string, string> = { ...fixedHeaders, ...req.headers };
      let body: string | undefined;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      try {
        const res = await doFetch(url, {
          method: req.method,
          headers,
          ...(body === undefined ? {} : { body }),
          timeoutMs,
        });
        const text = await res.text();
        let json: unknown;
        if (text.length > 0) {
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
        }
        return { status: res.status, headers: res.headers, json, text };
      } catch (err) {
        const timedOut = isTimeoutError(err);
        throw new VendorError({
          vendor: opts.vendor,
          code: timedOut ? 'TIMEOUT' : 'NETWORK',
          message: timedOut
            ? `${opts.vendor} did not answer ${req.method} ${req.path} within ${timeoutMs} ms`
            : `${opts.vendor} could not be reached for ${req.method} ${req.path}: ${describeNetworkError(err)}`,
          method: req.method,
          path: req.path,
          cause: err,
        });
      }
    },
    async close() {
      await ownAgent?.close();
    },
  };
}

/**
 * Builds the error for a non-success response. `vendorMessage` is what the vendor said, already
 * pulled out of its error body by the caller (each vendor wraps it differently).
 */
export function errorFromResponse(
  transport: Pick<HttpTransport, 'vendor'>,
  req: Pick<HttpRequest, 'method' | 'path'>,
  res: Pick<HttpResponse, 'status' | 'headers'>,
  vendorMessage: string | undefined,
): VendorError {
  const code = codeForStatus(res.status);
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const what =
    code === 'UNAUTHORIZED'
      ? 'rejected the credentials'
      : code === 'RATE_LIMITED'
        ? 'is rate limiting us'
        : `answered ${res.status}`;
  const said = vendorMessage ? `: ${vendorMessage}` : '';
  return new VendorError({
    vendor: transport.vendor,
    code,
    statusCode: res.status,
    message: `${transport.vendor} ${what} on ${req.method} ${req.path}${said}`,
    method: req.method,
    path: req.path,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(vendorMessage === undefined ? {} : { vendorMessage }),
  });
}
