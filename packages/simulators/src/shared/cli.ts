import type { ParseArgsConfig } from 'node:util';
import type { FaultConfig } from '../faults';
import type { SimulatorServer } from './lifecycle';

/** The flags every `pnpm sim <name>` accepts; each simulator adds its own credentials flags. */
export const SIM_CLI_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  faults: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** The port to listen on, from the flag, the environment or the default; 0 picks a free one. */
export function parsePort(raw: string | number, given: string | undefined): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0 to 65535, got ${given}`);
  return port;
}

export interface ServeOptions {
  /** As printed: `<title> simulator listening on …`. */
  title: string;
  port: number;
  host: string | undefined;
  faults: FaultConfig;
  /** The line telling a user how to point a client at it. */
  credentials: (baseUrl: string) => string;
}

/** Listens, prints where and how to connect, and serves until SIGINT/SIGTERM, then closes. */
export async function serveUntilSignal(sim: SimulatorServer, opts: ServeOptions): Promise<void> {
  const baseUrl = await sim.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
  console.log(`${opts.title} simulator listening on ${baseUrl}`);
  console.log(opts.credentials(baseUrl));
  console.log(`Faults: ${JSON.stringify(opts.faults)} (change with PUT ${baseUrl}/__sim/faults)`);
  await untilSignal();
  await sim.close();
  console.log(`${opts.title} simulator stopped`);
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
