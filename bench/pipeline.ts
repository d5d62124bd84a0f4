// Pipeline benchmark (not a test): `pnpm exec tsx bench/pipeline.ts [--tickets 2000] [--concurrency 50]
//   [--latency 20] [--faults 0] [--rate 0] [--log-level info] [--cluster 3] [--mode both|pipeline|sync]
//   [--warmup 1000]`
//
// Runs, on this machine and in one go:
//   1. the DocSpace, Zendesk, Freshdesk and Jira simulators in one process of their own, every call
//      delayed by --latency ms, and --faults of the calls faulted (5xx, commit-then-drop, 429, hang);
//   2. with --mode sync or both, the synchronous design (bench/sync-design.ts) in a process of its
//      own: a Fastify handler that makes the same vendor calls inline, with the same clients, before
//      it answers; --concurrency deliveries are kept in flight against it;
//   3. with --mode pipeline or both: a Redis with AOF `appendfsync everysec` (as in production) in a
//      temporary directory, or REDIS_URL; the worker as its own process, as deployed (the
//      `apps/worker/dist/main.mjs` bundle under plain Node, built first),
//      WORKER_CONCURRENCY=--concurrency; and the receiver here, with the sender: --tickets signed
//      deliveries spread over the three helpdesks, as fast as the receiver takes them (or --rate
//      per second).
// Each design first handles --warmup tickets that are not measured. With --cluster N, Redis is a
// Redis Cluster of N primaries (AOF everysec, no replicas) and both apps run with QUEUE_SHARDS=N on
// it, for a side-by-side with one Redis on the same machine.
// Prints, for each design: tickets/s and DocSpace calls/s from the first delivery to the last note,
// vendor calls per ticket, CPU per ticket per process (from /proc), and the rooms, folder sets,
// notes and duplicates counted through the simulators' own read APIs; then the ratio of the two.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  basicAuthHeader,
  createRedisClient,
  LocalRedis,
  QUEUE_NAMES,
  type RedisClient,
  roomTag,
  shardPrefixes,
  ticketKey,
} from '@ticket-rooms/core';
import { createDocspaceClient, type Room } from '@ticket-rooms/docspace-client';
import { noteMarker, ZENDESK_TEST_SECRET } from '@ticket-rooms/helpdesk';
import { loadReceiverConfig, startReceiver } from '@ticket-rooms/receiver';
import { buildDelivery, startSimulators } from '@ticket-rooms/simulators';
import { LocalCluster } from '@ticket-rooms/testkit';
import { type Job, Queue } from 'bullmq';
import { pino } from 'pino';
import { WORKER_NODE_FLAGS } from '../apps/worker/test/support/child-worker';
import { bundleApp } from '../scripts/bundle-app';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const VENDORS = ['zendesk', 'freshdesk', 'jira'] as const;
type Vendor = (typeof VENDORS)[number];
const CREDS = {
  zendesk: { email: 'agent@zendesk.test', apiToken: 'bench-zendesk-token' },
  freshdesk: { apiKey: 'bench-freshdesk-key' },
  jira: { email: 'agent@jira.test', apiToken: 'bench-jira-token' },
  docspaceKey: `sk-${'0'.repeat(64)}`,
  freshdeskWebhookToken: 'bench-freshdesk-webhook-token',
  jiraWebhookSecret: 'bench-jira-webhook-secret',
};
const TENANT: Record<Vendor, string> = {
  zendesk: '22129848',
  freshdesk: 'bench.freshdesk.com',
  jira: 'bench.atlassian.net',
};

const { values: args } = parseArgs({
  options: {
    tickets: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    latency: { type: 'string', default: '20' },
    faults: { type: 'string', default: '0' },
    rate: { type: 'string', default: '0' },
    'log-level': { type: 'string', default: 'info' },
    role: { type: 'string', default: 'bench' },
    'timeout-s': { type: 'string', default: '1800' },
    cluster: { type: 'string', default: '0' },
    // The DocSpace simulator's request budget (a token bucket; 0: none) and the worker's
    // DOCSPACE_RATE_LIMIT (0: unset, the worker learns the rate from the 429s).
    'docspace-budget': { type: 'string', default: '0' },
    'docspace-burst': { type: 'string', default: '10' },
    'worker-rate-limit': { type: 'string', default: '0' },
    // Samples DocSpace's answers and the worker's learnt rate every 250 ms, reported per second.
    timeline: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    // `sync`: the synchronous design alone; `both`: it, then the pipeline, in one run.
    mode: { type: 'string', default: 'both' },
    // Tickets each design handles before the measured ones: the JIT is warm, and the worker's
    // adaptive DocSpace limiter has learnt the rate, as in a worker that has been running.
    warmup: { type: 'string', default: '1000' },
  },
});

