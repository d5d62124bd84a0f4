import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import {
  ConfigError,
  createLogger,
  describeRedisUrl,
  type Env,
  findRedisServer,
  LocalRedis,
  REDIS_MISSING_MESSAGE,
} from '@ticket-rooms/core';
import { createDocspaceClient } from '@ticket-rooms/docspace-client';
import { WRITE_BACK_HELPDESKS } from '@ticket-rooms/helpdesk';
import {
  DASHBOARD_PATH,
  DOCSPACE_WEBHOOK_PATH,
  loadReceiverConfig,
  type RunningReceiver,
  startReceiver,
} from '@ticket-rooms/receiver';
import { type StartSimulatorsOptions, startSimulators } from '@ticket-rooms/simulators';
import { loadWorkerConfig, type RunningWorker, startWorker } from '@ticket-rooms/worker';
import { Redis } from 'ioredis';
import { registerDocspaceWebhook } from '../tools/register-webhook';
import type { LogOutput } from './log-output';
import { redisDir } from './paths';
import {
  type EmbeddedUrls,
  type Helpdesk,
  isSet,
  planStack,
  SIMULATED_HELPDESKS,
  type StackPlan,
  stackEnv,
} from './plan';
import { writeRoutingExample } from './routing-example';
import { readState, StateFileError, updateState } from './state-file';

export type StackErrorCode = 'REDIS_MISSING' | 'CONFIG' | 'ALREADY_RUNNING' | 'PORT_IN_USE' | 'STATE_FILE';

/** A reason the stack cannot start that the user can fix; `lines` are printed as they are. */
export class StackError extends Error {
  override readonly name = 'StackError';
  constructor(
    readonly code: StackErrorCode,
    readonly lines: readonly string[],
    opts?: { cause?: unknown },
  ) {
    super(lines.join('\n'), opts);
  }
}

export interface StartStackOptions {
  /** The user's environment; what it configures is used, the rest is embedded. */
  env: Env;
  dataDir: string;
  logOutput: LogOutput;
  /** Receiver port, overriding `PORT` (the demo's own stack takes a free one). */
  port?: number;
  /** Open the worker's metrics port (`WORKER_METRICS_PORT`); default true. */
  workerMetrics?: boolean;
}

export interface RunningStack {
  readonly plan: StackPlan;
  readonly dataDir: string;
  readonly receiverUrl: string;
  /** Where Bull Board is, when dashboard credentials exist. */
  readonly dashboardUrl: string | undefined;
  /** Generated dashboard credentials (configured ones are never repeated back). */
  readonly generatedDashboard: { user: string; password: string } | undefined;
  /** Printable: an embedded Redis's URL, or the configured one without its password. */
  readonly redisShown: string;
  readonly redisUrl: string;
  readonly workerMetricsUrl: string | undefined;
  readonly simulators: EmbeddedUrls;
  /** Base URL of DocSpace and of each helpdesk, simulated or the user's own (no credentials in them). */
  readonly serviceUrls: Partial<Record<'docspace' | Helpdesk, string>>;
  readonly queuePrefix: string;
  /** The worker's findings window (`FINDINGS_BATCH_SECONDS`), when it notes findings. */
  readonly findingsBatchSeconds: number | undefined;
  /** Stops, in order: receiver (drains), worker (hands jobs back), simulators, Redis. Idempotent. */
  close(): Promise<void>;
}

/** The redis-servers this process started and has not stopped yet. */
const EMBEDDED_REDIS = new Set<LocalRedis>();

/**
 * For a forced exit (a second Ctrl-C): signals the embedded redis-server to stop, synchronously.
 * It runs in its own process group, so nothing else would stop it; SIGTERM makes it flush its AOF.
 */
