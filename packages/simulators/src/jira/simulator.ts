import type { Logger } from '@ticket-rooms/core';
import type { FastifyInstance } from 'fastify';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { buildJiraApp } from './app';
import { JiraStore } from './store';

export interface JiraSimulatorOptions {
  /** The agent's email; clients authenticate as `{email}:{apiToken}`. */
  email: string;
  apiToken: string;
  faults?: FaultConfig;
  logger?: Logger | false;
}

export interface JiraSimulator {
  readonly app: FastifyInstance;
  readonly faults: Faults;
  readonly stats: RequestStats;
  /** The issues, for seeding large data sets; tests read through the HTTP API. */
  readonly store: JiraStore;
  /** Set once `listen` has returned. */
  readonly baseUrl: string | undefined;
  listen(opts?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
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
  const app = buildJiraApp({
    store,
    email: opts.email,
    apiToken: opts.apiToken,
    faults,
    stats,
    logger: opts.logger ?? false,
  });
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
