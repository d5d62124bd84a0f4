import { randomUUID } from 'node:crypto';
import type { Logger } from '@ticket-rooms/core';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { buildDelivery } from '../sender/build';
import { SimAttachments } from '../shared/attachments';
import { type SimulatorServer, withLifecycle } from '../shared/lifecycle';
import { WebhookSender, type WebhookTarget } from '../shared/webhooks';
import { buildZendeskApp, type ZendeskChange } from './app';
import { ZendeskStore } from './store';

export interface ZendeskSimulatorOptions {
  /** The agent's email; clients authenticate as `{email}/token:{apiToken}`. */
  email: string;
  apiToken: string;
  faults?: FaultConfig;
  logger?: Logger | false;
  /**
   * A webhook subscribed to `ticket.created`, `ticket.status_changed`, `ticket.subject_changed`
   * and `ticket.attachment_linked_to_comment`: every such change made through the API is sent there, signed with
   * `secret` as Zendesk signs.
   */
  webhook?: WebhookTarget;
}

export interface ZendeskSimulator extends SimulatorServer {
  /** The tickets, for seeding large data sets; tests read through the HTTP API. */
  readonly store: ZendeskStore;
  /** Uploaded files and their bytes (on disk until close). */
  readonly attachments: SimAttachments;
  /** Resolves once every webhook sent so far was delivered or given up. */
  webhooksIdle(): Promise<void>;
}

/** The event-webhook delivery of one change, the same event id on every attempt. */
function zendeskWebhook(target: WebhookTarget, change: ZendeskChange) {
  // The ticket as it is now: a retry repeats this change even if the ticket has changed since.
  const eventId = randomUUID();
  const ticket = {
    id: change.ticket.id,
    subject: change.ticket.subject,
    status: change.ticket.status,
    priority: change.ticket.priority,
  };
  const occurredAt = new Date().toISOString();
  return () =>
    buildDelivery('zendesk', {
      ticketId: String(ticket.id),
      subject: ticket.subject,
      ...(target.secret ? { secret: target.secret } : {}),
      ...(target.tenant ? { tenant: target.tenant } : {}),
      deliveryId: eventId,
      kind: change.kind,
      ...(change.kind === 'created' && ticket.priority ? { priority: ticket.priority } : {}),
      ...(change.kind === 'created' ? {} : { status: ticket.status, occurredAt }),
      ...(change.kind === 'status' ? { previousStatus: change.previous } : {}),
      ...(change.kind === 'attachment' ? { attachment: change.file } : {}),
    });
}

/**
 * A local Zendesk: create, show and update tickets (internal notes are private comments added by
 * an update) and list comments, with Zendesk's auth, status codes and bodies, plus fault injection
 * (`PUT /__sim/faults`) and request counts (`GET /__sim/stats`).
 */
export async function createZendeskSimulator(opts: ZendeskSimulatorOptions): Promise<ZendeskSimulator> {
  const faults = new Faults(opts.faults ?? {});
  const stats = new RequestStats();
  const store = new ZendeskStore();
  const webhooks = opts.webhook ? new WebhookSender(opts.webhook, opts.logger ?? false) : undefined;
  const target = opts.webhook;
  const attachments = new SimAttachments(30_000_000_001);
  const app = buildZendeskApp({
    store,
    attachments,
    ...(webhooks && target ? { onChange: (change) => webhooks.send(zendeskWebhook(target, change)) } : {}),
    email: opts.email,
    apiToken: opts.apiToken,
    faults,
    stats,
    logger: opts.logger ?? false,
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
