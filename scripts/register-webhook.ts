// `pnpm register-webhook docspace --url …`: points DocSpace's file webhooks at the receiver, so
// files added to a ticket room's Findings folder are noted on the ticket.
import { loadEnvFile } from './stack/env-file';
import { runRegisterWebhookCli } from './tools/register-webhook';

const { env } = loadEnvFile(process.env);
process.exitCode = await runRegisterWebhookCli(process.argv.slice(2), env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
