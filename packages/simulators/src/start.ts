import type { QUEUE_NAMES } from '@ticket-rooms/core';
import { createDocspaceSimulator, type DocspaceSimulator, type DocspaceSimulatorOptions } from './docspace/index';
import type { FaultConfig } from './faults';
import { createFreshdeskSimulator } from './freshdesk/index';
import { createJiraSimulator } from './jira/index';
import type { WebhookTarget } from './shared/webhooks';
import { createZendeskSimulator } from './zendesk/index';

/** A stand-in for each helpdesk that has a write-back. Adding one is its folder and a line here. */
const HELPDESK_SIMULATORS = {
  zendesk: createZendeskSimulator,
  freshdesk: createFreshdeskSimulator,
  jira: createJiraSimulator,
} satisfies Record<keyof typeof QUEUE_NAMES.notes, unknown>;

type Starters = typeof HELPDESK_SIMULATORS;
export type SimulatedHelpdesk = keyof Starters;
/** The running simulator of each helpdesk, by source. */
export type HelpdeskSimulators = { [K in SimulatedHelpdesk]: Awaited<ReturnType<Starters[K]>> };
/** What each helpdesk simulator accepts as credentials: the worker's write-back settings, without the URL. */
export type HelpdeskSimulatorCredentials = {
  [K in SimulatedHelpdesk]: Omit<Parameters<Starters[K]>[0], 'faults' | 'logger' | 'webhook'>;
};

/**
 * Where the helpdesk simulators send their webhooks: a receiver's base URL, and per helpdesk what
 * it signs with (Zendesk and Jira a `secret`, Freshdesk a `token`). A helpdesk left out sends none.
 */
export type SimulatorWebhooks = {
  url: string;
  /** Pauses before each retry of a failed delivery; default a few seconds in all. */
  retryDelaysMs?: readonly number[];
} & { [K in SimulatedHelpdesk]?: Omit<WebhookTarget, 'url' | 'retryDelaysMs'> };

export interface StartSimulatorsOptions {
  /** Start the DocSpace simulator with these options; left out, none is started. */
  docspace?: DocspaceSimulatorOptions;
  /** The helpdesks to simulate, each with the credentials it accepts (extra fields such as `baseUrl` are ignored). */
  helpdesks?: { [K in SimulatedHelpdesk]?: HelpdeskSimulatorCredentials[K] };
  /** Send each simulated helpdesk's webhooks, for tickets created or changed through its API. */
  webhooks?: SimulatorWebhooks;
  /** Faults every helpdesk simulator starts with. */
  helpdeskFaults?: FaultConfig;
  /** Request logging of the helpdesk simulators; off by default. */
  logger?: false;
  /** Where they listen; every one on a free port. Default loopback. */
  host?: string;
}

export interface RunningSimulators {
  readonly docspace: DocspaceSimulator | undefined;
  readonly helpdesks: Partial<HelpdeskSimulators>;
  /** The base URL of each one that was started. */
  readonly urls: Partial<Record<'docspace' | SimulatedHelpdesk, string>>;
  /** Stops every one; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the DocSpace simulator and the asked-for helpdesk simulators on free ports: the one way
 * `pnpm start`, the chaos runs and the benchmarks stand up their local vendors. If one fails to
 * start, those already listening are closed before the error is thrown.
 */
export async function startSimulators(opts: StartSimulatorsOptions): Promise<RunningSimulators> {
  const host = opts.host ?? '127.0.0.1';
  const started: Array<{ close(): Promise<void> }> = [];
  const urls: Partial<Record<'docspace' | SimulatedHelpdesk, string>> = {};
  const helpdesks: Partial<HelpdeskSimulators> = {};
  let docspace: DocspaceSimulator | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= Promise.allSettled(started.map((s) => s.close())).then(() => undefined);
    return closing;
  };
  try {
    if (opts.docspace) {
      docspace = await createDocspaceSimulator({ logger: false, ...opts.docspace });
      started.push(docspace);
      urls.docspace = await docspace.listen({ port: 0, host });
    }
    for (const name of Object.keys(HELPDESK_SIMULATORS) as SimulatedHelpdesk[]) {
      const credentials = opts.helpdesks?.[name];
      if (!credentials) continue;
      const hook = opts.webhooks?.[name];
      const webhook: WebhookTarget | undefined =
        opts.webhooks && hook
          ? {
              ...hook,
              url: opts.webhooks.url,
              ...(opts.webhooks.retryDelaysMs ? { retryDelaysMs: opts.webhooks.retryDelaysMs } : {}),
            }
          : undefined;
      const sim = await startHelpdesk(name, credentials, {
        faults: opts.helpdeskFaults ?? {},
        logger: opts.logger ?? false,
        ...(webhook ? { webhook } : {}),
      });
      started.push(sim);
      urls[name] = await sim.listen({ port: 0, host });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { docspace, helpdesks, urls, close };

  async function startHelpdesk<K extends SimulatedHelpdesk>(
    name: K,
    credentials: HelpdeskSimulatorCredentials[K],
    common: { faults: FaultConfig; logger: false; webhook?: WebhookTarget },
  ): Promise<HelpdeskSimulators[K]> {
    // TypeScript cannot tie the indexed starter to its own options type; the mapped types above do.
    const start = HELPDESK_SIMULATORS[name] as unknown as (
      o: HelpdeskSimulatorCredentials[K] & typeof common,
    ) => Promise<HelpdeskSimulators[K]>;
    const sim = await start({ ...credentials, ...common });
    helpdesks[name] = sim;
    return sim;
  }
}
