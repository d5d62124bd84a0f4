import type { Logger } from '@ticket-rooms/core';
import type { Delivery } from '../sender/build';

/** Where a helpdesk simulator sends its webhooks, and what it signs them with. */
export interface WebhookTarget {
  /** The receiver's base URL; each delivery goes to its vendor route under it (`/webhooks/zendesk`). */
  url: string;
  /** Zendesk's signing secret or Jira's webhook secret. */
  secret?: string;
  /** Freshdesk's rule token (sent as `x-ticket-rooms-token`). */
  token?: string;
  /** The tenant the deliveries name: Zendesk account id, Jira site host, Freshdesk host. */
  tenant?: string;
  /**
   * Pauses before each retry of a failed delivery. The vendors retry a few times over minutes to
   * an hour; the default compresses that to seconds.
   */
  retryDelaysMs?: readonly number[];
  /** Per-attempt timeout. Default 10 s, under Zendesk's 12. */
  timeoutMs?: number;
}

const DEFAULT_RETRY_DELAYS_MS = [250, 1_000, 4_000];

/**
 * Sends a simulator's webhooks as the vendor does: after the API has answered, never in its way;
 * a failed attempt (a network error, a timeout, any non-2xx) is retried a few times, and each
 * attempt is built anew so it is signed as the vendor signs a retry (a fresh Zendesk timestamp,
 * Jira's retry counter) while keeping the vendor's delivery id.
 */
export class WebhookSender {
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly target: WebhookTarget,
    private readonly logger: Logger | false,
  ) {}

  /** Queues one delivery; `build(attempt)` makes attempt 0, 1, … */
  send(build: (attempt: number) => Delivery): void {
    if (this.closed) return;
    const run = this.deliver(build).finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Resolves once every delivery queued so far has succeeded or given up. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops retrying; attempts in flight are abandoned. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async deliver(build: (attempt: number) => Delivery): Promise<void> {
    const delays = this.target.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    for (let attempt = 0; attempt <= delays.length && !this.closed; attempt += 1) {
      if (attempt > 0 && !(await this.pause(delays[attempt - 1] ?? 0))) return;
      const delivery = build(attempt);
      const outcome = await this.post(delivery);
      if (outcome === 'ok') return;
      if (this.logger) this.logger.warn({ path: delivery.path, attempt, outcome }, 'webhook delivery failed');
    }
  }

  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(false);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(!this.closed);
      }, ms);
      this.timers.add(timer);
    });
  }

  private async post(delivery: Delivery): Promise<'ok' | string> {
    try {
      const res = await fetch(`${this.target.url.replace(/\/+$/, '')}${delivery.path}`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(this.target.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? 'ok' : `status ${res.status}`;
    } catch (err) {
      return (err as Error).name;
    }
  }
}
