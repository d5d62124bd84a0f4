import { parseArgs } from 'node:util';
import { createLogger } from '@ticket-rooms/core';
import { FaultConfig } from '../faults';
import { parsePort, SIM_CLI_OPTIONS, serveUntilSignal } from '../shared/cli';
import { createFreshdeskSimulator } from './simulator';

const USAGE = `usage: pnpm sim freshdesk [--port 8083] [--host 127.0.0.1] [--api-key K]
                        [--faults '{"rateLimitRate":0.1}'] [--log-level warn]
                        [--webhook-url http://127.0.0.1:3000 --webhook-token T]
env: FRESHDESK_SIM_PORT, FRESHDESK_API_KEY, FRESHDESK_SIM_FAULTS, FRESHDESK_WEBHOOK_TOKEN
With --webhook-url, tickets created or changed through the API are sent there as the documented rules send them.`;

/** Runs the Freshdesk simulator alone until SIGINT/SIGTERM, printing its base URL and credentials. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SIM_CLI_OPTIONS,
      'api-key': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-token': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = parsePort(values.port ?? env.FRESHDESK_SIM_PORT ?? 8083, values.port);
  const rawFaults = values.faults ?? env.FRESHDESK_SIM_FAULTS;
  const faults = rawFaults ? FaultConfig.parse(JSON.parse(rawFaults)) : {};
  const apiKey = values['api-key'] ?? env.FRESHDESK_API_KEY ?? 'freshdesk-sim-key';

  const webhookToken = values['webhook-token'] ?? env.FRESHDESK_WEBHOOK_TOKEN?.split(',')[0]?.trim();
  const webhookUrl = values['webhook-url'];
  const sim = await createFreshdeskSimulator({
    apiKey,
    faults,
    ...(webhookUrl ? { webhook: { url: webhookUrl, ...(webhookToken ? { token: webhookToken } : {}) } } : {}),
    logger: createLogger({ name: 'freshdesk-sim', level: values['log-level'] ?? 'warn' }),
  });
  await serveUntilSignal(sim, {
    title: 'Freshdesk',
    port,
    host: values.host,
    faults,
    credentials: (baseUrl) => `Credentials: FRESHDESK_URL=${baseUrl} FRESHDESK_API_KEY=${apiKey}`,
  });
}
