import { parseArgs } from 'node:util';
import { createLogger } from '@ticket-rooms/core';
import { FaultConfig } from '../faults';
import { parsePort, SIM_CLI_OPTIONS, serveUntilSignal } from '../shared/cli';
import { createDocspaceSimulator, generateApiKey } from './simulator';

const USAGE = `usage: pnpm sim docspace [--port 8081] [--host 127.0.0.1] [--api-key sk-…] [--faults '{"errorRate":0.1}']
                         [--public-url http://…] [--operation-ms 50] [--log-level warn]
env: DOCSPACE_SIM_PORT, DOCSPACE_API_KEY, DOCSPACE_SIM_FAULTS`;

/** Runs the DocSpace simulator alone until SIGINT/SIGTERM, printing its base URL and API key. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SIM_CLI_OPTIONS,
      'api-key': { type: 'string' },
      'public-url': { type: 'string' },
      'operation-ms': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }

  // An empty variable (`FOO=` in a .env file) means "not set".
  const port = parsePort(values.port || env.DOCSPACE_SIM_PORT || 8081, values.port);
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
  await serveUntilSignal(sim, {
    title: 'DocSpace',
    port,
    host: values.host,
    faults,
    credentials: () => `API key: ${apiKey}`,
  });
}