function num(name: keyof typeof args, min: number): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}`);
  return value;
}

/** `--faults 0.1`: one call in ten faulted, split across the kinds the simulators inject. */
function faultConfig(latencyMs: number, share: number) {
  if (share === 0) return { latencyMs };
  return {
    latencyMs,
    errorRate: share * 0.4,
    dropAfterCommitRate: share * 0.3,
    rateLimitRate: share * 0.2,
    retryAfterSeconds: 1,
    hangRate: share * 0.1,
    hangMs: 1_000,
  };
}

// -------------------------------------------------------------------------------------------------
// The simulators' process.

async function runSimulators(): Promise<void> {
  const faults = faultConfig(num('latency', 0), num('faults', 0));
  const sims = await startSimulators({
    docspace: {
      apiKey: CREDS.docspaceKey,
      faults:
        num('docspace-budget', 0) > 0
          ? { ...faults, rateLimit: { perSecond: num('docspace-budget', 0), burst: num('docspace-burst', 1) } }
          : faults,
    },
    helpdesks: { zendesk: CREDS.zendesk, freshdesk: CREDS.freshdesk, jira: CREDS.jira },
    helpdeskFaults: faults,
  });
  process.stdout.write(`${JSON.stringify(sims.urls)}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await sims.close();
  process.exit(0);
}

/** BENCH_NODE_FLAGS (say `--cpu-prof`) go to every process the benchmark starts. */
function spawnNode(argv: string[], env: NodeJS.ProcessEnv, stdout: 'pipe' | 'ignore' | number): ChildProcess {
  const flags = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
  return spawn(process.execPath, [...flags, ...argv], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

async function spawnSimulators(): Promise<{ child: ChildProcess; urls: Record<'docspace' | Vendor, string> }> {
  const child = spawnNode(
    [
      '--import',
      'tsx',
      'bench/pipeline.ts',
      '--role',
      'sims',
      '--latency',
      String(args.latency),
      '--faults',
      String(args.faults),
      '--docspace-budget',
      String(args['docspace-budget']),
      '--docspace-burst',
      String(args['docspace-burst']),
    ],
    {},
    'pipe',
  );
  const urls = await firstJsonLine<Record<'docspace' | Vendor, string>>(child, 'the simulators');
  return { child, urls };
}

/** The first JSON line a child process prints once it listens (its URLs). */
function firstJsonLine<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as T);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before listening`)));
  });
}

// -------------------------------------------------------------------------------------------------
// Measuring.

/** CPU seconds a process has used so far (user + system), from /proc; 0 where there is no /proc. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function simStats(url: string): Promise<number> {
  return (await simStatuses(url)).total;
}

async function simStatuses(url: string): Promise<{ total: number; byStatus: Record<string, number> }> {
  const res = await fetch(`${url}/__sim/stats`);
  return (await res.json()) as { total: number; byStatus: Record<string, number> };
}

interface TimelineSecond {
  /** Seconds since the first delivery. */
  s: number;
  answered: number;
  refused: number;
  /** The adaptive limiter's rate at the end of the second, when it has one. */
  rate?: number;
}

/**
 * Polls the DocSpace simulator's counts and the adaptive limiter's state every 250 ms, so a run
 * shows when its 429s came and what the rate was then; `stop` folds the samples into seconds.
 */
function sampleTimeline(docspaceUrl: string, redis: RedisClient, limiterKey: string) {
  const samples: Array<{ at: number; total: number; refused: number; rate?: number }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const [stats, rate] = await Promise.all([simStatuses(docspaceUrl), redis.hget(limiterKey, 'rate')]);
      samples.push({
        at: Date.now(),
        total: stats.total,
        refused: stats.byStatus['429'] ?? 0,
        ...(rate === null ? {} : { rate: Number(rate) }),
      });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop(started: number): Promise<TimelineSecond[]> {
      running = false;
      await loop;
      const seconds: TimelineSecond[] = [];
      let prev = { total: 0, refused: 0 };
      for (const sample of samples) {
        const s = Math.floor((sample.at - started) / 1000);
        if (s < 0) {
          prev = sample;
          continue;
        }
        const row = seconds[s] ?? { s, answered: 0, refused: 0 };
        const refused = sample.refused - prev.refused;
        row.answered += sample.total - prev.total - refused;
        row.refused += refused;
        if (sample.rate !== undefined) row.rate = Math.round(sample.rate);
        seconds[s] = row;
        prev = sample;
      }
      return [...seconds].map((row, s) => row ?? { s, answered: 0, refused: 0 });
    },
  };
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

/** Notes carrying `marker` on a ticket, read through the vendor's own API. */
async function countNotes(urls: Record<Vendor, string>, vendor: Vendor, ticketId: string, marker: string) {
  let res: Response;
  if (vendor === 'zendesk') {
    res = await fetch(`${urls.zendesk}/api/v2/tickets/${ticketId}/comments.json`, {
      headers: { authorization: basicAuthHeader(`${CREDS.zendesk.email}/token`, CREDS.zendesk.apiToken) },
    });
  } else if (vendor === 'freshdesk') {
    res = await fetch(`${urls.freshdesk}/api/v2/tickets/${ticketId}/conversations?per_page=100`, {
      headers: { authorization: basicAuthHeader(CREDS.freshdesk.apiKey, 'X') },
    });
  } else {
    res = await fetch(`${urls.jira}/rest/servicedeskapi/request/${ticketId}/comment?limit=100`, {
      headers: { authorization: basicAuthHeader(CREDS.jira.email, CREDS.jira.apiToken) },
    });
  }
  const body = (await res.json()) as unknown;
  const list: unknown[] = Array.isArray(body)
    ? body
    : ((body as { comments?: unknown[]; values?: unknown[] }).comments ??
      (body as { values?: unknown[] }).values ??
      []);
  return list.filter((note) => JSON.stringify(note).includes(marker)).length;
}

// -------------------------------------------------------------------------------------------------
// The benchmark.

const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: Math.max(64, Number(args.concurrency)) });

/**
 * Sends one delivery on a keep-alive connection: the sender shares this process with the
 * receiver, and `fetch` costs about twice the CPU per request.
 */
function post(baseUrl: string, d: { path: string; headers: Record<string, string>; body: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${d.path}`, { method: 'POST', headers: d.headers, agent: keepAlive }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(d.body);
  });
}

