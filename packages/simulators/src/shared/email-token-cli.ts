import { parseArgs } from 'node:util';
import { createLogger, type Logger } from '@ticket-rooms/core';
import { FaultConfig } from '../faults';
import { parsePort, SIM_CLI_OPTIONS, serveUntilSignal } from './cli';
import type { SimulatorServer } from './lifecycle';
import type { WebhookTarget } from './webhooks';

export interface EmailTokenCliSpec {
  /** The `pnpm sim <name>` name, lower case. */
  name: string;
  /** As printed: `<title> simulator listening on …`. */
  title: string;
  /** The prefix of its variables: `<PREFIX>_SIM_PORT`, `<PREFIX>_EMAIL`, `<PREFIX>_API_TOKEN`, … */
  envPrefix: string;
  defaultPort: number;
  create(opts: {
    email: string;
    apiToken: string;
    faults: FaultConfig;
    logger: Logger;
    webhook?: WebhookTarget;
  }): Promise<SimulatorServer>;
}

/**
 * The standalone CLI of a helpdesk whose agents authenticate with an email and an API token
 * (Zendesk, Jira): same flags and variables, differing only in names and defaults.
 */
export function emailTokenMain(spec: EmailTokenCliSpec): (argv: string[], env?: NodeJS.ProcessEnv) => Promise<void> {
  const prefix = spec.envPrefix;
  const usage = `usage: pnpm sim ${spec.name} [--port ${spec.defaultPort}] [--host 127.0.0.1] [--email agent@example.com] [--token T]
                        [--faults '{"rateLimitRate":0.1}'] [--log-level warn]
                        [--webhook-url http://127.0.0.1:3000 --webhook-secret S]
env: ${prefix}_SIM_PORT, ${prefix}_EMAIL, ${prefix}_API_TOKEN, ${prefix}_SIM_FAULTS, ${prefix}_WEBHOOK_SECRET
With --webhook-url, tickets created or changed through the API are sent there as ${spec.title} sends them.`;

  return async (argv, env = process.env) => {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...SIM_CLI_OPTIONS,
        email: { type: 'string' },
        token: { type: 'string' },
        'webhook-url': { type: 'string' },
        'webhook-secret': { type: 'string' },
      },
      strict: true,
    });
    if (values.help) {
      console.log(usage);
      return;
    }
    const port = parsePort(values.port ?? env[`${prefix}_SIM_PORT`] ?? spec.defaultPort, values.port);
    const rawFaults = values.faults ?? env[`${prefix}_SIM_FAULTS`];
    const faults = rawFaults ? FaultConfig.parse(JSON.parse(rawFaults)) : {};
    const email = values.email ?? env[`${prefix}_EMAIL`] ?? 'agent@example.com';
    const apiToken = values.token ?? env[`${prefix}_API_TOKEN`] ?? `${spec.name}-sim-token`;

    const webhookSecret = values['webhook-secret'] ?? env[`${prefix}_WEBHOOK_SECRET`]?.split(',')[0]?.trim();
    const webhookUrl = values['webhook-url'];
    const sim = await spec.create({
      email,
      apiToken,
      faults,
      ...(webhookUrl ? { webhook: { url: webhookUrl, ...(webhookSecret ? { secret: webhookSecret } : {}) } } : {}),
      logger: createLogger({ name: `${spec.name}-sim`, level: values['log-level'] ?? 'warn' }),
    });
    await serveUntilSignal(sim, {
      title: spec.title,
      port,
      host: values.host,
      faults,
      credentials: (baseUrl) =>
        `Credentials: ${prefix}_URL=${baseUrl} ${prefix}_EMAIL=${email} ${prefix}_API_TOKEN=${apiToken}`,
    });
  };
}
