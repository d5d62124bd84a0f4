/**
 * One error type for every outbound call (DocSpace and the helpdesks). The worker maps it to queue
 * behaviour in one place, by `code` and `retryable`, never by message text.
 */
export type VendorErrorCode =
  | 'NETWORK'
  | 'TIMEOUT'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'CONFLICT'
  | 'PAYMENT_REQUIRED'
  | 'CLIENT_ERROR'
  | 'INVALID_RESPONSE'
  | 'API_ERROR';

export interface VendorErrorInit {
  vendor: string;
  code: VendorErrorCode;
  message: string;
  method: string;
  path: string;
  statusCode?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  vendorMessage?: string;
  cause?: unknown;
}

export class VendorError extends Error {
  override readonly name = 'VendorError';
  readonly vendor: string;
  readonly code: VendorErrorCode;
  readonly statusCode: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly vendorMessage: string | undefined;

  constructor(init: VendorErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.vendor = init.vendor;
    this.code = init.code;
    this.statusCode = init.statusCode;
    this.retryable = init.retryable ?? isRetryableCode(init.code);
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.path = init.path;
    this.vendorMessage = init.vendorMessage;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      vendor: this.vendor,
      code: this.code,
      message: this.message,
      statusCode: this.statusCode,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      method: this.method,
      path: this.path,
      vendorMessage: this.vendorMessage,
    };
  }
}

export function isVendorError(err: unknown): err is VendorError {
  return err instanceof VendorError;
}

function isRetryableCode(code: VendorErrorCode): boolean {
  return code === 'NETWORK' || code === 'TIMEOUT' || code === 'RATE_LIMITED' || code === 'SERVER_ERROR';
}

/**
 * The one retry rule: network errors, timeouts, 408, 425, 429 and 5xx are worth another try;
 * every other 4xx will fail the same way again.
 */
export function codeForStatus(status: number): VendorErrorCode {
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408) return 'TIMEOUT';
  if (status === 425 || status >= 500) return 'SERVER_ERROR';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 402) return 'PAYMENT_REQUIRED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 400 || status === 422) return 'BAD_REQUEST';
  return 'CLIENT_ERROR';
}

export function isRetryableStatus(status: number): boolean {
  return isRetryableCode(codeForStatus(status));
}

/**
 * `Retry-After` as milliseconds: either delta-seconds or an HTTP date. Unparseable or negative
 * values give `undefined`, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date always names a day or month; bare numbers that failed above (negative) are junk.
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Capped exponential backoff with full jitter. `attempt` starts at 1. */
export function backoffMs(attempt: number, opts: { baseMs: number; capMs: number; random?: () => number }): number {
  const random = opts.random ?? Math.random;
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half jitter: never zero, never above the cap.
  return Math.round(exp / 2 + random() * (exp / 2));
}
