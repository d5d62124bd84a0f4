import { type FetchLike, isTimeoutError, keepAliveAgent, parseRetryAfter, requestFetch } from '@ticket-rooms/core';
import type { Agent } from 'undici';
import type { WorkerMetrics } from '../metrics/metrics';

/** What the vendor fetch waits on before each request, and tells about each 429. */
export interface RequestLimiter {
  /** Resolves when the request may go, with a permit the limiter gets back with its answer. */
  acquire(): Promise<unknown>;
  /** The vendor answered the request (anything but a 429). */
  answered?(permit: unknown): void;
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
  /** With a limiter: how often a refused (429) request is sent again in place; default 3. */
  refusedRetries?: number;
  /** ... when its `Retry-After` is at most this long; default 5 s (longer: the caller decides). */
  maxRetryAfterMs?: number;
}): VendorFetch {
  const agent = opts.fetch
    ? undefined
    : keepAliveAgent({ connections: opts.connections ?? 128, connectTimeoutMs: opts.connectTimeoutMs });
  const inner: FetchLike = opts.fetch ?? requestFetch(agent as Agent);
  const retries = opts.limiter ? (opts.refusedRetries ?? 3) : 0;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 5_000;
  const fetch: FetchLike = async (url, init) => {
    // A 429 refuses a request before the vendor does anything with it, so a request whose body
    // can be sent twice goes again, through the limiter, once its Retry-After has passed: the
    // one call waits, while the rest keep the limiter's pace. Pausing the whole queue instead
    // (what the caller does with a 429 it sees) would cost a second of the budget each time.
    const replayable = typeof init.body !== 'object';
    for (let refusals = 0; ; refusals++) {
      const permit = opts.limiter ? await opts.limiter.acquire() : undefined;
      let res: Awaited<ReturnType<FetchLike>>;
      try {
        res = await inner(url, init);
      } catch (err) {
        const status = isTimeoutError(err) ? 'timeout' : 'network';
        opts.metrics.vendorCalls.inc({ vendor: opts.vendor, method: init.method, status });
        throw err;
      }
      opts.metrics.vendorCalls.inc({ vendor: opts.vendor, method: init.method, status: String(res.status) });
      if (res.status !== 429) {
        opts.limiter?.answered?.(permit);
        return res;
      }
      // Told before anyone sees the 429, so the next reservation is already at the new rate.
      if (opts.limiter?.refused) await opts.limiter.refused(permit);
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after')) ?? 1_000;
      if (refusals >= retries || !replayable || retryAfterMs > maxRetryAfterMs) return res;
      await res.text().catch(() => '');
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
    }
  };
  return { fetch, close: async () => agent?.close() };
}
