import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths pino blanks out. Headers that carry credentials or signatures, and every config field
 * that holds a secret, in case a whole object is logged by mistake.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-zendesk-webhook-signature"]',
  'req.headers["x-hub-signature"]',
  'req.headers["webhook-signature"]',
  'req.headers["x-ticket-rooms-token"]',
  'req.headers["x-freshdesk-token"]',
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
   * flight go out together in the next one, instead of one blocking write per line. pino writes
   * what is left when the process exits; a process killed outright can lose its last lines.
   */
  buffered?: boolean;
}

export function createLogger(opts: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: [...REDACT_PATHS, ...(opts.redact ?? [])], censor: '[redacted]' },
    base: { pid: process.pid },
  };
  const destination = opts.destination ?? (opts.buffered ? pino.destination({ dest: 1, sync: false }) : undefined);
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger } from 'pino';
