import { parseArgs } from 'node:util';
import { createLogger } from '@ticket-rooms/core';
import { FaultConfig } from '../faults';
import { createDocspaceSimulator, generateApiKey } from './simulator';

const USAGE = `usage: pnpm sim docspace [--port 8081] [--host 127.0.0.1] [--api-key sk-…] [--faults '{"errorRate":0.1}']
                         [--public-url http://…] [--operation-ms 50] [--log-level warn]
env: DOCSPACE_SIM_PORT, DOCSPACE_API_KEY, DOCSPACE_SIM_FAULTS`;

/** Runs the DocSpace simulator alone until SIGINT/SIGTERM, printing its base URL and API key. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      faults: { type: 'string' },
      'public-url': { type: 'string' },
      'operation-ms': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }

  // An empty variable (`FOO=` in a .env file) means "not set".
  const port = Number(values.port || env.DOCSPACE_SIM_PORT || 8081);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0 to 65535, got ${values.port}`);
  const rawFaults = values.faults || env.DOCSPACE_SIM_FAULTS;
  let faults: FaultConfig = {};
  if (rawFaults) {
    const parsed = FaultConfig.safeParse(JSON.parse(rawFaults));
    if (!parsed.success) throw new Error(`--faults is not a valid fault config: ${parsed.error.message}`);
    faults = parsed.data;
  }
  const apiKey = values['api-key'] || env.DOCSPACE_API_KEY || generateApiKey();
  const operationMs = values['operation-ms'] === undefined ? undefined : Number(values['operation-ms']);

  const sim = await createDocspaceSimulator({
    apiKey,
    faults,
    logger: createLogger({ name: 'docspace-sim', level: values['log-level'] ?? 'warn' }),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(operationMs === undefined ? {} : { operationMs }),
  });
  const baseUrl = await sim.listen({ port, host: values.host ?? '127.0.0.1' });
  console.log(`DocSpace simulator listening on ${baseUrl}`);
  console.log(`API key: ${apiKey}`);
  console.log(`Faults: ${JSON.stringify(faults)} (change with PUT ${baseUrl}/__sim/faults)`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
  console.log('DocSpace simulator stopped');
}
