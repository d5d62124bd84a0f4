import { createWriteStream, type WriteStream } from 'node:fs';
import type { Delivery } from '@ticket-rooms/simulators';
import { HttpClient } from './http-client';

export interface SenderOptions {
  baseUrl: string;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** How long one attempt may take before the sender gives up on it and retries (Zendesk: 10 s). */
  attemptTimeoutMs?: number;
  /** Every non-2xx answer body is appended here, for the secret scan. */
  responsesFile?: string;
  /** Stop retrying after this moment (epoch ms). */
  giveUpAt?: number;
  /** Sees every attempt's status (0: no answer) as it arrives. */
  onAnswer?: (status: number, at: number) => void;
}

export interface DeliveryResult {
  /** The final status: 202 when acknowledged, a 4xx when refused, 0 when we gave up. */
  status: number;
  jobId?: string;
  duplicate?: boolean;
  attempts: number;
  firstAttemptAt: number;
  ackedAt?: number;
  body: string;
}

export interface SenderStats {
  attempts: number;
  acknowledged: number;
  /** Answers by status; `network` counts attempts that got no answer (reset, refused, timeout). */
  byStatus: Record<string, number>;
  retries: number;
  /** Deliveries that ended in a 4xx: for a correctly signed delivery, a bug. */
  refused: Array<{ status: number; body: string }>;
  gaveUp: number;
  /** 5xx other than 503. */
  serverErrors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Posts deliveries the way helpdesks do: an attempt that gets no answer, a 5xx or a 503 is
 * retried with a small backoff (honouring `Retry-After`) until a 2xx arrives; a 4xx is final.
 */
export class Sender {
  readonly stats: SenderStats = {
    attempts: 0,
    acknowledged: 0,
    byStatus: {},
    retries: 0,
    refused: [],
    gaveUp: 0,
    serverErrors: 0,
  };
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly responses: WriteStream | undefined;
  private readonly client: HttpClient;

  constructor(private readonly opts: SenderOptions) {
    this.responses = opts.responsesFile ? createWriteStream(opts.responsesFile, { flags: 'a' }) : undefined;
    const url = new URL(opts.baseUrl);
    // node:http keep-alive: a fraction of fetch's CPU per request, which matters in a flood.
    this.client = new HttpClient(url.hostname, Number(url.port), opts.concurrency);
  }

  private async slot(): Promise<void> {
    if (this.inFlight < this.opts.concurrency) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }

  private count(key: string): void {
    this.stats.byStatus[key] = (this.stats.byStatus[key] ?? 0) + 1;
  }

  /** Delivers until acknowledged, refused, or `giveUpAt`. `make` builds each attempt afresh. */
  async deliver(make: () => Delivery): Promise<DeliveryResult> {
    await this.slot();
    try {
      return await this.attemptUntilDone(make);
    } finally {
      this.release();
    }
  }

  private async attemptUntilDone(make: () => Delivery): Promise<DeliveryResult> {
    const firstAttemptAt = Date.now();
    let attempts = 0;
    for (;;) {
      attempts += 1;
      this.stats.attempts += 1;
      if (attempts > 1) this.stats.retries += 1;
      const delivery = make();
      let status = 0;
      let body = '';
      let retryAfterMs: number | undefined;
      const answer = await this.client.send(
        'POST',
        delivery.path,
        delivery.headers,
        Buffer.from(delivery.body),
        this.opts.attemptTimeoutMs ?? 10_000,
      );
      status = Math.max(answer.status, 0);
      body = answer.body;
      if (answer.retryAfter !== undefined) retryAfterMs = answer.retryAfter * 1000;
      this.count(status === 0 ? 'network' : String(status));
      this.opts.onAnswer?.(status, Date.now());
      if (status >= 200 && status < 300) {
        this.stats.acknowledged += 1;
        const json = safeJson(body) as { jobId?: string; duplicate?: boolean } | undefined;
        return {
          status,
          ...(json?.jobId ? { jobId: json.jobId } : {}),
          ...(json?.duplicate === undefined ? {} : { duplicate: json.duplicate }),
          attempts,
          firstAttemptAt,
          ackedAt: Date.now(),
          body,
        };
      }
      if (status !== 0) this.responses?.write(`${status} ${body}\n`);
      if (status >= 500 && status !== 503) this.stats.serverErrors += 1;
      if (status >= 400 && status < 500) {
        this.stats.refused.push({ status, body: body.slice(0, 300) });
        return { status, attempts, firstAttemptAt, body };
      }
      if (this.opts.giveUpAt !== undefined && Date.now() > this.opts.giveUpAt) {
        this.stats.gaveUp += 1;
        return { status: 0, attempts, firstAttemptAt, body };
      }
      // No answer or a 5xx: back off (capped, jittered), as the helpdesks' retry schedules do.
      const backoff = Math.min(3_000, 100 * 2 ** Math.min(attempts, 5)) * (0.5 + Math.random() / 2);
      await sleep(Math.min(retryAfterMs ?? backoff, 5_000));
    }
  }

  async close(): Promise<void> {
    this.client.close();
    const responses = this.responses;
    if (responses) await new Promise<void>((resolve) => responses.end(() => resolve()));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
