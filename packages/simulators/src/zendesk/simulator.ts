import type { Logger } from '@ticket-rooms/core';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { SimAttachments } from '../shared/attachments';
import { type SimulatorServer, withLifecycle } from '../shared/lifecycle';
import { buildZendeskApp } from './app';
import { ZendeskStore } from './store';

export interface ZendeskSimulatorOptions {
  /** The agent's email; clients authenticate as `{email}/token:{apiToken}`. */
  email: string;
  apiToken: string;
  faults?: FaultConfig;
  logger?: Logger | false;
}

export interface ZendeskSimulator extends SimulatorServer {
  /** The tickets, for seeding large data sets; tests read through the HTTP API. */
  readonly store: ZendeskStore;
  /** Uploaded files and their bytes (on disk until close). */
  readonly attachments: SimAttachments;
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
  const attachments = new SimAttachments(30_000_000_001);
  const app = buildZendeskApp({
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
