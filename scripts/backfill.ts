// `pnpm backfill <vendor> [--since DATE] [--status open,pending] [--dry-run] [--limit N]`: tickets that predate the webhooks.
import { loadEnvFile } from './stack/env-file';
import { runBackfillCommand } from './tools/backfill/backfill-command';

const { env } = loadEnvFile(process.env);
const stop = new AbortController();
// The first Ctrl-C stops after the ticket in hand and saves the cursor; a second one exits at once.
process.once('SIGINT', () => {
  process.stderr.write('\nbackfill: stopping after the ticket in hand (Ctrl-C again to quit at once)…\n');
  stop.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.exitCode = await runBackfillCommand(
  process.argv.slice(2),
  env,
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  {
    progress: { isTTY: Boolean(process.stderr.isTTY), write: (text) => process.stderr.write(text) },
    signal: stop.signal,
  },
).catch((err: unknown) => {
  process.stderr.write(`backfill: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
