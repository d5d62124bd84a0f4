import { codeForStatus, parseRetryAfter, VendorError, type VendorErrorCode } from '@ticket-rooms/core';

export const VENDOR = 'docspace';

export interface DocspaceErrorInit {
  code: VendorErrorCode;
  message: string;
  method: string;
  path: string;
  statusCode?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  vendorMessage?: string;
  /** The background operation (archive, unarchive, delete) that failed, when there was one. */
  operationId?: string;
  cause?: unknown;
}

/**
 * Every failure the DocSpace client reports. It is a `VendorError` (vendor `docspace`), so the
 * worker maps it to queue behaviour by `code` and `retryable` like any other vendor's error.
 * Messages name the request and what DocSpace said, never the API key.
 */
export class DocspaceError extends VendorError {
  readonly operationId: string | undefined;

  constructor(init: DocspaceErrorInit) {
    super({ ...init, vendor: VENDOR });
    this.operationId = init.operationId;
  }

  override toJSON(): Record<string, unknown> {
    return this.operationId === undefined ? super.toJSON() : { ...super.toJSON(), operationId: this.operationId };
  }
}

export function isDocspaceError(err: unknown): err is DocspaceError {
  return err instanceof DocspaceError;
}

export interface RequestInfo {
  method: string;
  path: string;
}

export interface ResponseInfo {
  status: number;
  headers: { get(name: string): string | null };
  json: unknown;
  text: string;
}

const MAX_VENDOR_MESSAGE = 500;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What DocSpace said, from whichever body it sent: the error envelope's `error.message`, the
 * validation body's `response.title` and `response.errors`, or the `<title>` of a proxy's HTML page.
 */
export function vendorMessageOf(json: unknown, text: string): string | undefined {
  let said: string | undefined;
  if (isRecord(json)) {
    const error = json.error;
    const response = json.response;
    if (isRecord(error) && typeof error.message === 'string' && error.message !== '') {
      said = error.message;
    } else if (isRecord(response) && typeof response.title === 'string') {
      const details: string[] = [];
      if (isRecord(response.errors)) {
        for (const [field, messages] of Object.entries(response.errors)) {
          const list = Array.isArray(messages) ? messages.filter((m) => typeof m === 'string') : [];
          details.push(field ? `${field}: ${list.join(' ')}` : list.join(' '));
        }
      }
      said = details.length > 0 ? `${response.title} ${details.join('; ')}` : response.title;
    } else if (typeof error === 'string' && error !== '') {
      said = error;
    }
  } else if (text) {
    const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    if (title) said = title;
  }
  return said === undefined ? undefined : said.slice(0, MAX_VENDOR_MESSAGE);
}

function describe(code: VendorErrorCode, status: number, req: RequestInfo, retryAfterMs: number | undefined): string {
  const on = `${req.method} ${req.path}`;
  switch (code) {
    case 'UNAUTHORIZED':
      return `DocSpace rejected the API key (401) on ${on}; check that the key is right, active and not expired`;
    case 'FORBIDDEN':
      return `DocSpace refused ${on} (403)`;
    case 'NOT_FOUND':
      return `DocSpace found nothing at ${on} (404)`;
    case 'BAD_REQUEST':
      return `DocSpace rejected ${on} as invalid (${status})`;
    case 'PAYMENT_REQUIRED':
      return `DocSpace refused ${on} because of the portal's tariff (402)`;
    case 'RATE_LIMITED':
      return `DocSpace is rate limiting us on ${on} (429)${retryAfterMs === undefined ? '' : `; retry after ${retryAfterMs} ms`}`;
    default:
      return `DocSpace answered ${status} on ${on}`;
  }
}

/**
 * Maps a DocSpace answer that is an error (HTTP ≥ 400, or `status: 1` in the body of any status)
 * to a `DocspaceError`. The HTTP status decides the code; when DocSpace reports an error inside a
 * 2xx, the `statusCode` it puts in the body does.
 */
export function toDocspaceError(req: RequestInfo, res: ResponseInfo): DocspaceError {
  const body = isRecord(res.json) ? res.json : undefined;
  const bodyStatus = typeof body?.statusCode === 'number' ? body.statusCode : undefined;
  const status =
    res.status >= 400 ? res.status : bodyStatus !== undefined && bodyStatus >= 400 ? bodyStatus : undefined;
  const vendorMessage = vendorMessageOf(res.json, res.text);
  const said = vendorMessage ? `: ${vendorMessage}` : '';
  if (status === undefined) {
    // `status: 1` without an error status: DocSpace says it failed, and nothing says a retry helps.
    return new DocspaceError({
      code: 'API_ERROR',
      statusCode: res.status,
      retryable: false,
      message: `DocSpace reported a failure on ${req.method} ${req.path}${said}`,
      method: req.method,
      path: req.path,
      ...(vendorMessage === undefined ? {} : { vendorMessage }),
    });
  }
  const code = codeForStatus(status);
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  return new DocspaceError({
    code,
    statusCode: status,
    message: `${describe(code, status, req, retryAfterMs)}${said}`,
    method: req.method,
    path: req.path,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(vendorMessage === undefined ? {} : { vendorMessage }),
  });
}

/** Re-labels the transport's network and timeout errors as DocSpace errors, keeping their cause. */
export function fromTransportError(err: unknown, req: RequestInfo): DocspaceError {
  if (err instanceof DocspaceError) return err;
  if (err instanceof VendorError) {
    return new DocspaceError({
      code: err.code,
      message: err.message.replace(/^docspace\b/, 'DocSpace'),
      method: err.method,
      path: err.path,
      retryable: err.retryable,
      ...(err.statusCode === undefined ? {} : { statusCode: err.statusCode }),
      cause: err.cause ?? err,
    });
  }
  return new DocspaceError({
    code: 'NETWORK',
    message: `DocSpace could not be reached for ${req.method} ${req.path}: ${err instanceof Error ? err.message : String(err)}`,
    method: req.method,
    path: req.path,
    cause: err,
  });
}
