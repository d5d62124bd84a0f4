import { parseArgs } from 'node:util';
import { createLogger } from '@ticket-rooms/core';
import { FaultConfig } from '../faults';
import { parsePort, SIM_CLI_OPTIONS, serveUntilSignal } from '../shared/cli';
import { createZendeskSimulator } from './simulator';

const USAGE = `usage: pnpm sim zendesk [--port 8082] [--host 127.0.0.1] [--email agent@example.com] [--token T]
                        [--faults '{"rateLimitRate":0.1}'] [--log-level warn]
env: ZENDESK_SIM_PORT, ZENDESK_EMAIL, ZENDESK_API_TOKEN, ZENDESK_SIM_FAULTS`;

/** Runs the Zendesk simulator alone until SIGINT/SIGTERM, printing its base URL and credentials. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SIM_CLI_OPTIONS,
      email: { type: 'string' },
      token: { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = parsePort(values.port ?? env.ZENDESK_SIM_PORT ?? 8082, values.port);
  const rawFaults = values.faults ?? env.ZENDESK_SIM_FAULTS;
  const faults = rawFaults ? FaultConfig.parse(JSON.parse(rawFaults)) : {};
  const email = values.email ?? env.ZENDESK_EMAIL ?? 'agent@example.com';
  const apiToken = values.token ?? env.ZENDESK_API_TOKEN ?? 'zendesk-sim-token';

  const sim = await createZendeskSimulator({
    email,
    apiToken,
    faults,
    logger: createLogger({ name: 'zendesk-sim', level: values['log-level'] ?? 'warn' }),
  });
  await serveUntilSignal(sim, {
    title: 'Zendesk',
    port,
    host: values.host,
    faults,
    credentials: (baseUrl) =>
      `Credentials: ZENDESK_URL=${baseUrl} ZENDESK_EMAIL=${email} ZENDESK_API_TOKEN=${apiToken}`,
  });
}
