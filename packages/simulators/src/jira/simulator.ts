import type { Logger } from '@ticket-rooms/core';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { SimAttachments } from '../shared/attachments';
import { type SimulatorServer, withLifecycle } from '../shared/lifecycle';
import { buildJiraApp } from './app';
import { JiraStore } from './store';

export interface JiraSimulatorOptions {
  /** The agent's email; clients authenticate as `{email}:{apiToken}`. */
  email: string;
  apiToken: string;
  faults?: FaultConfig;
  logger?: Logger | false;
}

export interface JiraSimulator extends SimulatorServer {
  /** The issues, for seeding large data sets; tests read through the HTTP API. */
  readonly store: JiraStore;
  /** Attached files and their bytes (on disk until close). */
  readonly attachments: SimAttachments;
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
  const attachments = new SimAttachments(10_100);
  const app = buildJiraApp({
    store,
    attachments,
    email: opts.email,
    apiToken: opts.apiToken,
    faults,
    stats,
    logger: opts.logger ?? false,
  });
  await app.ready();
  return withLifecycle({ app, faults, stats, store, attachments }, () => attachments.close());
}
