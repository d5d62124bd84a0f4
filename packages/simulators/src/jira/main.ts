import { parseArgs } from 'node:util';
import { createLogger } from '@ticket-rooms/core';
import { FaultConfig } from '../faults';
import { parsePort, SIM_CLI_OPTIONS, serveUntilSignal } from '../shared/cli';
import { createJiraSimulator } from './simulator';

const USAGE = `usage: pnpm sim jira [--port 8084] [--host 127.0.0.1] [--email agent@example.com] [--token T]
                        [--faults '{"rateLimitRate":0.1}'] [--log-level warn]
env: JIRA_SIM_PORT, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_SIM_FAULTS`;

/** Runs the Jira simulator alone until SIGINT/SIGTERM, printing its base URL and credentials. */
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
  const port = parsePort(values.port ?? env.JIRA_SIM_PORT ?? 8084, values.port);
  const rawFaults = values.faults ?? env.JIRA_SIM_FAULTS;
  const faults = rawFaults ? FaultConfig.parse(JSON.parse(rawFaults)) : {};
  const email = values.email ?? env.JIRA_EMAIL ?? 'agent@example.com';
  const apiToken = values.token ?? env.JIRA_API_TOKEN ?? 'jira-sim-token';

  const sim = await createJiraSimulator({
    email,
    apiToken,
    faults,
    logger: createLogger({ name: 'jira-sim', level: values['log-level'] ?? 'warn' }),
  });
  await serveUntilSignal(sim, {
    title: 'Jira',
    port,
    host: values.host,
    faults,
    credentials: (baseUrl) => `Credentials: JIRA_URL=${baseUrl} JIRA_EMAIL=${email} JIRA_API_TOKEN=${apiToken}`,
  });
}
