// `pnpm preflight [--write-test] [--json]`: is the configuration right against the real portal, helpdesks and Redis?
import { runPreflightCli } from '@ticket-rooms/worker';
import { loadEnvFile } from './stack/env-file';

const { env } = loadEnvFile(process.env);
process.exitCode = await runPreflightCli(process.argv.slice(2), env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