export function stopEmbeddedRedisNow(): void {
  for (const redis of EMBEDDED_REDIS) {
    if (redis.pid !== undefined) {
      try {
        process.kill(redis.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Shuts down the Redis at `url` if it is the one serving `dir` (it says so itself, through
 * `CONFIG GET dir`), so an unrelated Redis that took the port since is never touched.
 */
async function stopLeftoverRedis(url: string, pid: number | undefined, dir: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    const [, served] = (await probe.config('GET', 'dir')) as [string, string];
    if (realpathSync(served) !== realpathSync(dir)) return;
    // SHUTDOWN flushes the AOF first; the connection closing is its answer.
    await probe.call('SHUTDOWN').catch(() => {});
    if (pid !== undefined) await waitForExit(pid, 10_000);
  } catch {
    // Nothing answers there (the usual case): nothing to stop.
  } finally {
    probe.disconnect();
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/**
 * Starts receiver, worker and dashboard in this process, with an embedded stand-in for every part
 * the environment leaves unconfigured. Throws `StackError` for mistakes the user can fix, having
 * stopped whatever it had started.
 */
export async function startStack(opts: StartStackOptions): Promise<RunningStack> {
  const { dataDir, logOutput } = opts;
  const userEnv: Env = opts.port === undefined ? opts.env : { ...opts.env, PORT: String(opts.port) };

  // 1. One stack per data directory: a second one would share the embedded Redis's files.
  let state: ReturnType<typeof readState>;
  try {
    state = readState(dataDir);
  } catch (err) {
    if (err instanceof StateFileError) throw new StackError('STATE_FILE', [err.message]);
    throw err;
  }
  const owner = state.owner?.pid ?? state.running?.pid;
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    const where = state.running?.receiverUrl ? `, ${state.running.receiverUrl}` : '';
    throw new StackError('ALREADY_RUNNING', [
      `A stack is already running from ${dataDir} (pid ${owner}${where}); stop it with Ctrl-C in its terminal or \`kill ${owner}\` first.`,
    ]);
  }

  // 2. Decide what is embedded, then check the whole configuration before starting anything.
  const plan = planStack(userEnv, state.secrets, randomBytes);
  const problems: string[] = [];
  for (const load of [loadReceiverConfig, loadWorkerConfig]) {
    try {
      load(stackEnv(userEnv, plan, 'placeholders'));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) if (!problems.includes(p)) problems.push(p);
    }
  }
  if (problems.length > 0) {
    throw new StackError('CONFIG', ['Configuration is invalid:', ...problems.map((p) => `  - ${p}`)]);
  }
  if (plan.redis.embedded && !findRedisServer()) throw new StackError('REDIS_MISSING', [REDIS_MISSING_MESSAGE]);
  // With the simulated DocSpace and no rules of the user's, example rules (checked by the tests,
  // written only once nothing stands in the way of starting) show routing at work.
  if (plan.docspace.embedded && !isSet(userEnv, 'ROUTING_FILE')) {
    plan.overrides.ROUTING_FILE = writeRoutingExample(dataDir);
  }

  // 3. Keep the generated secrets before anything uses them, so a crash cannot lose them.
  updateState(dataDir, (s) => ({ ...s, secrets: plan.secrets, owner: { pid: process.pid } }));

  // 4. A redis-server left behind by a stack that was killed still serves the same AOF: stop it
  //    before starting another on the same files.
  if (state.redis) await stopLeftoverRedis(state.redis.url, state.redis.pid, redisDir(dataDir));

  const stops: Array<() => Promise<void>> = [
    // Runs last: the directory is free for the next stack.
    async () => {
      updateState(dataDir, (s) => (s.owner?.pid === process.pid ? { version: 1, secrets: s.secrets } : s));
    },
  ];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
  };
  try {
    // 5. Redis, then the simulators, then the apps that need them.
    const urls: EmbeddedUrls = {};
    let localRedis: LocalRedis | undefined;
    if (plan.redis.embedded) {
      const redis = new LocalRedis({ dir: redisDir(dataDir), detached: true });
      localRedis = redis;
      stops.push(async () => {
        await redis.stop();
        EMBEDDED_REDIS.delete(redis);
        updateState(dataDir, (s) => {
          const { redis: _stopped, ...rest } = s;
          return rest;
        });
      });
      EMBEDDED_REDIS.add(redis);
      await redis.start();
      updateState(dataDir, (s) => ({ ...s, redis: { url: redis.url, pid: redis.pid as number } }));
      urls.redis = redis.url;
    }
    // The receiver first (it needs only Redis), so the helpdesk simulators can send their
    // webhooks to it whenever a ticket changes through their API, as the helpdesks do.
    const receiverConfig = loadReceiverConfig(stackEnv(userEnv, plan, urls));
    const logger = (name: string, level: string) => createLogger({ name, level, destination: logOutput });
    let receiver: RunningReceiver;
    try {
      receiver = await startReceiver(receiverConfig, { logger: logger('receiver', receiverConfig.logLevel) });
    } catch (err) {
      if (!isAddressInUse(err)) throw err;
      throw new StackError('PORT_IN_USE', [
        `Port ${receiverConfig.port} is in use (is another pnpm start running?); set PORT to a free port.`,
      ]);
    }
    const stopReceiver = () => receiver.close();
    stops.push(stopReceiver);
    const simulators = await startEmbeddedSimulators(
      plan,
      stackEnv(userEnv, plan, 'placeholders'),
      stops,
      receiver.url,
    );
    Object.assign(urls, simulators);

    const env = stackEnv(userEnv, plan, urls);
    // The simulated portal sends its file events to the receiver, as `pnpm register-webhook`
    // sets up a real one, so files added to a room's Findings folder reach the ticket.
    if (plan.docspaceWebhook && urls.docspace) await registerSimulatedWebhook(urls.docspace, env, receiver.url);
    const workerConfig = loadWorkerConfig(env);
    let worker: RunningWorker;
    try {
      worker = await startWorker(workerConfig, {
        logger: logger('worker', workerConfig.logLevel),
        metricsServer: opts.workerMetrics ?? true,
      });
    } catch (err) {
      if (!isAddressInUse(err)) throw err;
      throw new StackError('PORT_IN_USE', [
        `WORKER_METRICS_PORT ${workerConfig.metrics.port} is in use; set WORKER_METRICS_PORT to a free port (0 picks one).`,
      ]);
    }
    stops.push(() => worker.close());
    // The receiver stops first: deliveries get 503 while the worker finishes, never a lost job.
    stops.splice(stops.indexOf(stopReceiver), 1);
    stops.push(stopReceiver);

    // 6. Tell `pnpm demo` where everything is.
    const dashboardUrl = receiverConfig.dashboard ? `${receiver.url}${DASHBOARD_PATH}` : undefined;
    updateState(dataDir, (s) => ({
      ...s,
      running: {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        receiverUrl: receiver.url,
        ...(dashboardUrl ? { dashboardUrl } : {}),
        queuePrefix: receiverConfig.queuePrefix,
        ...(localRedis ? { redisUrl: localRedis.url } : {}),
        real: realParts(plan),
        ...(workerConfig.findings ? { findingsBatchSeconds: workerConfig.findings.batchSeconds } : {}),
        simulators: Object.fromEntries(Object.entries(simulators).filter((e): e is [string, string] => !!e[1])),
      },
    }));
    let closing: Promise<void> | undefined;
    return {
      plan,
      dataDir,
      receiverUrl: receiver.url,
      dashboardUrl,
      generatedDashboard:
        plan.dashboard.origin === 'generated' && receiverConfig.dashboard
          ? { user: receiverConfig.dashboard.user, password: receiverConfig.dashboard.password }
          : undefined,
      redisShown: localRedis ? localRedis.url : describeRedisUrl(receiverConfig.redisUrl),
      redisUrl: receiverConfig.redisUrl,
      workerMetricsUrl: worker.metricsUrl,
      simulators,
      serviceUrls: {
        docspace: workerConfig.docspace.baseUrl,
        ...Object.fromEntries(
          SIMULATED_HELPDESKS.flatMap((h) => {
            const url = workerConfig.helpdesk[h]?.baseUrl;
            return url ? [[h, url]] : [];
          }),
        ),
      },
      queuePrefix: receiverConfig.queuePrefix,
      findingsBatchSeconds: workerConfig.findings?.batchSeconds,
      close() {
        closing ??= stopAll();
        return closing;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Registers the simulated DocSpace's webhook to the receiver, signed with the first `DOCSPACE_WEBHOOK_SECRET`. */
async function registerSimulatedWebhook(docspaceUrl: string, env: Env, receiverUrl: string): Promise<void> {
  const secret = env.DOCSPACE_WEBHOOK_SECRET?.split(',')
    .map((s) => s.trim())
    .find((s) => s !== '');
  if (!secret || !env.DOCSPACE_API_KEY) return;
  const client = createDocspaceClient({ baseUrl: docspaceUrl, apiKey: env.DOCSPACE_API_KEY });
  try {
    await registerDocspaceWebhook(client, {
      url: `${receiverUrl}${DOCSPACE_WEBHOOK_PATH}`,
      name: 'ticket-rooms',
      secret,
    });
  } finally {
    await client.close();
  }
}

/** The services that are the user's own: where the demo's tickets would create real rooms and notes. */
export function realParts(plan: StackPlan): string[] {
  return [
    ...(plan.docspace.embedded ? [] : ['docspace']),
    ...SIMULATED_HELPDESKS.filter((h) => !plan.helpdesks[h].embedded),
  ];
}

/**
 * Starts a simulator for DocSpace and each helpdesk the plan embeds, on free loopback ports. Each
 * helpdesk simulator accepts the credentials its write-back settings hold in `env`.
 */
async function startEmbeddedSimulators(
  plan: StackPlan,
  env: Env,
  stops: Array<() => Promise<void>>,
  receiverUrl: string,
): Promise<EmbeddedUrls> {
  const helpdesks: Record<string, object> = {};
  // Each simulated helpdesk sends its webhooks to the receiver, signed with its route's secret.
  const webhooks: Record<string, { secret?: string; token?: string }> = {};
  for (const h of WRITE_BACK_HELPDESKS) {
    if (!plan.helpdesks[h.source as Helpdesk].embedded) continue;
    const settings = h.writeBack.settings(env);
    if (settings) helpdesks[h.source] = settings;
    const first = (name: string | undefined) => (name ? env[name]?.split(',')[0]?.trim() : undefined) || undefined;
    const secret = first(h.inbound.credentials.secret);
    const token = first(h.inbound.credentials.token);
    if (secret || token) webhooks[h.source] = secret ? { secret } : { token: token as string };
  }
  const sims = await startSimulators({
    ...(plan.docspace.embedded ? { docspace: { apiKey: plan.secrets.DOCSPACE_API_KEY as string } } : {}),
    // Each adapter's settings carry what its simulator accepts, under the same names.
    helpdesks: helpdesks as StartSimulatorsOptions['helpdesks'],
    webhooks: { url: receiverUrl, ...webhooks } as StartSimulatorsOptions['webhooks'],
  });
  stops.push(() => sims.close());
  return { ...sims.urls };
}
