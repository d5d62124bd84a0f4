import { type CreateLoggerOptions, createLogger, type Logger } from '@ticket-rooms/core';
import { helpdeskRedactPaths } from '@ticket-rooms/helpdesk';

/** The receiver's logger: core's redactions plus every header a helpdesk authenticates with. */
export function createReceiverLogger(opts: CreateLoggerOptions): Logger {
  return createLogger({ ...opts, redact: [...helpdeskRedactPaths(), ...(opts.redact ?? [])] });
}
