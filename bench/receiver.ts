// Receiver benchmark (not a test): `pnpm exec tsx bench/receiver.ts [--duration 10] [--connections 32] [--rate 1000]`
//
// Runs, on this machine and in one go:
//   1. a Redis with AOF `appendfsync everysec` (as in production), in a temporary directory;
//   2. the receiver as its own process, as deployed: the `dist/main.mjs` bundle, logging at info
//      (one line per delivery) to /dev/null;
//   3. a bare Fastify POST handler as its own process (same route, same bodies, no work);
//   4. the minimal correct receiver (bench/minimal-receiver.ts: HMAC, JSON.parse, one BullMQ add)
//      as its own process, the reference the receiver's targets are ratios against;
// then drives both as hard as autocannon can with signed Zendesk deliveries of distinct tickets,
// and the receiver once more at a steady 1,000 requests/s (open loop). Prints requests/s,
// p50/p99/p99.9, CPU per request, the receiver/bare ratio, p99 at the steady rate, and the
// receiver's peak RSS.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, LocalRedis, QUEUE_NAMES } from '@ticket-rooms/core';
import { buildDelivery } from '@ticket-rooms/simulators';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { bundleApp } from '../scripts/bundle-app';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'bench-zendesk-signing-secret';
const PREFIX = '{bench}';

/** V8 flags the receiver runs with, as in apps/receiver/Dockerfile; `--node-flags ""` drops them. */
const RECEIVER_NODE_FLAGS = ['--enable-source-maps', '--max-old-space-size=128'];

function textArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? '') : undefined;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The bare server: the floor any Fastify POST handler pays on this machine.

async function serveBare(port: number): Promise<void> {
  const app = Fastify();
  app.post('/webhooks/zendesk', async (_req, reply) =>
    reply.code(202).send({ status: 'accepted', jobId: 'bare', duplicate: false }),
  );
  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write('ready\n');
}

// ---------------------------------------------------------------------------------------------
// Load.

let ticketSeq = 0;
const runId = randomUUID().slice(0, 8);

/** A Zendesk `ticket.created` event delivery of a ticket never seen before, signed as Zendesk signs. */
function zendeskDelivery(): { headers: Record<string, string>; body: string } {
  const ticketId = `${runId}-${++ticketSeq}`;
  const { headers, body } = buildDelivery('zendesk', {
    ticketId,
    subject: `Cannot log in (${ticketId})`,
    secret: SECRET,
  });
  return { headers, body };
}

/**
 * Deliveries are built and signed before a run starts, so the load generator does little more
 * than send bytes while measuring: on two cores its own work would otherwise show up in both
 * servers' figures. Signatures stay within Zendesk's 5-minute tolerance for a run of minutes.
 */
function deliveryPool(size: number): () => { headers: Record<string, string>; body: string } {
  const pool = Array.from({ length: size }, zendeskDelivery);
  let next = 0;
  return () => pool[next++] ?? zendeskDelivery();
}

