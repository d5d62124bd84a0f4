import { Agent, type Dispatcher, request } from 'undici';
import { codeForStatus, parseRetryAfter, VendorError } from './errors';

/** The part of `fetch` the transport uses, so tests and simulators can supply their own. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
    dispatcher?: unknown;
  },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface HttpTransportOptions {
  /** Who we are talking to, for error messages: `docspace`, `zendesk`, … */
  vendor: string;
  baseUrl: string;
  /** Auth and other fixed headers. Never logged, never copied into errors. */
  headers?: Record<string, string>;
  /** Per-request timeout; default 10 s. */
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

function buildUrl(baseUrl: string, path: string, query: HttpRequest['query']): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
      else url.searchParams.set(key, String(value));
    }
  }
  return url.toString();
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
 * call redirect, so a 3xx means the base URL is wrong and is reported, not chased.
 */
export function requestFetch(dispatcher: Dispatcher): FetchLike {
  return async (url, init) => {
    const res = await request(url, {
      method: init.method as Dispatcher.HttpMethod,
      headers: init.headers,
      body: init.body ?? null,
      signal: init.signal ?? null,
      dispatcher,
    });
    return {
      status: res.statusCode,
      headers: {
        get(name: string) {
          const value = res.headers[name.toLowerCase()];
          if (value === undefined) return null;
          return Array.isArray(value) ? value.join(', ') : String(value);
        },
      },
      text: () => res.body.text(),
    };
  };
}

export function createHttpTransport(opts: HttpTransportOptions): HttpTransport {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const ownAgent = opts.fetch
    ? undefined
    : new Agent({ connections: opts.connections ?? 64, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
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
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const res = await doFetch(url, {
          method: req.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal,
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
        const timedOut = signal.aborted;
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
