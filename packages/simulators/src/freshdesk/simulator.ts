import type { Logger } from '@ticket-rooms/core';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { buildDelivery } from '../sender/build';
import { SimAttachments } from '../shared/attachments';
import { type SimulatorServer, withLifecycle } from '../shared/lifecycle';
import { WebhookSender, type WebhookTarget } from '../shared/webhooks';
import { buildFreshdeskApp, FRESHDESK_STATUS_LABELS, type FreshdeskChange } from './app';
import { FreshdeskStore } from './store';

export interface FreshdeskSimulatorOptions {
  /** Clients authenticate as `{apiKey}:X`. */
  apiKey: string;
  faults?: FaultConfig;
  logger?: Logger | false;
  /**
   * The automation rules of `docs/helpdesk-setup.md` (ticket creation, ticket updates), pointed
   * here: every creation, status and subject change made through the API is sent with the
   * documented bodies and `token` as the `x-ticket-rooms-token` header.
   */
  webhook?: WebhookTarget;
}

export interface FreshdeskSimulator extends SimulatorServer {
  /** The tickets, for seeding large data sets; tests read through the HTTP API. */
  readonly store: FreshdeskStore;
  /** Attached files and their bytes (on disk until close). */
  readonly attachments: SimAttachments;
  /** Resolves once every webhook sent so far was delivered or given up. */
  webhooksIdle(): Promise<void>;
}

const label = (status: number) => FRESHDESK_STATUS_LABELS[status] ?? String(status);

/** The rule's delivery of one change; Freshdesk repeats the same body on a retry. */
function freshdeskWebhook(target: WebhookTarget, change: FreshdeskChange) {
  const { ticket } = change;
  const snapshot = { id: String(ticket.id), subject: ticket.subject, status: label(ticket.status) };
  const occurredAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const delivery = buildDelivery('freshdesk', {
    ticketId: snapshot.id,
    subject: snapshot.subject,
    ...(target.token ? { token: target.token } : {}),
    ...(target.tenant ? { tenant: target.tenant } : {}),
    kind: change.kind,
    ...(change.kind === 'created' ? {} : { status: snapshot.status, occurredAt }),
    ...(change.kind === 'status' ? { previousStatus: label(change.previous) } : {}),
  });
  return () => delivery;
}

/**
 * A local Freshdesk: create and show tickets, add private notes and list conversations (with the
 * `Link` header paging), with Freshdesk's auth and validation bodies, plus fault injection
 * (`PUT /__sim/faults`) and request counts (`GET /__sim/stats`).
 */
export async function createFreshdeskSimulator(opts: FreshdeskSimulatorOptions): Promise<FreshdeskSimulator> {
  const faults = new Faults(opts.faults ?? {});
  const stats = new RequestStats();
  const store = new FreshdeskStore();
  const webhooks = opts.webhook ? new WebhookSender(opts.webhook, opts.logger ?? false) : undefined;
  const target = opts.webhook;
  const attachments = new SimAttachments(47_000_000_001);
  const app = buildFreshdeskApp({
    store,
    attachments,
    apiKey: opts.apiKey,
    faults,
    stats,
    logger: opts.logger ?? false,
    ...(webhooks && target ? { onChange: (change) => webhooks.send(freshdeskWebhook(target, change)) } : {}),
  });
  await app.ready();
  return withLifecycle(
    { app, faults, stats, store, attachments, webhooksIdle: async () => webhooks?.idle() },
    async () => {
      await webhooks?.close();
      await attachments.close();
    },
  );
}
