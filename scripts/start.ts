// `pnpm start`: receiver, worker and dashboard in one process, with an embedded Redis, DocSpace
// simulator and helpdesk simulators wherever the environment configures none.
import { bannerLines } from './stack/banner';
import { loadEnvFile } from './stack/env-file';
import { LogOutput, logFormatFrom } from './stack/log-output';
import { dataDirFrom } from './stack/paths';
import { type RunningStack, StackError, startStack, stopEmbeddedRedisNow } from './stack/stack';

const { env, path: envFile, fromFile } = loadEnvFile(process.env);
const logOutput = new LogOutput(logFormatFrom(env.LOG_FORMAT));

// Signals are handled from the first moment: a Ctrl-C while the stack is still starting stops it
// as soon as it has started, instead of leaving the embedded Redis behind.
let stack: RunningStack | undefined;
let stopRequested: NodeJS.Signals | undefined;
let signals = 0;
const stop = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    // A second Ctrl-C means now: jobs in hand resume at the next start, once their locks expire.
    process.stderr.write(`${signal} again: exiting without waiting.\n`);
    stopEmbeddedRedisNow();
    process.exit(1);
  }
  stopRequested = signal;
  if (stack) void shutdown(stack, signal);
  else process.stdout.write(`${signal}: stopping as soon as the stack has started…\n`);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

async function shutdown(running: RunningStack, signal: NodeJS.Signals): Promise<never> {
  process.stdout.write(`${signal}: stopping (receiver drains, worker hands its jobs back, then Redis)…\n`);
  try {
    await running.close();
  } catch (err) {
    process.stderr.write(`Did not stop cleanly: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  process.stdout.write('Stopped.\n');
  process.exit(0);
}

try {
  stack = await startStack({ env, dataDir: dataDirFrom(env), logOutput });
} catch (err) {
  // Mistakes the user can fix are sentences, not stack traces.
  if (err instanceof StackError) {
    process.stderr.write(`${err.lines.join('\n')}\n`);
    process.exit(1);
  }
  logOutput.release();
  throw err;
}

if (stopRequested) {
  logOutput.release();
  await shutdown(stack, stopRequested);
}
process.stdout.write(`${bannerLines(stack, envFile ? { path: envFile, names: fromFile } : undefined).join('\n')}\n`);
logOutput.release();
