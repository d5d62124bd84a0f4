// `pnpm demo`: signed deliveries from every helpdesk (plus a duplicate and a forged one) into the
// stack `pnpm start` runs, or into one it starts for the occasion, followed until each ticket has
// its room and link.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { demoFileServices } from './stack/demo/attachment';
import { type DemoTarget, runDemo } from './stack/demo/run-demo';
import { loadEnvFile } from './stack/env-file';
import { LogOutput, logFormatFrom } from './stack/log-output';
import { dataDirFrom, shownPath, stateFilePath } from './stack/paths';
import { planStack } from './stack/plan';
import { findRunningStack } from './stack/running';
import { type RunningStack, realParts, StackError, startStack, stopEmbeddedRedisNow } from './stack/stack';
import { readState } from './stack/state-file';

const USAGE = `usage: pnpm demo [--timeout 60] [--allow-real]
  --timeout     seconds to follow the tickets before giving up (default 60)
  --allow-real  send the demo tickets even where the stack uses your real DocSpace or helpdesk`;

const { values } = parseArgs({
  options: {
    timeout: { type: 'string', default: '60' },
    'allow-real': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const timeoutSeconds = Number(values.timeout);
if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
  console.error(`--timeout must be a number of seconds above 0.\n${USAGE}`);
  process.exit(2);
}

const { env } = loadEnvFile(process.env);
const dataDir = dataDirFrom(env);
const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (lines: readonly string[]): never => {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
};
const refuseReal = (real: readonly string[]) => {
  if (real.length === 0 || values['allow-real']) return;
  fail([
    `The stack uses your own ${real.join(', ')}: the demo would create rooms and notes there for made-up tickets.`,
    'Run `pnpm demo --allow-real` to do it anyway, or start without those variables to use the simulators.',
  ]);
};

let ownStack: RunningStack | undefined;
let target: DemoTarget;
// Ctrl-C during the demo stops the stack it started (the embedded Redis runs in its own process
// group, so nothing else would); a second one stops at once.
let interrupted = false;
const interrupt = (signal: NodeJS.Signals) => {
  if (interrupted || !ownStack) {
    stopEmbeddedRedisNow();
    process.exit(130);
  }
  interrupted = true;
  process.stderr.write(`${signal}: stopping the demo's stack…\n`);
  ownStack.close().finally(() => process.exit(130));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
const running = await findRunningStack(dataDir);
if (running) {
  // 1a. `pnpm start` is up: use it, with the secrets it generated or the ones in this shell.
  refuseReal(running.real);
  const redisUrl = running.redisUrl ?? env.REDIS_URL;
  if (!redisUrl) {
    fail([
      'The running stack uses your REDIS_URL; run `pnpm demo` with the same REDIS_URL so it can follow the tickets.',
    ]);
  }
  const stored = readState(dataDir).secrets;
  out(`Using the stack pnpm start runs (pid ${running.pid}) at ${running.receiverUrl}.`);
  target = {
    receiverUrl: running.receiverUrl,
    redisUrl: redisUrl as string,
    queuePrefix: running.queuePrefix,
    dashboardUrl: running.dashboardUrl,
    secretOf: (name) => env[name] || stored[name],
    simulators: running.simulators,
    ...(running.findingsBatchSeconds === undefined ? {} : { findingsBatchSeconds: running.findingsBatchSeconds }),
  };
} else {
  // 1b. Nothing is running: start a stack in this process for the demo, quietly (warnings only).
  refuseReal(realParts(planStack(env, readState(dataDir).secrets, randomBytes)));
  out('No stack is running (pnpm start); starting one for this demo. It stops when the demo ends.');
  try {
    ownStack = await startStack({
      // A short findings window, so the finding the demo adds reaches its ticket within seconds.
      env: { ...env, LOG_LEVEL: env.LOG_LEVEL || 'warn', FINDINGS_BATCH_SECONDS: env.FINDINGS_BATCH_SECONDS || '2' },
      dataDir,
      logOutput: new LogOutput(logFormatFrom(env.LOG_FORMAT), (text) => process.stderr.write(text)),
      // A free port unless PORT is set: nothing else needs to find this stack.
      ...(env.PORT ? {} : { port: 0 }),
      workerMetrics: false,
    });
  } catch (err) {
    if (err instanceof StackError) fail(err.lines);
    throw err;
  }
  const stack = ownStack as RunningStack;
  const files = demoFileServices(stack, env);
  target = {
    receiverUrl: stack.receiverUrl,
    redisUrl: stack.redisUrl,
    queuePrefix: stack.queuePrefix,
    dashboardUrl: undefined,
    secretOf: (name) => env[name] || stack.plan.secrets[name],
    simulators: Object.fromEntries(
      Object.entries(stack.simulators).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    ...(files ? { files } : {}),
    ...(stack.findingsBatchSeconds === undefined ? {} : { findingsBatchSeconds: stack.findingsBatchSeconds }),
  };
}

let ok = false;
try {
  const result = await runDemo(target, { timeoutMs: timeoutSeconds * 1000, out });
  ok = result.ok;
  if (running && target.dashboardUrl) {
    out(`(Dashboard credentials: printed by pnpm start; generated ones are in ${shownPath(stateFilePath(dataDir))}.)`);
  }
} finally {
  await ownStack?.close();
}
out(ok ? 'Every ticket has its room and link.' : 'Some tickets did not get their room and link; see above.');
process.exit(ok ? 0 : 1);
