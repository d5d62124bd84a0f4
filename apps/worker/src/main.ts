import { ConfigError, createLogger, exitAfterFlush } from '@ticket-rooms/core';
import { loadWorkerConfig } from './config/config';
import { startWorker } from './worker';

/**
 * Runs the worker alone: `pnpm --filter ./apps/worker start`. The configuration is checked before
 * anything connects, so a missing DocSpace key is reported before any job is taken.
 */
export async function main(): Promise<void> {
  let config: ReturnType<typeof loadWorkerConfig>;
  try {
    config = loadWorkerConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`worker: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ name: 'worker', level: config.logLevel, buffered: true });
  const worker = await startWorker(config, { logger });
  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      // A second signal means "now": the jobs in hand resume elsewhere once their locks expire.
      process.stderr.write(`worker: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    worker.close().then(
      () => exitAfterFlush(logger, 0),
      (err: unknown) => {
        process.stderr.write(`worker: shutdown failed: ${String(err)}\n`);
        exitAfterFlush(logger, 1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[2] === 'preflight') {
  const { runPreflightCli } = await import('./preflight/cli');
  process.exitCode = await runPreflightCli(process.argv.slice(3), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
} else {
  await main();
}
