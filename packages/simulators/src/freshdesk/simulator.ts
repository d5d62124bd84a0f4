import type { Logger } from '@ticket-rooms/core';
import type { FastifyInstance } from 'fastify';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { buildFreshdeskApp } from './app';
import { FreshdeskStore } from './store';

export interface FreshdeskSimulatorOptions {
  /** Clients authenticate as `{apiKey}:X`. */
  apiKey: string;
  faults?: FaultConfig;
  logger?: Logger | false;
}

export interface FreshdeskSimulator {
  readonly app: FastifyInstance;
  readonly faults: Faults;
  readonly stats: RequestStats;
  /** The tickets, for seeding large data sets; tests read through the HTTP API. */
  readonly store: FreshdeskStore;
  readonly baseUrl: string | undefined;
  listen(opts?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
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
  const app = buildFreshdeskApp({ store, apiKey: opts.apiKey, faults, stats, logger: opts.logger ?? false });
  await app.ready();
  let baseUrl: string | undefined;
  return {
    app,
    faults,
    stats,
    store,
    get baseUrl() {
      return baseUrl;
    },
    async listen({ port = 0, host = '127.0.0.1' } = {}) {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('the simulator is not listening on TCP');
      baseUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      return baseUrl;
    },
    close: () => app.close(),
  };
}