interface Ticket {
  vendor: Vendor;
  ticketId: string;
  key: string;
  acceptedAt: number;
}

/** Undone in reverse order when the run ends, however it ends: no process or Redis is left behind. */
const cleanups: Array<() => unknown> = [];

function stopChild(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

type Sims = Awaited<ReturnType<typeof spawnSimulators>>;

/** What one design did with its tickets, for the report and the side-by-side. */
interface ModeRun {
  sent: Ticket[];
  rejected: string[];
  sendSeconds: number;
  /** From the first delivery to the last ticket done (note posted). */
  seconds: number;
  docspaceCalls: number;
  refused: number;
  helpdeskCalls: number;
  /** CPU seconds each process used during the run. */
  cpu: Record<string, number>;
  /** Rows only this design has. */
  rows: Array<[string, string]>;
  /** DocSpace calls answered per second from the first delivery to the last room job (the pipeline). */
  roomsPhasePerSecond?: number;
  /** `--timeline`: DocSpace's answers and the learnt rate, per second (the pipeline). */
  timeline?: TimelineSecond[];
}

function ticketPlan(tickets: number, runId: number) {
  return Array.from({ length: tickets }, (_, i) => {
    const vendor = VENDORS[i % VENDORS.length] as Vendor;
    const n = runId * 10_000 + i + 1;
    return { vendor, ticketId: vendor === 'jira' ? `BENCH-${n}` : String(n), i };
  });
}

type Plan = ReturnType<typeof ticketPlan>;

function deliveryOf(vendor: Vendor, ticketId: string) {
  return buildDelivery(vendor, {
    ticketId,
    subject: `Printer on fire ${ticketId}`,
    tenant: TENANT[vendor],
    ...(vendor === 'freshdesk' ? { token: CREDS.freshdeskWebhookToken } : {}),
    ...(vendor === 'jira' ? { secret: CREDS.jiraWebhookSecret } : {}),
  });
}

/** The worker's variables, for the worker and for the synchronous design alike. */
function vendorEnv(sims: Sims, concurrency: number): Record<string, string> {
  return {
    DOCSPACE_URL: sims.urls.docspace,
    DOCSPACE_API_KEY: CREDS.docspaceKey,
    WORKER_CONCURRENCY: String(concurrency),
    LOG_LEVEL: String(args['log-level']),
    ZENDESK_URL: sims.urls.zendesk,
    ZENDESK_EMAIL: CREDS.zendesk.email,
    ZENDESK_API_TOKEN: CREDS.zendesk.apiToken,
    FRESHDESK_URL: sims.urls.freshdesk,
    FRESHDESK_API_KEY: CREDS.freshdesk.apiKey,
    JIRA_URL: sims.urls.jira,
    JIRA_EMAIL: CREDS.jira.email,
    JIRA_API_TOKEN: CREDS.jira.apiToken,
  };
}

async function resetSimStats(sims: Sims): Promise<void> {
  await Promise.all(Object.values(sims.urls).map((url) => fetch(`${url}/__sim/stats/reset`, { method: 'POST' })));
}

async function vendorCalls(sims: Sims) {
  const docspace = await simStatuses(sims.urls.docspace);
  const helpdesk =
    (await simStats(sims.urls.zendesk)) + (await simStats(sims.urls.freshdesk)) + (await simStats(sims.urls.jira));
  return { docspace: docspace.total, refused: docspace.byStatus['429'] ?? 0, helpdesk };
}

/**
 * The synchronous design (bench/sync-design.ts) in a process of its own: each delivery's vendor
 * calls made inline before the answer, `concurrency` deliveries in flight at all times.
 */
async function runSync(sims: Sims, plan: Plan, warmup: Plan, concurrency: number): Promise<ModeRun> {
  const server = spawnNode(
    ['--import', 'tsx', 'bench/sync-design.ts'],
    {
      ...vendorEnv(sims, concurrency),
      PORT: '0',
      ZENDESK_WEBHOOK_SECRET: ZENDESK_TEST_SECRET,
      FRESHDESK_WEBHOOK_TOKEN: CREDS.freshdeskWebhookToken,
      JIRA_WEBHOOK_SECRET: CREDS.jiraWebhookSecret,
    },
    'pipe',
  );
  cleanups.push(() => stopChild(server));
  const { url } = await firstJsonLine<{ url: string }>(server, 'the synchronous design');
  await inBatches(warmup, concurrency, async ({ vendor, ticketId }) => {
    await post(url, deliveryOf(vendor, ticketId));
  });
  await resetSimStats(sims);
  const cpuAtStart = {
    server: cpuSeconds(server.pid),
    simulators: cpuSeconds(sims.child.pid),
    self: cpuSeconds(process.pid),
  };
  const sent: Ticket[] = [];
  const rejected: string[] = [];
  const started = Date.now();
  const durations: number[] = [];
  await inBatches(plan, concurrency, async ({ vendor, ticketId }) => {
    const at = Date.now();
    const res = await post(url, deliveryOf(vendor, ticketId));
    if (res.status !== 200) {
      rejected.push(`${vendor} ${ticketId}: ${res.status} ${res.body}`);
      return;
    }
    durations.push(Date.now() - at);
    sent.push({ vendor, ticketId, key: '', acceptedAt: Date.now() });
  });
  const seconds = (Date.now() - started) / 1000;
  const cpu = {
    'sync server': cpuSeconds(server.pid) - cpuAtStart.server,
    simulators: cpuSeconds(sims.child.pid) - cpuAtStart.simulators,
    sender: cpuSeconds(process.pid) - cpuAtStart.self,
  };
  const calls = await vendorCalls(sims);
  durations.sort((a, b) => a - b);
  await stopChild(server);
  return {
    sent,
    rejected,
    sendSeconds: seconds,
    seconds,
    docspaceCalls: calls.docspace,
    refused: calls.refused,
    helpdeskCalls: calls.helpdesk,
    cpu,
    rows: [
      [
        'delivery → answer (all calls made) p50 / p99',
        `${percentile(durations, 50)} ms / ${percentile(durations, 99)} ms`,
      ],
    ],
  };
}

async function runPipeline(sims: Sims, plan: Plan, warmup: Plan, concurrency: number): Promise<ModeRun> {
  const tickets = plan.length;
  const rate = num('rate', 0);
  const shards = num('cluster', 0);
  const latencyMs = num('latency', 0);
  // Braced for one Redis (as a cluster deployment would be); sharded prefixes add their own braces.
  const prefix =
    shards > 0 ? `bench-pipeline-${randomUUID().slice(0, 6)}` : `{bench-pipeline-${randomUUID().slice(0, 6)}}`;

  // 1. Redis: one node, or a cluster of `shards` primaries with one shard each.
  const dir = mkdtempSync(join(tmpdir(), 'bench-pipeline-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const local = process.env.REDIS_URL || shards > 0 ? undefined : await new LocalRedis({ dir }).start();
  cleanups.push(() => local?.stop());
  const cluster = shards > 0 ? await LocalCluster.start(dir, shards) : undefined;
  cleanups.push(() => cluster?.stop());
  const redisUrl = cluster ? 'redis://127.0.0.1:6379' : (process.env.REDIS_URL ?? (local as LocalRedis).url);
  const topologyEnv: Record<string, string> = cluster
    ? {
        REDIS_CLUSTER_NODES: cluster.addresses.map((a) => `${a.host}:${a.port}`).join(','),
        QUEUE_SHARDS: String(shards),
      }
    : {};
  const redisPids = () => (cluster ? cluster.nodes.map((n) => n.pid) : [local?.pid]);
  const redisCpu = () => redisPids().reduce<number>((sum, pid) => sum + (pid ? cpuSeconds(pid) : 0), 0);

  // 3. The worker, in its own process: the production bundle, as its Docker image runs it.
  await bundleApp(join(ROOT, 'apps/worker'));
  const worker = spawnNode(
    // With the image's V8 flags too (apps/worker/Dockerfile): its young generation is small.
    ['--enable-source-maps', ...WORKER_NODE_FLAGS, 'apps/worker/dist/main.mjs'],
    {
      ...vendorEnv(sims, concurrency),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      ...topologyEnv,
      // Per shard: the same jobs in flight in total, whatever the shard count.
      WORKER_CONCURRENCY: String(Math.ceil(concurrency / Math.max(1, shards))),
      WORKER_METRICS_PORT: '0',
      ...(num('worker-rate-limit', 0) > 0 ? { DOCSPACE_RATE_LIMIT: String(args['worker-rate-limit']) } : {}),
    },
    // BENCH_WORKER_LOG=<file> keeps the worker's log lines for a closer look.
    process.env.BENCH_WORKER_LOG ? openSync(process.env.BENCH_WORKER_LOG, 'w') : 'ignore',
  );
  cleanups.push(() => stopChild(worker));
  const client: RedisClient = createRedisClient(
    cluster ? { kind: 'cluster', url: redisUrl, nodes: cluster.addresses } : { kind: 'standalone', url: redisUrl },
    { role: 'worker' },
  );
  cleanups.push(() => client.disconnect());
  const prefixes = shards > 0 ? shardPrefixes(prefix, shards, { cluster: true }) : [prefix];
  const roomQueues = prefixes.map((p) => new Queue(QUEUE_NAMES.rooms, { connection: client, prefix: p }));
  const notes = prefixes.flatMap((p) =>
    Object.values(QUEUE_NAMES.notes).map((name) => new Queue(name, { connection: client, prefix: p })),
  );
  const attachments = prefixes.map((p) => new Queue(QUEUE_NAMES.attachments, { connection: client, prefix: p }));
  cleanups.push(() => Promise.all([...roomQueues, ...notes, ...attachments].map((q) => q.close())));
  while ((await (roomQueues[0] as Queue).getWorkersCount()) === 0) await new Promise((r) => setTimeout(r, 100));

  // 4. The receiver, here.
  const receiver = await startReceiver(
    loadReceiverConfig({
      PORT: '0',
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      ...topologyEnv,
      ZENDESK_WEBHOOK_SECRET: ZENDESK_TEST_SECRET,
      FRESHDESK_WEBHOOK_TOKEN: CREDS.freshdeskWebhookToken,
      JIRA_WEBHOOK_SECRET: CREDS.jiraWebhookSecret,
      LOG_LEVEL: 'warn',
    }),
    { logger: pino({ level: 'warn' }) },
  );
  cleanups.push(() => receiver.close());

  // Notes posted (or failed for good) are counted by polling the notes queues' counts: cheaper
  // than following their event streams, and this process's CPU is part of what is measured.
  const settledCount = async () => {
    let n = 0;
    for (const q of notes) {
      const counts = await q.getJobCounts('completed', 'failed');
      n += (counts.completed ?? 0) + (counts.failed ?? 0);
    }
    return n;
  };
  /** Until the attachments queues are idle too: their listings are part of what a ticket costs. */
  const attachmentsIdle = async () => {
    for (;;) {
      let busy = 0;
      for (const q of attachments) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        busy += Object.values(counts).reduce((a, b) => a + b, 0);
      }
      if (busy === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let allSettled: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  let polling = true;
  const poll = async () => {
    while (polling) {
      if ((await settledCount()) >= warmup.length + sent.length) return allSettled();
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // Warm-up: tickets sent and finished before anything is measured.
  if (warmup.length > 0) {
    await inBatches(warmup, 32, async ({ vendor, ticketId }) => {
      await post(receiver.url, deliveryOf(vendor, ticketId));
    });
    while ((await settledCount()) < warmup.length) await new Promise((r) => setTimeout(r, 100));
    await attachmentsIdle();
  }
  await resetSimStats(sims);
  // Redis's command counts from here on: the scripts a ticket costs, a figure the machine's load
  // does not change.
  if (!cluster) await client.call('CONFIG', 'RESETSTAT');
  const cpuAtStart = {
    worker: cpuSeconds(worker.pid),
    simulators: cpuSeconds(sims.child.pid),
    self: cpuSeconds(process.pid),
    redis: redisCpu(),
  };
  const timeline = args.timeline
    ? sampleTimeline(sims.urls.docspace, client, `${prefix}:docspace-adaptive-rate`)
    : undefined;

  // 5. Send.
  const sent: Ticket[] = [];
  const rejected: string[] = [];
  const started = Date.now();
  await inBatches(plan, 32, async ({ vendor, ticketId, i }) => {
    if (rate > 0) {
      const due = started + (i / rate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const res = await post(receiver.url, deliveryOf(vendor, ticketId));
    if (res.status !== 202) {
      rejected.push(`${vendor} ${ticketId}: ${res.status} ${res.body}`);
      return;
    }
    sent.push({ vendor, ticketId, key: (JSON.parse(res.body) as { jobId: string }).jobId, acceptedAt: Date.now() });
  });
  const sendSeconds = (Date.now() - started) / 1000;

  const timeout = setTimeout(() => allSettled(), num('timeout-s', 1) * 1000);
  // A worker that dies ends the wait: what it did not finish is reported as missing.
  const onWorkerExit = (code: number | null) => {
    process.stderr.write(`the worker exited (${code}) before every note was posted\n`);
    allSettled();
  };
  worker.once('exit', onWorkerExit);
  if (sent.length > 0) {
    void poll();
    await done;
  }
  polling = false;
  const perSecond = await timeline?.stop(started);
  clearTimeout(timeout);
  const notesDoneAt = Date.now();
  await attachmentsIdle();
  worker.off('exit', onWorkerExit);
  const cpu = {
    worker: cpuSeconds(worker.pid) - cpuAtStart.worker,
    simulators: cpuSeconds(sims.child.pid) - cpuAtStart.simulators,
    'receiver + sender': cpuSeconds(process.pid) - cpuAtStart.self,
    redis: redisCpu() - cpuAtStart.redis,
  };

  // 6. Measure: when each note was posted, and how many calls the vendors saw.
  const failed = new Map<string, string>();
  for (const q of notes) {
    for (const job of await q.getJobs(['failed'], 0, tickets)) failed.set(job.id as string, job.failedReason);
  }
  const noteJobs = new Map<string, Job>();
  for (const q of notes) {
    for (const job of await q.getJobs(['completed'], 0, -1)) noteJobs.set(job.id as string, job);
  }
  const latencies: number[] = [];
  let lastPosted = started;
  for (const t of sent) {
    const job = noteJobs.get(`note-${t.key}`);
    if (!job?.finishedOn) continue;
    latencies.push(job.finishedOn - t.acceptedAt);
    lastPosted = Math.max(lastPosted, job.finishedOn);
  }
  latencies.sort((a, b) => a - b);
  // How long a job was in a worker's hands, against the sum of its calls' latencies.
  const activeMs = (jobs: Job[]) =>
    jobs
      .filter((j) => j.finishedOn && j.processedOn)
      .map((j) => (j.finishedOn as number) - (j.processedOn as number))
      .sort((a, b) => a - b);
  const measured = new Set(sent.map((t) => t.key));
  const roomJobs = (await Promise.all(roomQueues.map((q) => q.getJobs(['completed'], 0, -1))))
    .flat()
    .filter((j) => measured.has(j.id as string));
  const roomActive = activeMs(roomJobs);
  const noteActive = activeMs([...noteJobs.values()]);
  const calls = await vendorCalls(sims);
  // DocSpace calls answered (not 429) per second, from the first delivery to the last room job.
  const lastRoom = Math.max(started, ...roomJobs.map((j) => j.finishedOn ?? 0));
  const roomsPhasePerSecond = (calls.docspace - calls.refused) / ((lastRoom - started) / 1000);
  const docspacePerTicket = calls.docspace / Math.max(1, sent.length);
  const helpdeskPerTicket = calls.helpdesk / Math.max(1, sent.length);
  // Each room job makes its DocSpace calls one after another, so C jobs in flight finish at most
  // C / (calls × latency) tickets per second; the notes queues (C per helpdesk) are never the limit.
  const ideal = concurrency / ((docspacePerTicket * latencyMs) / 1000);
  const throughput = latencies.length / ((lastPosted - started) / 1000);

  const commandStats = cluster ? '' : await client.info('commandstats');
  const scriptsPerTicket = Number(/cmdstat_evalsha:calls=(\d+)/.exec(commandStats)?.[1] ?? Number.NaN) / sent.length;
  if (process.env.BENCH_REDIS_STATS && !cluster) {
    // Which Redis commands a ticket costs, for finding where the time goes.
    const rows = commandStats
      .split('\n')
      .filter((l) => l.startsWith('cmdstat_'))
      .map((l) => {
        const [name, rest] = l.slice(8).split(':');
        const calls = Number(/calls=(\d+)/.exec(rest ?? '')?.[1]);
        const usec = Number(/usec=(\d+)/.exec(rest ?? '')?.[1]);
        return { name, perTicket: calls / sent.length, usecPerTicket: usec / sent.length };
      })
      .sort((a, b) => b.usecPerTicket - a.usecPerTicket);
    for (const r of rows.slice(0, 15)) {
      process.stdout.write(
        `  redis ${r.name}: ${r.perTicket.toFixed(1)} calls, ${r.usecPerTicket.toFixed(0)} µs per ticket\n`,
      );
    }
  }
  // Stopped now, so that nothing of the pipeline runs during what is measured after it.
  await stopChild(worker);

  return {
    sent,
    rejected,
    sendSeconds,
    seconds: (lastPosted - started) / 1000,
    docspaceCalls: calls.docspace,
    refused: calls.refused,
    helpdeskCalls: calls.helpdesk,
    cpu,
    roomsPhasePerSecond,
    ...(perSecond ? { timeline: perSecond } : {}),
    rows: [
      ['Redis', cluster ? `cluster of ${shards} primaries, QUEUE_SHARDS=${shards}` : 'one redis-server'],
      ['send phase', `${sendSeconds.toFixed(1)} s (${(sent.length / sendSeconds).toFixed(0)} deliveries/s)`],
      [
        'ideal (C / (DocSpace calls × latency))',
        `${ideal.toFixed(1)} = ${concurrency} / (${docspacePerTicket.toFixed(2)} × ${latencyMs} ms); ratio ${(throughput / ideal).toFixed(2)}`,
      ],
      ['202 → note posted p50 / p99', `${percentile(latencies, 50)} ms / ${percentile(latencies, 99)} ms`],
      [
        'job in a worker p50 / p99: room, note',
        `${percentile(roomActive, 50)} / ${percentile(roomActive, 99)} ms, ${percentile(noteActive, 50)} / ${percentile(noteActive, 99)} ms (calls alone: ${Math.round(docspacePerTicket * latencyMs)}, ${Math.round(helpdeskPerTicket * latencyMs)} ms)`,
      ],
      [
        'DocSpace calls/s until the last room job, 429 share',
        `${roomsPhasePerSecond.toFixed(1)}, ${((calls.refused / Math.max(1, calls.docspace)) * 100).toFixed(2)} % (${calls.refused} of ${calls.docspace})`,
      ],
      ['note jobs failed for good', `${failed.size}${failed.size ? ` (${[...failed.values()][0]})` : ''}`],
      [
        'Redis scripts per ticket',
        `${scriptsPerTicket.toFixed(1)} (receiver, worker, and this process polling the queues' counts)`,
      ],
      ['attachment listings done after the last note', `${((Date.now() - notesDoneAt) / 1000).toFixed(1)} s later`],
    ],
  };
}

/** Rooms per ticket tag, folder sets and notes per marker, through the simulators' read APIs. */
async function countOutcomes(sims: Sims, sent: readonly Ticket[]) {
  const reader = createDocspaceClient({ baseUrl: sims.urls.docspace, apiKey: CREDS.docspaceKey });
  const allRooms: Room[] = await reader.findRoomsByTag('ticket-rooms');
  const roomsByTag = new Map<string, Room[]>();
  for (const room of allRooms) {
    for (const tag of room.tags) {
      if (!tag.startsWith('tr-')) continue;
      roomsByTag.set(tag, [...(roomsByTag.get(tag) ?? []), room]);
    }
  }
  const counts = { missingRooms: 0, duplicateRooms: 0, badFolderSets: 0, missingNotes: 0, duplicateNotes: 0 };
  await inBatches(sent, 16, async (t) => {
    const ref = { source: t.vendor, tenant: TENANT[t.vendor], ticketId: t.ticketId };
    const found = roomsByTag.get(roomTag(ref)) ?? [];
    if (found.length === 0) counts.missingRooms += 1;
    counts.duplicateRooms += Math.max(0, found.length - 1);
    if (found[0]) {
      const titles = (await reader.listFolders(found[0].id)).map((f) => f.title).sort();
      if (titles.join('|') !== 'Attachments|Findings|Logs') counts.badFolderSets += 1;
    }
    const count = await countNotes(sims.urls, t.vendor, t.ticketId, noteMarker(ticketKey(ref)));
    if (count === 0) counts.missingNotes += 1;
    counts.duplicateNotes += Math.max(0, count - 1);
  });
  await reader.close();
  return counts;
}

async function runBench(): Promise<boolean> {
  const tickets = num('tickets', 1);
  const concurrency = num('concurrency', 1);
  const latencyMs = num('latency', 0);
  const faultShare = num('faults', 0);
  const mode = String(args.mode);
  if (!['both', 'pipeline', 'sync'].includes(mode)) throw new Error('--mode must be both, pipeline or sync');

  // 2. Simulators, in their own process, shared by both designs (their counts reset before each).
  const sims = await spawnSimulators();
  cleanups.push(() => stopChild(sims.child));

  // The synchronous design first, then the pipeline; each with tickets of its own.
  const runId = Date.now() % 100_000;
  const runs: Array<[string, ModeRun]> = [];
  const warmup = num('warmup', 0);
  if (mode !== 'pipeline') {
    const plan = ticketPlan(tickets, runId * 10 + 1);
    runs.push(['sync', await runSync(sims, plan, ticketPlan(warmup, runId * 10 + 3), concurrency)]);
  }
  if (mode !== 'sync') {
    const plan = ticketPlan(tickets, runId * 10 + 2);
    runs.push(['pipeline', await runPipeline(sims, plan, ticketPlan(warmup, runId * 10 + 4), concurrency)]);
  }

  // 7. Count through the simulators' read APIs: rooms per ticket tag, folder sets, notes per marker.
  //    Faults and latency are off for the count: it reads, it is not measured.
  for (const url of Object.values(sims.urls)) {
    await fetch(`${url}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  }
  let ok = true;
  const summary: Record<string, { docspacePerSecond: number; ticketsPerSecond: number; workerCpuMs?: number }> = {};
  for (const [name, run] of runs) {
    const c = await countOutcomes(sims, run.sent);
    ok &&= Object.values(c).every((n) => n === 0) && run.sent.length === tickets;
    // 8. Report.
    const n = Math.max(1, run.sent.length);
    const docspacePerTicket = run.docspaceCalls / n;
    const helpdeskPerTicket = run.helpdeskCalls / n;
    const docspacePerSecond = (run.docspaceCalls - run.refused) / run.seconds;
    const ticketsPerSecond = run.sent.length / run.seconds;
    summary[name] = {
      docspacePerSecond,
      ticketsPerSecond,
      ...(run.cpu.worker === undefined ? {} : { workerCpuMs: (run.cpu.worker * 1000) / n }),
    };
    const rows: Array<[string, string]> = [
      [
        'tickets sent / done',
        `${tickets} / ${run.sent.length}${run.rejected.length ? ` (${run.rejected.length} refused: ${run.rejected[0]})` : ''}`,
      ],
      [
        'concurrency, latency per call, calls faulted, warm-up',
        `${concurrency}, ${latencyMs} ms, ${(faultShare * 100).toFixed(0)} %, ${warmup} tickets first`,
      ],
      ['tickets per second (first delivery → last ticket done)', ticketsPerSecond.toFixed(1)],
      ['DocSpace calls per second (same span)', docspacePerSecond.toFixed(1)],
      [
        'vendor calls per ticket',
        `${(docspacePerTicket + helpdeskPerTicket).toFixed(2)} (DocSpace ${docspacePerTicket.toFixed(2)}, helpdesk ${helpdeskPerTicket.toFixed(2)})`,
      ],
      ...run.rows,
      [
        'rooms found / missing / duplicates',
        `${run.sent.length - c.missingRooms} / ${c.missingRooms} / ${c.duplicateRooms}`,
      ],
      ['rooms without exactly the 3 folders', String(c.badFolderSets)],
      [
        'notes found / missing / duplicates',
        `${run.sent.length - c.missingNotes} / ${c.missingNotes} / ${c.duplicateNotes}`,
      ],
      [
        'CPU per ticket',
        `${Object.entries(run.cpu)
          .map(([k, v]) => `${k} ${((v * 1000) / n).toFixed(2)} ms`)
          .join(', ')}; all ${((Object.values(run.cpu).reduce((a, b) => a + b, 0) * 1000) / n).toFixed(2)} ms`,
      ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    const title = name === 'sync' ? 'Synchronous design (bench/sync-design.ts)' : 'Pipeline benchmark';
    process.stdout.write(`\n${title}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({ mode: name, docspacePerSecond, refused: run.refused, docspaceCalls: run.docspaceCalls, tickets: run.sent.length, throughput: ticketsPerSecond, docspacePerTicket, cpu: run.cpu, roomsPhasePerSecond: run.roomsPhasePerSecond, timeline: run.timeline })}\n`,
      );
    }
  }
  const [sync, pipeline] = [summary.sync, summary.pipeline];
  if (sync && pipeline) {
    process.stdout.write(
      `\nPipeline / synchronous design: DocSpace calls per second ${(pipeline.docspacePerSecond / sync.docspacePerSecond).toFixed(2)} (target >= 1.0), tickets per second ${(pipeline.ticketsPerSecond / sync.ticketsPerSecond).toFixed(2)}; worker CPU per ticket ${pipeline.workerCpuMs?.toFixed(2)} ms (target <= 2.5)\n`,
    );
  }
  return ok;
}

if (args.role === 'sims') {
  await runSimulators();
} else {
  let ok = false;
  try {
    ok = await runBench();
  } finally {
    for (const undo of cleanups.reverse()) {
      try {
        await undo();
      } catch (err) {
        process.stderr.write(`cleanup: ${String(err)}\n`);
      }
    }
  }
  process.exit(ok ? 0 : 1);
}
