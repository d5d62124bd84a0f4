import { parseArgs } from 'node:util';
import { createLogger } from '@ticket-rooms/core';
import { FaultConfig } from '../faults';
import { createFreshdeskSimulator } from './simulator';

const USAGE = `usage: pnpm sim freshdesk [--port 8083] [--host 127.0.0.1] [--api-key K]
                        [--faults '{"rateLimitRate":0.1}'] [--log-level warn]
env: FRESHDESK_SIM_PORT, FRESHDESK_API_KEY, FRESHDESK_SIM_FAULTS`;

/** Runs the Freshdesk simulator alone until SIGINT/SIGTERM, printing its base URL and credentials. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
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
  const port = Number(values.port ?? env.FRESHDESK_SIM_PORT ?? 8083);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0 to 65535, got ${values.port}`);
  const rawFaults = values.faults ?? env.FRESHDESK_SIM_FAULTS;
  const faults = rawFaults ? FaultConfig.parse(JSON.parse(rawFaults)) : {};
  const apiKey = values['api-key'] ?? env.FRESHDESK_API_KEY ?? 'freshdesk-sim-key';

  const sim = await createFreshdeskSimulator({
    apiKey,
    faults,
    logger: createLogger({ name: 'freshdesk-sim', level: values['log-level'] ?? 'warn' }),
  });
  const baseUrl = await sim.listen({ port, host: values.host ?? '127.0.0.1' });
  console.log(`Freshdesk simulator listening on ${baseUrl}`);
  console.log(`Credentials: FRESHDESK_URL=${baseUrl} FRESHDESK_API_KEY=${apiKey}`);
  console.log(`Faults: ${JSON.stringify(faults)} (change with PUT ${baseUrl}/__sim/faults)`);
  await untilSignal();
  await sim.close();
  console.log('Freshdesk simulator stopped');
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
