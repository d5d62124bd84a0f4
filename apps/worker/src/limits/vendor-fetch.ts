import type { FetchLike } from '@ticket-rooms/core';
import { Agent, type Dispatcher, request } from 'undici';
import type { WorkerMetrics } from '../metrics/metrics';
import type { SharedRateLimiter } from './shared-rate-limiter';

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
  limiter?: SharedRateLimiter;
  /** Keep-alive connections per origin; enough for the worker's concurrency. */
  connections?: number;
  /** The underlying fetch; undici's `request` on a keep-alive pool of our own by default. */
  fetch?: FetchLike;
}): VendorFetch {
  const agent = opts.fetch
    ? undefined
    : new Agent({ connections: opts.connections ?? 128, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
  const inner: FetchLike = opts.fetch ?? requestFetch(agent as Agent);
  const fetch: FetchLike = async (url, init) => {
    if (opts.limiter) await opts.limiter.acquire();
    try {
      const res = await inner(url, init);
      opts.metrics.vendorCalls.inc({ vendor: opts.vendor, method: init.method, status: String(res.status) });
      return res;
    } catch (err) {
      const status = init.signal?.aborted ? 'timeout' : 'network';
      opts.metrics.vendorCalls.inc({ vendor: opts.vendor, method: init.method, status });
      throw err;
    }
  };
  return { fetch, close: async () => agent?.close() };
}

/**
 * `FetchLike` on undici's `request`: the same pool as its `fetch` at about half the CPU per call,
 * which counts when a worker makes thousands of vendor calls a minute. Redirects are not followed:
 * none of the vendor APIs we call redirect, so a 3xx is reported as the error it is.
 */
function requestFetch(dispatcher: Dispatcher): FetchLike {
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
