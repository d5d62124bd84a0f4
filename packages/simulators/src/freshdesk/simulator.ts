import type { Logger } from '@ticket-rooms/core';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { SimAttachments } from '../shared/attachments';
import { type SimulatorServer, withLifecycle } from '../shared/lifecycle';
import { buildFreshdeskApp } from './app';
import { FreshdeskStore } from './store';

export interface FreshdeskSimulatorOptions {
  /** Clients authenticate as `{apiKey}:X`. */
  apiKey: string;
  faults?: FaultConfig;
  logger?: Logger | false;
}

export interface FreshdeskSimulator extends SimulatorServer {
  /** The tickets, for seeding large data sets; tests read through the HTTP API. */
  readonly store: FreshdeskStore;
  /** Attached files and their bytes (on disk until close). */
  readonly attachments: SimAttachments;
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
  const attachments = new SimAttachments(47_000_000_001);
  const app = buildFreshdeskApp({
    store,
    attachments,
    apiKey: opts.apiKey,
    faults,
    stats,
    logger: opts.logger ?? false,
  });
  await app.ready();
  return withLifecycle({ app, faults, stats, store, attachments }, () => attachments.close());
}
