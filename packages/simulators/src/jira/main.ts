import { parseArgs } from 'node:util';
import { createLogger } from '@ticket-rooms/core';
import { FaultConfig } from '../faults';
import { createJiraSimulator } from './simulator';

const USAGE = `usage: pnpm sim jira [--port 8084] [--host 127.0.0.1] [--email agent@example.com] [--token T]
                        [--faults '{"rateLimitRate":0.1}'] [--log-level warn]
env: JIRA_SIM_PORT, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_SIM_FAULTS`;

/** Runs the Jira simulator alone until SIGINT/SIGTERM, printing its base URL and credentials. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      email: { type: 'string' },
      token: { type: 'string' },
      faults: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? env.JIRA_SIM_PORT ?? 8084);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0 to 65535, got ${values.port}`);
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
  const baseUrl = await sim.listen({ port, host: values.host ?? '127.0.0.1' });
  console.log(`Jira simulator listening on ${baseUrl}`);
  console.log(`Credentials: JIRA_URL=${baseUrl} JIRA_EMAIL=${email} JIRA_API_TOKEN=${apiToken}`);
  console.log(`Faults: ${JSON.stringify(faults)} (change with PUT ${baseUrl}/__sim/faults)`);
  await untilSignal();
  await sim.close();
  console.log('Jira simulator stopped');
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
