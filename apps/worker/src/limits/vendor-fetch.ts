import { type FetchLike, isTimeoutError, keepAliveAgent, requestFetch } from '@ticket-rooms/core';
import type { Agent } from 'undici';
import type { WorkerMetrics } from '../metrics/metrics';

/** What the vendor fetch waits on before each request, and tells about each 429. */
export interface RequestLimiter {
  /** Resolves when the request may go, with a permit the limiter gets back with a 429. */
  acquire(): Promise<unknown>;
  refused?(permit: unknown): Promise<unknown>;
}

export interface VendorFetch {
  fetch: FetchLike;
  close(): Promise<void>;
}

/**
 * The `fetch` handed to a vendor client: every request waits for the shared rate limiter (when
 * there is one) and is counted by status. Doing it here, under the clients, catches every
 * request, including the pages of a listing.
 */
export function createVendorFetch(opts: {
  vendor: string;
  metrics: WorkerMetrics;
  limiter?: RequestLimiter;
  /** Keep-alive connections per origin; enough for the worker's concurrency. */
  connections?: number;
  /** How long opening a connection may take; undici's default (10 s) when unset. */
  connectTimeoutMs?: number;
  /** The underlying fetch; undici's `request` on a keep-alive pool of our own by default. */
  fetch?: FetchLike;
}): VendorFetch {
  const agent = opts.fetch
    ? undefined
    : keepAliveAgent({ connections: opts.connections ?? 128, connectTimeoutMs: opts.connectTimeoutMs });
  const inner: FetchLike = opts.fetch ?? requestFetch(agent as Agent);
  const fetch: FetchLike = async (url, init) => {
    const permit = opts.limiter ? await opts.limiter.acquire() : undefined;
    try {
      const res = await inner(url, init);
      opts.metrics.vendorCalls.inc({ vendor: opts.vendor, method: init.method, status: String(res.status) });
      // Told before the caller sees the 429, so the next reservation is already at the new rate.
      if (res.status === 429 && opts.limiter?.refused) await opts.limiter.refused(permit);
      return res;
    } catch (err) {
      const status = isTimeoutError(err) ? 'timeout' : 'network';
      opts.metrics.vendorCalls.inc({ vendor: opts.vendor, method: init.method, status });
      throw err;
    }
  };
  return { fetch, close: async () => agent?.close() };
}
