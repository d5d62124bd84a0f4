import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Env, freePort, LocalRedis } from '@ticket-rooms/core';
import {
  type DocspaceSimulator,
  type DocspaceSimulatorOptions,
  type FreshdeskSimulator,
  type JiraSimulator,
  SIM_GROUPS,
  SIM_USERS,
  startSimulators,
  type ZendeskSimulator,
} from '@ticket-rooms/simulators';
import { bundleApp } from '../../../scripts/bundle-app';
import { ChildApp, REPO_ROOT, trackPid, untrackPid } from './children';
import { receiverSecretEnv, type Secrets, workerSecretEnv } from './secrets';

export type FaultConfig = NonNullable<DocspaceSimulatorOptions['faults']>;

export interface StackOptions {
  /** Run directory: logs and the Redis data dir (AOF) go here. */
  dir: string;
  secrets: Secrets;
  queuePrefix: string;
  workers: number;
  /** Receiver variables on top of the defaults below. */
  receiverEnv?: Env;
  /** Worker variables on top of the defaults below. */
  workerEnv?: Env;
  docspaceFaults?: FaultConfig;
  helpdeskFaults?: FaultConfig;
  /** Start without a receiver or without workers (the fuzz run needs only the receiver). */
  withReceiver?: boolean;
  withWorkers?: boolean;
}

/** Folders each room gets in the runs, nested ones included. */
export const RUN_FOLDERS = ['Logs', 'Logs/App', 'Attachments', 'Findings'];

/** Who each room is shared with in the runs: a room manager and a group. */
export const RUN_SHARE = [
  { id: SIM_USERS.roomAdmin.id, role: 'RoomManager' },
  { id: SIM_GROUPS.support.id, role: 'Editing', type: 'group' },
];

/**
 * The apps as production runs them: each bundled (`scripts/bundle-app.ts`) into a file of this
 * stack's own inside the app's `dist/`, so stacks running side by side never read a file another
 * is writing. Returns the entries, relative to the repository root, and a function that removes them.
 */
async function bundleApps(): Promise<{ receiver: string; worker: string; remove(): void }> {
  const name = `dist/chaos-${randomUUID().slice(0, 8)}.mjs`;
  const entries = { receiver: `apps/receiver/${name}`, worker: `apps/worker/${name}` };
  for (const app of ['apps/receiver', 'apps/worker']) await bundleApp(join(REPO_ROOT, app), name);
  return {
    ...entries,
    remove: () => {
      for (const entry of Object.values(entries)) {
        rmSync(join(REPO_ROOT, entry), { force: true });
        rmSync(join(REPO_ROOT, `${entry}.map`), { force: true });
      }
    },
  };
}

/**
 * The whole service on loopback: Redis (AOF, fixed port and dir, so a restart replays it), the
 * receiver and workers as child processes running their production bundles, and the DocSpace and
 * helpdesk simulators in this process (they are what we count with; they are never killed).
 */
export class Stack {
  readonly redis: LocalRedis;
  readonly receiver: ChildApp | undefined;
  readonly workers: ChildApp[];
  readonly receiverUrl: string;
  readonly logFiles: string[] = [];
  redisKills = 0;

