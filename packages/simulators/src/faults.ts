import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TokenBucket } from './token-bucket';

/**
 * Faults a simulator injects, as per-request probabilities. Set at start and changed at run time
 * with `PUT /__sim/faults`; `{}` turns them all off.
 */
export const FaultConfig = z
  .object({
    /** Added to every request before it is handled. */
    latencyMs: z.number().min(0).max(60_000).optional(),
    /** 502 with an HTML body, as a reverse proxy in front of the vendor would answer. */
    errorRate: z.number().min(0).max(1).optional(),
    /** 429 with `Retry-After: retryAfterSeconds` and no body. */
    rateLimitRate: z.number().min(0).max(1).optional(),
    retryAfterSeconds: z.number().min(0).max(3_600).optional(),
    /** Every request is answered 429 for this many seconds from when the config is set. */
    rateLimitForSeconds: z.number().min(0).max(3_600).optional(),
    /**
     * A portal's request budget, a token bucket: over it, `429` with `Retry-After` (whole seconds
     * until the next token, at least 1), whatever the other faults. Independent of `limit`.
     */
    rateLimit: z
      .object({ perSecond: z.number().positive().max(1_000_000), burst: z.number().int().min(1).max(1_000_000) })
      .strict()
      .optional(),
    /** The request is never answered; the connection is closed after `hangMs` (default 30 s). */
    hangRate: z.number().min(0).max(1).optional(),
    hangMs: z.number().min(0).max(300_000).optional(),
    /** Writes only: the change is made, then the connection is destroyed before any response. */
    dropAfterCommitRate: z.number().min(0).max(1).optional(),
    /** Faults hit only requests whose path starts with this (an upload handler, a download route). */
    only: z.string().min(1).max(500).optional(),
    /** At most this many faults are injected under this config (then the vendor behaves again). */
    limit: z.number().int().min(1).optional(),
    /** Seeds the random choices so a failing run can be replayed. */
    seed: z.number().int().optional(),
  })
  .strict();
export type FaultConfig = z.infer<typeof FaultConfig>;

/** A small seedable PRNG (mulberry32): the same seed gives the same sequence of faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultKind = 'error' | 'rateLimit' | 'hang' | 'dropAfterCommit' | 'overBudget';

export class Faults {
  private config: FaultConfig = {};
  private random: () => number = Math.random;
  private rateLimitUntil = 0;
  private injectedUnderConfig = 0;
  private bucket: TokenBucket | undefined;
  /** Seconds in the `Retry-After` of the last refusal over the budget. */
  private budgetRetryAfter = 1;
  readonly injected: Record<FaultKind, number> = {
    error: 0,
    rateLimit: 0,
    hang: 0,
    dropAfterCommit: 0,
    overBudget: 0,
  };

  constructor(initial: FaultConfig = {}) {
    this.set(initial);
  }

  set(config: FaultConfig): void {
    this.config = FaultConfig.parse(config);
    this.random = config.seed === undefined ? Math.random : seededRandom(config.seed);
    this.rateLimitUntil = config.rateLimitForSeconds ? Date.now() + config.rateLimitForSeconds * 1000 : 0;
    this.injectedUnderConfig = 0;
    this.bucket = config.rateLimit ? new TokenBucket(config.rateLimit.perSecond, config.rateLimit.burst) : undefined;
  }

  /** Whether a request to `url` may be faulted: it matches `only` and the `limit` is not reached. */
  private applies(url: string | undefined): boolean {
    if (this.config.only !== undefined && !(url ?? '').startsWith(this.config.only)) return false;
    return this.config.limit === undefined || this.injectedUnderConfig < this.config.limit;
  }

  private counted<T>(fault: T): T {
    if (fault) this.injectedUnderConfig += 1;
    return fault;
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  private roll(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }

  /**
   * Takes a token of the request budget, when there is one, as the request arrives: a portal
   * counts requests at its door, before any work (or the simulated latency) on them. False when
   * the request is over the budget.
   */
  admit(url?: string): boolean {
    if (!this.bucket || (this.config.only !== undefined && !(url ?? '').startsWith(this.config.only))) return true;
    const waitMs = this.bucket.take();
    if (waitMs === 0) return true;
    this.budgetRetryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    return false;
  }

  /** Decides what happens to a request before it reaches its handler. */
  beforeHandler(url?: string): Exclude<FaultKind, 'dropAfterCommit' | 'overBudget'> | undefined {
    if (!this.applies(url)) return undefined;
    if (this.rateLimitUntil > Date.now()) return 'rateLimit';
    if (this.roll(this.config.rateLimitRate)) return this.counted('rateLimit');
    if (this.roll(this.config.errorRate)) return this.counted('error');
    if (this.roll(this.config.hangRate)) return this.counted('hang');
    return undefined;
  }

  afterCommit(method: string, url?: string): boolean {
    if (method === 'GET' || method === 'HEAD' || !this.applies(url)) return false;
    return this.counted(this.roll(this.config.dropAfterCommitRate));
  }

  get latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  get retryAfterSeconds(): number {
    return this.config.retryAfterSeconds ?? 1;
  }

  get overBudgetRetryAfterSeconds(): number {
    return this.budgetRetryAfter;
  }

  get hangMs(): number {
    return this.config.hangMs ?? 30_000;
  }
}

