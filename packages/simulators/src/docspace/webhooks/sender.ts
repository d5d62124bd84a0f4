import { createHmac } from 'node:crypto';
import type { FileState } from '../files';

/** `WebhookTrigger` flags (ASC.Webhooks.Core/WebhookTrigger.cs) the simulator sends. */
export const WEBHOOK_TRIGGERS = {
  '*': 0,
  'file.created': 1 << 7,
  'file.uploaded': 1 << 8,
} as const;
export type SentTrigger = 'file.created' | 'file.uploaded';

/** `DbWebhooksConfig`: what `settings/webhook` creates, lists, updates and deletes. */
export interface WebhookConfigState {
  id: number;
  name: string;
  uri: string;
  secretKey: string;
  enabled: boolean;
  ssl: boolean;
  /** Flags; 0 is "all". */
  triggers: number;
  targetId: string | undefined;
  createdOn: Date;
  lastSuccessOn: Date | undefined;
  lastFailureOn: Date | undefined;
  lastFailureContent: string | undefined;
}

/** Faults on the sending side, set with `PUT /__sim/webhook-faults`. */
export interface WebhookFaults {
  /** Wait this long before each delivery's first attempt. */
  delayMs?: number;
  /** Send each delivery this many times (each a full, separately signed send). */
  duplicates?: number;
  /** Hold deliveries until `flush`, then send them newest first. */
  reorder?: boolean;
}

/** One journal entry (`DbWebhooksLog`): its id is the event id every attempt carries. */
interface Delivery {
  eventId: number;
  config: WebhookConfigState;
  trigger: SentTrigger;
  body: Record<string, unknown>;
}

/** `WebhookSender.GetSecretHash`: `Convert.ToHexString` of the HMAC, which is upper-case hex. */
export function docspaceSignature(secretKey: string, body: string): string {
  return `sha256=${createHmac('sha256', secretKey).update(body, 'utf8').digest('hex').toUpperCase()}`;
}

/** `WebhookPayload` dates are cut to whole seconds (`GetShortUtcNow`). */
function shortUtc(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function triggerNames(flags: number): string[] {
  if (flags === 0) return ['*'];
  return Object.entries(WEBHOOK_TRIGGERS)
    .filter(([, flag]) => flag !== 0 && (flags & flag) !== 0)
    .map(([name]) => name);
}

/**
 * Sends webhook deliveries as `WebhookSender` does: a POST of the camel-cased `WebhookPayload`
 * with `x-docspace-signature-256: sha256=<HEX>`, retried with exponential backoff from 1 s
 * (`webhooks:repeatcount`, default 5) on any non-2xx or network error; each retry carries the
 * retry count and is signed again. A 410 deletes the configuration.
 */
export class WebhookSender {
  readonly configs = new Map<number, WebhookConfigState>();
  faults: WebhookFaults = {};
  /** Counts of attempts by outcome, for tests. */
  readonly sent = { attempts: 0, succeeded: 0, failed: 0 };
  private nextConfigId = 1;
  private nextEventId = 1;
  private held: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: { repeatCount: number; firstDelayMs: number; actorId: string }) {}

  addConfig(
    input: Omit<WebhookConfigState, 'id' | 'createdOn' | 'lastSuccessOn' | 'lastFailureOn' | 'lastFailureContent'>,
  ): WebhookConfigState {
    const config: WebhookConfigState = {
      ...input,
      id: this.nextConfigId++,
      createdOn: new Date(),
      lastSuccessOn: undefined,
      lastFailureOn: undefined,
      lastFailureContent: undefined,
    };
    this.configs.set(config.id, config);
    return config;
  }

  /** `WebhookPublisher.PublishAsync` for a file: one journal entry per enabled configuration that wants the trigger. */
  fileEvent(trigger: SentTrigger, file: FileState): void {
    for (const config of this.configs.values()) {
      if (!config.enabled) continue;
      if (config.triggers !== 0 && (config.triggers & WEBHOOK_TRIGGERS[trigger]) === 0) continue;
      if (config.targetId !== undefined && config.targetId !== String(file.id)) continue;
      const now = new Date();
      const eventId = this.nextEventId++;
      const body = {
        event: {
          id: eventId,
          createOn: shortUtc(now),
          createBy: file.createdBy || this.opts.actorId,
          trigger,
          triggerId: WEBHOOK_TRIGGERS[trigger],
        },
        payload: {
          id: file.id,
          title: file.title,
          parentId: file.folderId,
          folderIdDisplay: file.folderId,
          version: file.version,
          versionGroup: 1,
          contentLength: file.size,
          fileEntryType: 2,
          createBy: file.createdBy,
          createOn: shortUtc(file.created),
          modifiedBy: file.createdBy,
          modifiedOn: shortUtc(file.updated),
        },
        webhook: { id: config.id, name: config.name, url: config.uri, triggers: triggerNames(config.triggers) },
      };
      const delivery: Delivery = { eventId, config, trigger, body };
      if (this.faults.reorder) this.held.push(delivery);
      else this.track(this.deliver(delivery));
    }
  }

  /** Sends what `reorder` held back, newest first. */
  flush(): void {
    const held = this.held.reverse();
    this.held = [];
    for (const d of held) this.track(this.deliver(d));
  }

  /** Resolves once every delivery under way has finished its attempts. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(d: Delivery): Promise<void> {
    if (this.faults.delayMs) await sleep(this.faults.delayMs);
    const copies = Math.max(1, this.faults.duplicates ?? 1);
    await Promise.all(Array.from({ length: copies }, () => this.attempts(d)));
  }

  private async attempts(d: Delivery): Promise<void> {
    let lastError = '';
    let firstFailure: string | undefined;
    for (let retry = 0; retry <= this.opts.repeatCount; retry += 1) {
      if (!this.configs.has(d.config.id)) return;
      const webhook: Record<string, unknown> = { ...(d.body.webhook as object) };
      if (retry > 0) {
        const now = shortUtc(new Date());
        firstFailure ??= now;
        Object.assign(webhook, {
          lastFailureOn: firstFailure,
          lastFailureContent: lastError,
          retryCount: retry,
          retryOn: now,
        });
      }
      const body = JSON.stringify({ ...d.body, webhook });
      this.sent.attempts += 1;
      try {
        const res = await fetch(d.config.uri, {
          method: 'POST',
          headers: {
            accept: '*/*',
            'content-type': 'application/json; charset=utf-8',
            'x-docspace-signature-256': docspaceSignature(d.config.secretKey, body),
          },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.sent.succeeded += 1;
          d.config.lastSuccessOn = new Date();
          return;
        }
        if (res.status === 410) {
          this.configs.delete(d.config.id);
          return;
        }
        lastError = `Response status code does not indicate success: ${res.status}.`;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      d.config.lastFailureOn = new Date();
      d.config.lastFailureContent = lastError;
      if (retry < this.opts.repeatCount) await sleep(this.opts.firstDelayMs * 2 ** retry);
    }
    this.sent.failed += 1;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