  private constructor(
    readonly opts: StackOptions,
    readonly docspace: DocspaceSimulator,
    readonly zendesk: ZendeskSimulator,
    readonly freshdesk: FreshdeskSimulator,
    readonly jira: JiraSimulator,
    redis: LocalRedis,
    receiverPort: number,
    private readonly bundles: Awaited<ReturnType<typeof bundleApps>>,
  ) {
    this.redis = redis;
    this.receiverUrl = `http://127.0.0.1:${receiverPort}`;
    const logs = join(opts.dir, 'logs');
    mkdirSync(logs, { recursive: true });

    const receiverLog = join(logs, 'receiver.log');
    this.receiver =
      opts.withReceiver === false
        ? undefined
        : new ChildApp({
            name: 'receiver',
            entry: bundles.receiver,
            readyText: '"msg":"receiver listening"',
            logFile: receiverLog,
            env: {
              PORT: String(receiverPort),
              HOST: '127.0.0.1',
              REDIS_URL: redis.url,
              QUEUE_PREFIX: opts.queuePrefix,
              LOG_LEVEL: 'info',
              SHUTDOWN_TIMEOUT_MS: '2000',
              ...receiverSecretEnv(opts.secrets),
              ...opts.receiverEnv,
            },
          });
    if (this.receiver) this.logFiles.push(receiverLog);

    const workerEnv: Env = {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: opts.queuePrefix,
      ...workerSecretEnv(opts.secrets, {
        docspace: docspace.baseUrl as string,
        zendesk: zendesk.baseUrl as string,
        freshdesk: freshdesk.baseUrl as string,
        jira: jira.baseUrl as string,
      }),
      DOCSPACE_TIMEOUT_MS: '2000',
      WORKER_CONCURRENCY: '16',
      ROOM_TYPE: 'custom',
      ROOM_FOLDERS: RUN_FOLDERS.join(','),
      ROOM_SHARE: JSON.stringify(RUN_SHARE),
      WORKER_METRICS_PORT: '0',
      // Short locks: a killed worker's jobs are taken over within a few seconds.
      WORKER_LOCK_DURATION_MS: '3000',
      WORKER_STALLED_INTERVAL_MS: '1500',
      WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'info',
      ...opts.workerEnv,
    };
    this.workers = [];
    if (opts.withWorkers !== false) {
      for (let i = 1; i <= opts.workers; i++) {
        const logFile = join(logs, `worker-${i}.log`);
        this.logFiles.push(logFile);
        this.workers.push(
          new ChildApp({
            name: `worker-${i}`,
            entry: bundles.worker,
            readyText: '"msg":"worker started"',
            logFile,
            env: workerEnv,
          }),
        );
      }
    }
  }

  static async start(opts: StackOptions): Promise<Stack> {
    mkdirSync(opts.dir, { recursive: true });
    // First, so nothing else is running yet if the build fails.
    const bundles = await bundleApps();
    const redis = new LocalRedis({ dir: join(opts.dir, 'redis'), appendfsync: 'everysec' });
    await redis.start();
    trackPid(redis.pid);
    const sims = await startSimulators({
      docspace: { apiKey: opts.secrets.docspaceApiKey, faults: opts.docspaceFaults ?? {} },
      helpdesks: {
        zendesk: { email: opts.secrets.zendeskEmail, apiToken: opts.secrets.zendeskApiToken },
        freshdesk: { apiKey: opts.secrets.freshdeskApiKey },
        jira: { email: opts.secrets.jiraEmail, apiToken: opts.secrets.jiraApiToken },
      },
      helpdeskFaults: opts.helpdeskFaults ?? {},
    });
    const { zendesk, freshdesk, jira } = sims.helpdesks;
    if (!sims.docspace || !zendesk || !freshdesk || !jira) throw new Error('a simulator did not start');
    const stack = new Stack(opts, sims.docspace, zendesk, freshdesk, jira, redis, await freePort(), bundles);
    try {
      await Promise.all([stack.receiver?.start(), ...stack.workers.map((w) => w.start())]);
    } catch (err) {
      await stack.close();
      throw err;
    }
    return stack;
  }

  get redisUrl(): string {
    return this.redis.url;
  }

  get apps(): ChildApp[] {
    return [...(this.receiver ? [this.receiver] : []), ...this.workers];
  }

  /** SIGKILL Redis, keep it down for `downMs`, then start it on the same port and dir (AOF replay). */
  async crashRedis(downMs: number): Promise<{ downMs: number }> {
    const started = Date.now();
    untrackPid(this.redis.pid);
    await this.redis.kill();
    this.redisKills += 1;
    await new Promise((r) => setTimeout(r, downMs));
    await this.redis.start();
    trackPid(this.redis.pid);
    return { downMs: Date.now() - started };
  }

  setDocspaceFaults(faults: FaultConfig): void {
    this.docspace.faults.set(faults);
  }

  setHelpdeskFaults(faults: FaultConfig): void {
    for (const sim of [this.zendesk, this.freshdesk, this.jira]) sim.faults.set(faults);
  }

  /** Faults off, so the counting reads see the simulators' true state. */
  faultsOff(): void {
    this.setDocspaceFaults({});
    this.setHelpdeskFaults({});
  }

  /** Stops everything this stack started; safe to call twice and after a failure. */
  async close(): Promise<void> {
    await Promise.allSettled(this.apps.map((a) => a.stop(5_000)));
    await Promise.allSettled(this.apps.map((a) => a.closeLog()));
    await Promise.allSettled([this.docspace, this.zendesk, this.freshdesk, this.jira].map((s) => s.close()));
    untrackPid(this.redis.pid);
    await this.redis.stop().catch(() => this.redis.kill());
    this.bundles.remove();
  }
}
