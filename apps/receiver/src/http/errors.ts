/**
 * Every error the receiver answers with: a stable code, its HTTP status and whether the sender
 * should try again. The wire body is always `{"status":"error","code":"RCV_ERR_…","message":"…"}`,
 * whether the error came from our handlers, from a helpdesk rejection or from Fastify itself.
 */
export const RECEIVER_ERRORS = {
  JSON_INVALID: { status: 400, retryable: false },
  BAD_REQUEST: { status: 400, retryable: false },
  UNAUTHORIZED: { status: 401, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  TICKET_NOT_FOUND: { status: 404, retryable: false },
  /** The same source and id under several tenants: the caller names one. */
  TICKET_AMBIGUOUS: { status: 409, retryable: false },
  /** A write through the admin API while `DASHBOARD_READ_ONLY` is on. */
  READ_ONLY: { status: 405, retryable: false },
  BODY_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  INTERNAL: { status: 500, retryable: true },
  /** A helpdesk parser threw: our bug, so the sender keeps the delivery and retries it. */
  PARSER_FAILED: { status: 500, retryable: true },
  REDIS_UNAVAILABLE: { status: 503, retryable: true },
  NOT_REPLICATED: { status: 503, retryable: true },
  SHUTTING_DOWN: { status: 503, retryable: true },
} as const;

export type ReceiverErrorName = keyof typeof RECEIVER_ERRORS;

/** Seconds a sender is asked to wait after a 503. Some helpdesks retry only when this is under 60. */
export const RETRY_AFTER_SECONDS = 5;

/** The wire code of a catalogue entry or of a helpdesk rejection code. */
export function wireCode(name: string): string {
  return `RCV_ERR_${name}`;
}

export class ReceiverError extends Error {
  override readonly name = 'ReceiverError';
  /** The wire code, e.g. `RCV_ERR_REDIS_UNAVAILABLE`. */
  readonly code: string;
  readonly statusCode: number;
  readonly retryable: boolean;

  constructor(code: string, statusCode: number, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.statusCode = statusCode;
    this.retryable = opts.retryable ?? statusCode >= 500;
  }

  static of(name: ReceiverErrorName, message: string, cause?: unknown): ReceiverError {
    const entry = RECEIVER_ERRORS[name];
    return new ReceiverError(wireCode(name), entry.status, message, { retryable: entry.retryable, cause });
  }

  toBody(): { status: 'error'; code: string; message: string } {
    return { status: 'error', code: this.code, message: this.message };
  }
}

export function isReceiverError(err: unknown): err is ReceiverError {
  return err instanceof ReceiverError;
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/**
 * Maps whatever reached the error handler to a catalogue error, so Fastify's own 400/404/413/415
 * come out in our shape. Unknown errors become a 500 whose message reveals nothing internal.
 */
export function toReceiverError(err: unknown, bodyLimitBytes: number): ReceiverError {
  if (isReceiverError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as FastifyLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ReceiverError.of(
        'BODY_TOO_LARGE',
        `The body is larger than the limit of ${bodyLimitBytes} bytes (BODY_LIMIT).`,
        err,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ReceiverError.of(
        'UNSUPPORTED_MEDIA_TYPE',
        'The Content-Type must be application/json; send the delivery as JSON.',
        err,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ReceiverError.of('JSON_INVALID', 'The body is not valid JSON.', err);
    case 'FST_ERR_NOT_FOUND':
      return ReceiverError.of('NOT_FOUND', 'There is no such route.', err);
    case 'FST_BASIC_AUTH_MISSING_OR_BAD_AUTHORIZATION_HEADER':
      return ReceiverError.of('UNAUTHORIZED', 'This page needs the dashboard credentials (HTTP basic auth).', err);
  }
  if (code.startsWith('FST_ERR_CTP_') || (status >= 400 && status < 500 && status !== 401)) {
    // Malformed Content-Length, bad encodings and the like: the sender's mistake, not ours.
    return ReceiverError.of('BAD_REQUEST', 'The request is malformed.', err);
  }
  if (status === 401) {
    return ReceiverError.of('UNAUTHORIZED', 'The credentials are missing or wrong.', err);
  }
  return ReceiverError.of('INTERNAL', 'The receiver failed unexpectedly; try again later.', err);
}