export class RequestStats {
  private byRoute = new Map<string, number>();
  private byStatus = new Map<number, number>();
  total = 0;

  count(method: string, route: string): void {
    this.total += 1;
    const key = `${method} ${route}`;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
  }

  status(code: number): void {
    this.byStatus.set(code, (this.byStatus.get(code) ?? 0) + 1);
  }

  toJSON(): { total: number; byRoute: Record<string, number>; byStatus: Record<string, number> } {
    return {
      total: this.total,
      byRoute: Object.fromEntries(this.byRoute),
      byStatus: Object.fromEntries([...this.byStatus].map(([k, v]) => [String(k), v])),
    };
  }

  reset(): void {
    this.byRoute.clear();
    this.byStatus.clear();
    this.total = 0;
  }
}

const PROXY_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

function isControlRoute(req: FastifyRequest): boolean {
  return req.url.startsWith('/__sim/');
}

/**
 * Installs fault injection, request counting and the `/__sim/faults` and `/__sim/stats` control
 * routes on a simulator. Control routes are never faulted and need no credentials.
 */
export function installFaults(app: FastifyInstance, faults: Faults, stats: RequestStats): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (isControlRoute(req)) return;
    stats.count(req.method, req.routeOptions.url ?? 'unmatched');
    const admitted = faults.admit(req.url);
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const fault = admitted ? faults.beforeHandler(req.url) : 'overBudget';
    if (fault === undefined) return;
    faults.injected[fault] += 1;
    if (fault === 'rateLimit') {
      return reply.code(429).header('retry-after', String(faults.retryAfterSeconds)).send();
    }
    if (fault === 'overBudget') {
      return reply.code(429).header('retry-after', String(faults.overBudgetRetryAfterSeconds)).send();
    }
    if (fault === 'error') {
      return reply.code(502).type('text/html').send(PROXY_502);
    }
    // hang: hold the request, then drop the connection without an answer.
    reply.hijack();
    const timer = setTimeout(() => req.raw.socket?.destroy(), faults.hangMs);
    req.raw.socket?.once('close', () => clearTimeout(timer));
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (isControlRoute(req)) return payload;
    stats.status(reply.statusCode);
    if (reply.statusCode < 400 && faults.afterCommit(req.method, req.url)) {
      faults.injected.dropAfterCommit += 1;
      // The handler has already committed the change; the client never hears about it.
      req.raw.socket?.destroy();
    }
    return payload;
  });

  app.put('/__sim/faults', async (req, reply) => {
    const parsed = FaultConfig.safeParse(req.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({ error: 'invalid fault config', issues: parsed.error.issues });
    }
    faults.set(parsed.data);
    return { faults: faults.get() };
  });
  app.get('/__sim/faults', async () => ({ faults: faults.get(), injected: faults.injected }));
  app.get('/__sim/stats', async () => ({ ...stats.toJSON(), injected: faults.injected }));
  app.post('/__sim/stats/reset', async () => {
    stats.reset();
    return { ok: true };
  });
}
