// `pnpm --filter ./apps/receiver start`: the receiver alone, configured by the environment.
import { ConfigError, exitAfterFlush } from '@ticket-rooms/core';
import { loadReceiverConfig } from './config/config';
import { createReceiverLogger } from './observability/logger';
import { startReceiver } from './start';

let config: ReturnType<typeof loadReceiverConfig>;
try {
  config = loadReceiverConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A setup mistake, not a bug: the sentences, no stack trace.
  process.stderr.write(`receiver: ${err.message}\n`);
  process.exit(1);
}

// Under load thousands of lines a second: written in batches, each line within 100 ms.
const logger = createReceiverLogger({ name: 'receiver', level: config.logLevel, buffered: true, flushEveryMs: 100 });
const receiver = await startReceiver(config, { logger }).catch((err: unknown) => {
  logger.fatal({ err }, 'receiver could not start');
  exitAfterFlush(logger, 1);
  return new Promise<never>(() => {});
});
logger.info({ url: receiver.url, queuePrefix: config.queuePrefix }, 'receiver listening');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining: new requests get 503, in-flight deliveries finish');
    receiver.close().then(
      () => {
        logger.info('receiver stopped');
        exitAfterFlush(logger, 0);
      },
      (err: unknown) => {
        logger.error({ err }, 'receiver did not stop cleanly');
        exitAfterFlush(logger, 1);
      },
    );
  });
}
