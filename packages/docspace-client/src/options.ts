import type { FetchLike } from '@ticket-rooms/core';
import type { Dispatcher } from 'undici';
import { z } from 'zod';

/** Where debug lines go; a pino logger fits. Lines carry method, path, status and time, never headers. */
export interface DocspaceLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
}

export interface DocspaceClientOptions {
  /** The portal, e.g. `https://example.onlyoffice.com` (a trailing `/api/2.0` is tolerated). */
  baseUrl: string;
  /** `sk-…`, sent as `Authorization: Bearer …`. Never logged, never in an error. */
  apiKey: string;
  /**
   * Default 10 s: how long to wait for an answer's headers once a request is sent, the longest pause
   * within its body, and (with the client's own pool) the longest a connection may take to open.
   * Past it, the request fails with a retryable `TIMEOUT`.
   */
  timeoutMs?: number;
  /** Replaces the HTTP stack (tests, proxies). With it, `connections` and `dispatcher` do nothing. */
  fetch?: FetchLike;
  /** An undici dispatcher (an `Agent`, a `ProxyAgent`, a `MockAgent`) to send through; the caller closes it. */
  dispatcher?: Dispatcher;
  /** Keep-alive connections to the portal for the built-in dispatcher; default 64. */
  connections?: number;
  /** How long archive, unarchive and delete may run before we stop polling; default 60 s. */
  operationTimeoutMs?: number;
  /** First delay between polls of a background operation; doubles up to 1 s. Default 100 ms. */
  pollIntervalMs?: number;
  logger?: DocspaceLogger;
}

/** Checked once so a misspelt option fails at start-up, not as odd behaviour later. */
export const DocspaceClientOptions = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl must be an http(s) URL' }),
  apiKey: z.string().min(1, 'apiKey is empty'),
  timeoutMs: z.number().int().positive().optional(),
  fetch: z.custom<FetchLike>((v) => typeof v === 'function', 'fetch must be a function').optional(),
  dispatcher: z
    .custom<Dispatcher>((v) => typeof v === 'object' && v !== null, 'dispatcher must be an object')
    .optional(),
  connections: z.number().int().positive().optional(),
  operationTimeoutMs: z.number().int().positive().optional(),
  pollIntervalMs: z.number().int().positive().optional(),
  logger: z
    .custom<DocspaceLogger>(
      (v) => typeof v === 'object' && v !== null && typeof (v as DocspaceLogger).debug === 'function',
    )
    .optional(),
});
