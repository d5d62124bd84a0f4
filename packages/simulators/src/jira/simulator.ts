import { randomBytes } from 'node:crypto';
import type { Logger } from '@ticket-rooms/core';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { buildDelivery } from '../sender/build';
import { SimAttachments } from '../shared/attachments';
import { type SimulatorServer, withLifecycle } from '../shared/lifecycle';
import { WebhookSender, type WebhookTarget } from '../shared/webhooks';
import { buildJiraApp, type JiraChange } from './app';
import { JiraStore } from './store';

export interface JiraSimulatorOptions {
  /** The agent's email; clients authenticate as `{email}:{apiToken}`. */
  email: string;
  apiToken: string;
  faults?: FaultConfig;
  logger?: Logger | false;
  /**
   * An admin webhook on issue created, updated and deleted: every such change made through the API
   * is sent there, signed with `secret` (`X-Hub-Signature`), the same identifier on each retry.
   */
  webhook?: WebhookTarget;
}

export interface JiraSimulator extends SimulatorServer {
  /** The issues, for seeding large data sets; tests read through the HTTP API. */
  readonly store: JiraStore;
  /** Attached files and their bytes (on disk until close). */
  readonly attachments: SimAttachments;
  /** Resolves once every webhook sent so far was delivered or given up. */
  webhooksIdle(): Promise<void>;
}

/** The webhook delivery of one change: one identifier, the retry count on each later attempt. */
function jiraWebhook(target: WebhookTarget, change: JiraChange) {
  const identifier = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
  const { issue } = change;
  const snapshot = { key: issue.key, summary: issue.summary, status: issue.status.name };
  const occurredAt = new Date().toISOString();
  return (attempt: number) =>
    buildDelivery('jira', {
      ticketId: snapshot.key,
      subject: snapshot.summary,
      ...(target.secret ? { secret: target.secret } : {}),
      ...(target.tenant ? { tenant: target.tenant } : {}),
      deliveryId: identifier,
      attempt,
      kind: change.kind,
      ...(change.kind === 'created' ? {} : { status: snapshot.status, occurredAt }),
      ...(change.kind === 'status' ? { previousStatus: change.previous } : {}),
      ...(change.kind === 'attachment' ? { attachment: change.file } : {}),
    });
}

/**
 * A local Jira Cloud with Service Management: create issues (platform and JSM endpoints), add
 * internal JSM comments and list them (JSM pages and the platform ADF list), with Atlassian's auth
 * and error bodies, plus fault injection (`PUT /__sim/faults`) and request counts (`GET /__sim/stats`).
 */
export async function createJiraSimulator(opts: JiraSimulatorOptions): Promise<JiraSimulator> {
  const faults = new Faults(opts.faults ?? {});
  const stats = new RequestStats();
  const store = new JiraStore();
  const webhooks = opts.webhook ? new WebhookSender(opts.webhook, opts.logger ?? false) : undefined;
  const target = opts.webhook;
  const attachments = new SimAttachments(10_100);
  const app = buildJiraApp({
    store,
    attachments,
    ...(webhooks && target ? { onChange: (change) => webhooks.send(jiraWebhook(target, change)) } : {}),
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
