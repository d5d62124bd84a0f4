import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths pino blanks out. Headers that carry credentials, and every config field that holds a
 * secret, in case a whole object is logged by mistake. Each helpdesk's own signature headers are
 * its adapter's to name; the apps add them through `redact`.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-ticket-rooms-token"]',
  'headers.authorization',
  'headers.cookie',
  '*.apiKey',
  '*.apiToken',
  '*.password',
  '*.secret',
  '*.secrets',
  '*.token',
  'config',
];

export interface CreateLoggerOptions {
  name: string;
  level?: string;
  destination?: DestinationStream;
  /** Extra redaction paths on top of `REDACT_PATHS`. */
  redact?: string[];
  /**
   * Write to stdout asynchronously (ignored with `destination`): lines logged while a write is in
   * flight go out together in the next one, instead of one blocking write per line. Call
   * `exitAfterFlush` (or `logger.flush`) before exiting; a process killed outright can lose its
   * last lines.
   */
  buffered?: boolean;
  /**
   * With `buffered`: also hold lines until 8 KiB wait or this many milliseconds have passed, so a
   * process logging thousands of lines a second writes them a batch at a time (every write is a
   * trip through libuv's thread pool) rather than almost one line per write. Lines reach stdout
   * at most this late; they are still flushed on exit.
   */
  flushEveryMs?: number;
}

export function createLogger(opts: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: [...REDACT_PATHS, ...(opts.redact ?? [])], censor: '[redacted]' },
    base: { pid: process.pid },
  };
  // At most 8 MiB waits for stdout: if it stalls, lines are dropped rather than held without bound.
  const batch = opts.flushEveryMs ? { minLength: 8 * 1024, periodicFlush: opts.flushEveryMs } : {};
  const destination =
    opts.destination ??
    (opts.buffered ? pino.destination({ dest: 1, sync: false, maxLength: 8 * 1024 * 1024, ...batch }) : undefined);
  return destination ? pino(options, destination) : pino(options);
}

/** Exits once every line logged so far is written (buffered loggers write asynchronously). */
export function exitAfterFlush(logger: Logger, code: number): void {
  // A stalled stdout must not keep the process alive: exit anyway after a second.
  setTimeout(() => process.exit(code), 1_000).unref();
  logger.flush(() => process.exit(code));
}

export type { Logger } from 'pino';
