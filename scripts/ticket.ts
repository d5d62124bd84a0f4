// `pnpm ticket <source> <ticketId> [--repair]`: what happened to one ticket, and its repair.

import { loadEnvFile } from './stack/env-file';
import { runTicketCommand } from './tools/ticket-command';

const { env } = loadEnvFile(process.env);
process.exitCode = await runTicketCommand(process.argv.slice(2), env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).catch((err: unknown) => {
  process.stderr.write(`ticket: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