interface RunResult {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  ok: number;
  notOk: number;
  errors: number;
  /** CPU the server process spent per answered request: comparable even on a busy machine. */
  serverCpuMsPerReq: number;
  /** CPU Redis spent per answered request. */
  redisCpuMsPerReq: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** One autocannon run; latencies are kept exactly (sub-millisecond) from the per-response event. */
async function load(
  label: string,
  url: string,
  opts: {
    duration: number;
    connections: number;
    overallRate?: number;
    serverPid: number;
    redisPid: number;
    /** Deliveries built ahead of the run (more are built on the fly if they run out). */
    poolSize: number;
  },
): Promise<RunResult> {
  const latencies: number[] = [];
  const nextDelivery = deliveryPool(opts.poolSize);
  const serverCpu = cpuMs(opts.serverPid);
  const redisCpu = cpuMs(opts.redisPid);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/webhooks/zendesk`,
        connections: opts.connections,
        duration: opts.duration,
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
        requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...nextDelivery() }) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  const answered = Math.max(1, result['2xx'] + result.non2xx);
  return {
    label,
    rps: result.requests.average,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    ok: result['2xx'],
    notOk: result.non2xx,
    errors: result.errors + result.timeouts,
    serverCpuMsPerReq: (cpuMs(opts.serverPid) - serverCpu) / answered,
    redisCpuMsPerReq: (cpuMs(opts.redisPid) - redisCpu) / answered,
  };
}

/**
 * An open-loop run at a steady rate: one request every 1000/rate ms, whether or not earlier ones
 * were answered, as webhooks arrive. (autocannon's `overallRate` instead fires each second's
 * budget back to back and then waits, which measures bursts, not a steady 1,000 requests/s.)
 * A 3-second phase at the same rate opens the keep-alive connections first and is not measured.
 * Latency runs from the moment the schedule says a request is due, not from when it was sent, so
 * a sender held up (by its own event loop, or by waiting for a free socket) cannot hide queueing
 * ("coordinated omission"); `lagMs` says how far the sender fell behind its schedule.
 */
async function paced(
  label: string,
  url: string,
  opts: { duration: number; rate: number; serverPid: number; redisPid: number },
): Promise<
  RunResult & {
    lagMs: number;
    loop: { p99Ms: number; maxMs: number; gcPauses: number; gcMs: number; majorGcs: number };
  }
> {
  const target = new URL(`${url}/webhooks/zendesk`);
  // Keep-alive connections, opened during the warm-up phase so the measured phase reuses them.
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const intervalMs = 1000 / opts.rate;

  const phase = async (seconds: number) => {
    const total = Math.round(seconds * opts.rate);
    const nextDelivery = deliveryPool(total);
    const latencies: number[] = [];
    const counts = { ok: 0, notOk: 0, errors: 0, lagMs: 0 };
    const fire = (dueAt: number) =>
      new Promise<void>((resolve) => {
        const { headers, body } = nextDelivery();
        const req = request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                counts.ok++;
                latencies.push(performance.now() - dueAt);
              } else counts.notOk++;
              resolve();
            });
          },
        );
        req.on('error', () => {
          counts.errors++;
          resolve();
        });
        req.end(body);
      });

    const inFlight: Promise<void>[] = [];
    const start = performance.now();
    let sent = 0;
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
        if (due > sent) counts.lagMs = Math.max(counts.lagMs, now - (start + sent * intervalMs));
        while (sent < due) {
          inFlight.push(fire(start + sent * intervalMs));
          sent++;
        }
        if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
        else done();
      };
      tick();
    });
    await Promise.all(inFlight);
    return { ...counts, latencies, elapsedS: (performance.now() - start) / 1000 };
  };

  await phase(Math.min(3, opts.duration));
  // Reading the metrics resets prom-client's event-loop-delay histogram: what the run reads after
  // is the measured phase's own.
  await serverMetrics(url);
  const gcBefore = await serverMetrics(url);
  const serverCpu = cpuMs(opts.serverPid);
  const redisCpu = cpuMs(opts.redisPid);
  const measured = await phase(opts.duration);
  const serverCpuMs = cpuMs(opts.serverPid) - serverCpu;
  const redisCpuMs = cpuMs(opts.redisPid) - redisCpu;
  agent.destroy();
  const after = await serverMetrics(url);

  const sorted = Float64Array.from(measured.latencies).sort();
  const answered = Math.max(1, measured.ok + measured.notOk);
  return {
    label,
    rps: answered / measured.elapsedS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    ok: measured.ok,
    notOk: measured.notOk,
    errors: measured.errors,
    serverCpuMsPerReq: serverCpuMs / answered,
    redisCpuMsPerReq: redisCpuMs / answered,
    lagMs: measured.lagMs,
    loop: {
      p99Ms: (after.get('receiver_nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000,
      maxMs: (after.get('receiver_nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000,
      gcPauses: (after.get('gc_count') ?? 0) - (gcBefore.get('gc_count') ?? 0),
      gcMs: ((after.get('gc_sum') ?? 0) - (gcBefore.get('gc_sum') ?? 0)) * 1000,
      majorGcs: (after.get('gc_major') ?? 0) - (gcBefore.get('gc_major') ?? 0),
    },
  };
}

/** The receiver's own view: event-loop delay (prom-client's) and GC pauses from its /metrics. */
async function serverMetrics(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`);
  // The minimal receiver has no /metrics: its loop and GC figures are left out.
  if (!res.ok) return new Map();
  const text = await res.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+)(\{[^}]*\})? ([\d.eE+-]+|NaN)$/.exec(line);
    if (!m?.[1] || m[3] === undefined) continue;
    const [name, labels = '', value] = [m[1], m[2], Number(m[3])];
    if (name === 'receiver_nodejs_gc_duration_seconds_count') {
      values.set('gc_count', (values.get('gc_count') ?? 0) + value);
      if (labels.includes('kind="major"')) values.set('gc_major', (values.get('gc_major') ?? 0) + value);
    } else if (name === 'receiver_nodejs_gc_duration_seconds_sum') {
      values.set('gc_sum', (values.get('gc_sum') ?? 0) + value);
    } else if (!labels) values.set(name, value);
  }
  return values;
}

/** User + system CPU time of a process so far, in ms (Linux: /proc/<pid>/stat, 100 ticks/s). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the `(comm)`, which may itself contain spaces: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

// ---------------------------------------------------------------------------------------------
// Processes.

function startNode(args: string[], env: Record<string, string>, stdout: 'ignore' | 'pipe'): ChildProcess {
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (open it in
  // Chrome's DevTools), to see where a delivery's time goes.
  const profile = process.env.BENCH_CPU_PROF;
  if (profile) args = ['--cpu-prof', `--cpu-prof-dir=${profile}`, ...args];
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within 30 s`);
}

async function readyLine(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare server exited with code ${code}`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Empties Redis and compacts its AOF, waiting for the rewrite to finish. */
async function resetRedis(admin: Redis): Promise<void> {
  await admin.flushall();
  const rewriting = async () =>
    /aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(await admin.info('persistence'));
  while (await rewriting()) await new Promise((r) => setTimeout(r, 100));
  await admin.bgrewriteaof();
  while (await rewriting()) await new Promise((r) => setTimeout(r, 100));
}

async function delayedFsyncs(admin: Redis): Promise<number> {
  return Number(/aof_delayed_fsync:(\d+)/.exec(await admin.info('persistence'))?.[1] ?? 0);
}

/** Peak resident set size of a process so far, from the kernel's high-water mark. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const duration = arg('duration', 10);
  const connections = arg('connections', 32);
  const rate = arg('rate', 1000);
  const flagText = textArg('node-flags');
  const receiverFlags = flagText === undefined ? RECEIVER_NODE_FLAGS : flagText.split(/\s+/).filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'bench-receiver-'));
  const redis = await new LocalRedis({ dir, appendfsync: 'everysec' }).start();
  const receiverPort = await freePort();
  const barePort = await freePort();
  const minimalPort = await freePort();
  // The production artefact: the bundle `pnpm --filter ./apps/receiver build` makes (no tsx in the process).
  await bundleApp(join(ROOT, 'apps/receiver'));
  const receiver = startNode(
    [...receiverFlags, 'apps/receiver/dist/main.mjs'],
    {
      PORT: String(receiverPort),
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: PREFIX,
      ZENDESK_WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: 'info',
    },
    'ignore',
  );
  const bare = startNode(['--import', 'tsx', 'bench/receiver.ts', '--serve-bare', String(barePort)], {}, 'pipe');
  const minimal = startNode(
    ['--import', 'tsx', 'bench/minimal-receiver.ts', String(minimalPort), redis.url, SECRET, PREFIX],
    {},
    'pipe',
  );
  const minimalUrl = `http://127.0.0.1:${minimalPort}`;
  const receiverUrl = `http://127.0.0.1:${receiverPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;

  try {
    await waitFor(`${receiverUrl}/readyz`, receiver);
    await readyLine(bare);
    await readyLine(minimal);

    console.log(
      `receiver bench: ${duration} s per run, ${connections} connections, Node ${process.version} ${receiverFlags.join(' ')}, Redis AOF everysec`,
    );
    // Warm both up so JIT and connection pools are settled before anything is measured.
    const onReceiver = { serverPid: receiver.pid as number, redisPid: redis.pid as number };
    const onBare = { serverPid: bare.pid as number, redisPid: redis.pid as number };
    const onMinimal = { serverPid: minimal.pid as number, redisPid: redis.pid as number };
    await load('warm-up', receiverUrl, { duration: 3, connections, poolSize: 5_000, ...onReceiver });
    await load('warm-up', bareUrl, { duration: 3, connections, poolSize: 5_000, ...onBare });
    await load('warm-up', minimalUrl, { duration: 3, connections, poolSize: 5_000, ...onMinimal });

    // Every measured run starts on an empty Redis with a compact AOF, so an AOF rewrite (which Redis
    // starts once the file passes 64 MB) falls between runs, not inside one; each run's 202s are
    // checked against the jobs it left before the next reset.
    const admin = new Redis(redis.url);
    const rooms = new Queue(QUEUE_NAMES.rooms, { connection: admin, prefix: PREFIX });
    const jobCount = () => rooms.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed');
    const unacknowledged: string[] = [];
    const measure = async <R extends RunResult>(run: () => Promise<R>): Promise<R & { fsyncStalls: number }> => {
      await resetRedis(admin);
      const stallsBefore = await delayedFsyncs(admin);
      const result = await run();
      const fsyncStalls = (await delayedFsyncs(admin)) - stallsBefore;
      const jobs = await jobCount();
      if (!result.label.startsWith('bare') && jobs < result.ok)
        unacknowledged.push(`${result.label}: ${result.ok} answered 202 but ${jobs} jobs`);
      return { ...result, fsyncStalls };
    };

    const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    const bareRun = await measure(() =>
      load('bare Fastify', bareUrl, { duration, connections, poolSize: duration * 8_000, ...onBare }),
    );
    const receiverRun = await measure(() =>
      load('receiver', receiverUrl, { duration, connections, poolSize: duration * 4_000, ...onReceiver }),
    );
    const minimalRun = await measure(() =>
      load('minimal receiver', minimalUrl, { duration, connections, poolSize: duration * 6_000, ...onMinimal }),
    );
    const fixedRun = await measure(() =>
      paced(`receiver @ ${rate} req/s (paced)`, receiverUrl, { duration, rate, ...onReceiver }),
    );
    const minimalFixedRun = await measure(() =>
      paced(`minimal receiver @ ${rate} req/s (paced)`, minimalUrl, { duration, rate, ...onMinimal }),
    );
    const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    const rss = peakRssMb(receiver.pid as number);
    await rooms.close();
    admin.disconnect();

    const rows = [bareRun, minimalRun, receiverRun, fixedRun, minimalFixedRun];
    const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
    console.log('');
    console.log(
      '| run | requests/s | p50 ms | p99 ms | p99.9 ms | 2xx | non-2xx | errors | server CPU ms/req | Redis CPU ms/req | AOF fsync stalls |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const g = (n: number) => n.toFixed(3);
    for (const r of rows) {
      console.log(
        `| ${r.label} | ${Math.round(r.rps)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.p999)} | ${r.ok} | ${r.notOk} | ${r.errors} | ${g(r.serverCpuMsPerReq)} | ${g(r.redisCpuMsPerReq)} | ${r.fsyncStalls} |`,
      );
    }
    const ratio = receiverRun.rps / bareRun.rps;
    const cpuRatio = bareRun.serverCpuMsPerReq / receiverRun.serverCpuMsPerReq;
    console.log('');
    console.log(`machine load average (1 min) before/after the measured runs: ${loadBefore} / ${loadAfter}`);
    console.log(`ratio receiver/bare: ${ratio.toFixed(2)} (target >= 0.45)`);
    console.log(
      `ratio receiver/minimal receiver: ${(receiverRun.rps / minimalRun.rps).toFixed(2)} requests/s (target >= 0.8), ${(minimalRun.serverCpuMsPerReq / receiverRun.serverCpuMsPerReq).toFixed(2)} in CPU per request`,
    );
    console.log(
      `p99 at a steady ${rate} req/s, receiver/minimal: ${f(fixedRun.p99)} / ${f(minimalFixedRun.p99)} ms = ${(fixedRun.p99 / minimalFixedRun.p99).toFixed(2)} (target <= 1.5; open loop, latency from each request's scheduled time; the sender was at most ${f(fixedRun.lagMs)} / ${f(minimalFixedRun.lagMs)} ms behind its schedule)`,
    );
    console.log(`ratio of CPU per request, bare/receiver: ${cpuRatio.toFixed(2)} (the same ratio, free of other load)`);
    console.log(
      `p99 at a steady ${rate} req/s: ${f(fixedRun.p99)} ms (target <= 5 ms; the sender was at most ${f(fixedRun.lagMs)} ms behind schedule)`,
    );
    const loop = fixedRun.loop;
    console.log(
      `  the receiver's event loop in that run: late by ${f(loop.p99Ms - 10)} ms at p99 and ${f(loop.maxMs - 10)} ms at most (beyond its 10 ms sampling interval); ${loop.gcPauses} GC pauses (${loop.majorGcs} major), ${f(loop.gcMs)} ms in all`,
    );
    console.log(`receiver peak RSS: ${rss.toFixed(1)} MB (target <= 150 MB)`);
    // Requests still in flight when a run ends are enqueued but never counted, so jobs >= 202s.
    console.log(
      unacknowledged.length === 0
        ? 'every 202 the receiver gave has its job in Redis'
        : `LOST: ${unacknowledged.join('; ')}`,
    );
    console.log(
      'AOF fsync stalls: times Redis held writes because the disk took over 2 s to fsync (aof_delayed_fsync).',
    );
  } finally {
    await Promise.all([stop(receiver), stop(bare), stop(minimal)]);
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve-bare') await serveBare(Number(process.argv[3]));
else await main();
