import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Delivery } from '@ticket-rooms/simulators';
import type { ChildApp } from './children';
import { type AcknowledgedTicket, type CountReport, countOutcome } from './count';
import { deliveryOf, type PlannedTicket, planTickets } from './deliveries';
import { createRng } from './random';
import { dumpRedis, observer, type QueueSnapshot, RunQueues } from './redis-state';
import { type ScanReport, scanForSecrets } from './scan';
import { makeSecrets, secretNeedles } from './secrets';
import { type DeliveryResult, Sender, type SenderStats } from './sender';
import { type FaultConfig, Stack } from './stack';

export type KillKind = 'worker' | 'receiver' | 'redis';

export interface ChaosOptions {
  dir: string;
  seed: number;
  tickets: number;
  /** Tickets per second the helpdesks report. */
  ratePerSecond: number;
  /** Share of tickets delivered a second time (half at once, half some seconds later). */
  duplicateRate: number;
  workers: number;
  workerConcurrency?: number;
  /** How many times each process is SIGKILLed at random moments during the load. */
  kills: Record<KillKind, number>;
  /** How long Redis stays down after its SIGKILL. */
  redisDownMs?: number;
  docspaceFaults?: FaultConfig;
  helpdeskFaults?: FaultConfig;
  /** DOCSPACE_RATE_LIMIT of the workers (requests per second). */
  docspaceRateLimit?: number;
  /** DocSpace answers every request 429 for this long, starting at `rateLimitAtFraction` of the load. */
  rateLimitWindow?: { seconds: number; retryAfterSeconds: number; atFraction: number };
  /** The whole run must end by then (epoch ms); what is unfinished is reported as missing. */
  deadline: number;
  /** Kill moments as fractions of the load window; random when omitted. */
  killAt?: Array<{ kind: KillKind; at: number }>;
  log?: (line: string) => void;
}

export interface KillRecord {
  kind: KillKind;
  target: string;
  /** Seconds since the load began. */
  atS: number;
  /** How long until the process answered again. */
  backInMs: number;
}

export interface ChaosReport {
  seed: number;
  dir: string;
  options: Omit<ChaosOptions, 'log' | 'dir' | 'deadline' | 'seed'>;
  loadSeconds: number;
  deliveries: { planned: number; acknowledged: number; sender: SenderStats };
  kills: KillRecord[];
  unexpectedExits: Array<{ app: string; code: number | null; signal: string | null }>;
  drained: boolean;
  queues: QueueSnapshot;
  failedJobs: Array<{ queue: string; id: string | undefined; reason: string }>;
  /** Requests the simulators answered and the faults they injected, before the counting reads. */
  simulators: Record<string, { requests: number; injected: Record<string, number> }>;
  /** Jobs a killed worker held that another incarnation took over (the workers' `stalled` lines). */
  jobsTakenOver: number;
  /** Completed jobs by the attempts they used (an attempt is used by each retried fault or crash). */
  attemptsPerJob: Record<string, Record<string, number>>;
  /** From the last kill to the last job completion. */
  lastKillToLastCompletionS: number | undefined;
  /** From the end of the load to the last job completion. */
  drainAfterLoadS: number | undefined;
  count: CountReport;
  rateLimit?: RateLimitReport;
  secrets: ScanReport & { redisKeys: number };
  ok: boolean;
}

export interface RateLimitReport {
  windowSeconds: number;
  configuredRatePerSecond: number | undefined;
  /** DocSpace requests per second and room jobs waiting, in the 30 s before the window. */
  before: { requestsPerSecond: number; roomsPending: number };
  /** During the window: every request is answered 429. */
  during: { requestsPerSecond: number; answered429: number };
  /** Room jobs waiting when the window closed. */
  backlogAtWindowEnd: number;
  /** From the window's end until the backlog was back to its level before the window. */
  drain: { seconds: number; requestsPerSecond: number } | undefined;
  /** Room jobs waiting, every 10 s from 30 s before the window (for the figure in the docs). */
  pendingEvery10s: number[];
}

interface Sample {
  at: number;
  requests: number;
  answered429: number;
  roomsPending: number;
}

function rateLimitFigures(
  samples: Sample[],
  window: { from: number; to: number; seconds: number },
  configured: number | undefined,
): RateLimitReport {
  const at = (t: number) => samples.reduce((best, s) => (Math.abs(s.at - t) < Math.abs(best.at - t) ? s : best));
  const rate = (a: Sample, b: Sample) => (b.requests - a.requests) / Math.max(0.001, (b.at - a.at) / 1000);
  const pre = at(window.from - 30_000);
  const start = at(window.from);
  const end = at(window.to);
  const baseline = Math.max(pre.roomsPending, start.roomsPending);
  const back = samples.find((s) => s.at > window.to && s.roomsPending <= baseline);
  return {
    windowSeconds: window.seconds,
    configuredRatePerSecond: configured,
    before: { requestsPerSecond: rate(pre, start), roomsPending: start.roomsPending },
    during: { requestsPerSecond: rate(start, end), answered429: end.answered429 - start.answered429 },
    backlogAtWindowEnd: end.roomsPending,
    drain: back ? { seconds: (back.at - end.at) / 1000, requestsPerSecond: rate(end, back) } : undefined,
    pendingEvery10s: samples
      .filter((s) => s.at >= window.from - 30_000 && (((s.at - window.from) % 10_000) + 10_000) % 10_000 < 1_000)
      .map((s) => s.roomsPending),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One crash-and-fault run: a steady load of signed deliveries from every vendor while the worker,
 * the receiver and Redis are SIGKILLed at chosen or random moments and the simulators inject
 * faults; then the vendors' read APIs are counted and everything the run produced is scanned for
 * secrets.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => {});
  const rng = createRng(opts.seed);
  const secrets = makeSecrets();
  const prefix = `{chaos-${randomUUID().slice(0, 8)}}`;
  const workerEnv: Record<string, string> = {
    WORKER_CONCURRENCY: String(opts.workerConcurrency ?? 16),
    ...(opts.docspaceRateLimit === undefined ? {} : { DOCSPACE_RATE_LIMIT: String(opts.docspaceRateLimit) }),
  };
  const stack = await Stack.start({
    dir: opts.dir,
    secrets,
    queuePrefix: prefix,
    workers: opts.workers,
    workerEnv,
    ...(opts.docspaceFaults ? { docspaceFaults: opts.docspaceFaults } : {}),
    ...(opts.helpdeskFaults ? { helpdeskFaults: opts.helpdeskFaults } : {}),
  });
  const redis = observer(stack.redisUrl);
  const queues = new RunQueues(redis, prefix);
  const sender = new Sender({
    baseUrl: stack.receiverUrl,
    concurrency: 64,
    responsesFile: join(opts.dir, 'logs', 'responses.log'),
    giveUpAt: opts.deadline - 60_000,
  });

  // Timers and loops that must stop however the run ends.
  let progress: NodeJS.Timeout | undefined;
  let sampling = false;
  try {
    log(`stack up: receiver ${stack.receiverUrl}, ${stack.workers.length} worker(s), redis ${stack.redisUrl}`);
    // 1. The plan: tickets, their (duplicate) deliveries, and the kill moments.
    const tickets = planTickets(opts.tickets, rng);
    const loadMs = (opts.tickets / opts.ratePerSecond) * 1000;
    const sends: Array<{ ticket: PlannedTicket; atMs: number; deliveryId: string }> = [];
    for (const [i, ticket] of tickets.entries()) {
      const atMs = (i / opts.ratePerSecond) * 1000;
      const deliveryId = randomUUID();
      sends.push({ ticket, atMs, deliveryId });
      if (rng.chance(opts.duplicateRate)) {
        // Half are a retry of the same delivery racing the first; half a second trigger firing later.
        const soon = rng.chance(0.5);
        sends.push({
          ticket,
          atMs: soon ? atMs + rng.int(0, 50) : atMs + rng.int(2_000, 15_000),
          deliveryId: soon ? deliveryId : randomUUID(),
        });
      }
    }
    sends.sort((a, b) => a.atMs - b.atMs);
    const killPlan =
      opts.killAt ??
      (Object.entries(opts.kills) as Array<[KillKind, number]>).flatMap(([kind, n]) =>
        Array.from({ length: n }, () => ({ kind, at: 0.05 + rng.next() * 0.85 })),
      );
    killPlan.sort((a, b) => a.at - b.at);

    // 2. Load, kills and the optional 429 window, all against one clock.
    const t0 = Date.now();
    const results: Array<{ ticket: PlannedTicket; result: DeliveryResult }> = [];
    const load = (async () => {
      const pending: Promise<void>[] = [];
      for (const s of sends) {
        const wait = t0 + s.atMs - Date.now();
        if (wait > 0) await sleep(wait);
        const make = (): Delivery => deliveryOf(s.ticket, secrets, s.deliveryId);
        pending.push(
          sender.deliver(make).then((result) => {
            results.push({ ticket: s.ticket, result });
          }),
        );
      }
      await Promise.all(pending);
    })();

    const kills: KillRecord[] = [];
    const chaos = (async () => {
      for (const k of killPlan) {
        const wait = t0 + k.at * loadMs - Date.now();
        if (wait > 0) await sleep(wait);
        const started = Date.now();
        let target = k.kind as string;
        if (k.kind === 'worker') {
          const w = rng.pick(stack.workers) as ChildApp;
          target = w.name;
          await w.crashAndRestart();
        } else if (k.kind === 'receiver') {
          await stack.receiver?.crashAndRestart();
        } else {
          await stack.crashRedis(opts.redisDownMs ?? 2_000);
        }
        kills.push({ kind: k.kind, target, atS: (started - t0) / 1000, backInMs: Date.now() - started });
        log(`killed ${target} at ${((started - t0) / 1000).toFixed(1)} s; back in ${Date.now() - started} ms`);
      }
    })();

    let rateLimitWindow: { from: number; to: number; seconds: number } | undefined;
    const window = opts.rateLimitWindow;
    const rateLimitRun = window
      ? (async () => {
          await sleep(Math.max(0, t0 + window.atFraction * loadMs - Date.now()));
          const base = stack.docspace.faults.get();
          stack.setDocspaceFaults({
            ...base,
            rateLimitForSeconds: window.seconds,
            retryAfterSeconds: window.retryAfterSeconds,
          });
          const from = Date.now();
          log(`DocSpace answers 429 for ${window.seconds} s (Retry-After ${window.retryAfterSeconds} s)`);
          await sleep(window.seconds * 1000);
          // The faults' own clock ended the window; set the base again so later 429s are the usual mix.
          stack.setDocspaceFaults(base);
          rateLimitWindow = { from, to: Date.now(), seconds: window.seconds };
          log('429 window over');
        })()
      : Promise.resolve();
    // One sample a second: DocSpace requests and 429s, and the rooms backlog.
    const samples: Sample[] = [];
    sampling = window !== undefined;
    const sampler = (async () => {
      while (sampling) {
        const roomsPending = (await queues.snapshot()).pending.rooms ?? 0;
        samples.push({
          at: Date.now(),
          requests: stack.docspace.stats.total,
          answered429: stack.docspace.faults.injected.rateLimit,
          roomsPending,
        });
        await sleep(1_000);
      }
    })();

    progress = setInterval(() => {
      const s = sender.stats;
      log(
        `t=${((Date.now() - t0) / 1000).toFixed(0)} s acked ${s.acknowledged}/${sends.length}, retries ${s.retries}, ` +
          `docspace requests ${stack.docspace.stats.total}`,
      );
    }, 10_000);
    await load;
    const loadEnd = Date.now();
    log(`load done in ${((loadEnd - t0) / 1000).toFixed(1)} s: ${sender.stats.acknowledged} acknowledged`);
    await chaos;
    await rateLimitRun;

    // 3. Wait until every queue is empty, then count with the faults off.
    const snapshot = await queues.waitForDrain(opts.deadline - 30_000, (s) => {
      if (Date.now() % 10_000 < 1_000) log(`draining: ${JSON.stringify(s.pending)}`);
    });
    clearInterval(progress);
    sampling = false;
    await sampler;
    const rateLimit =
      rateLimitWindow === undefined ? undefined : rateLimitFigures(samples, rateLimitWindow, opts.docspaceRateLimit);
    const drained = snapshot.totalPending === 0;
    const completions = await queues.completions();
    const lastCompletion = completions.last;
    const lastKill = kills.length > 0 ? t0 + Math.max(...kills.map((k) => k.atS * 1000 + k.backInMs)) : undefined;
    const simulators = Object.fromEntries(
      (
        [
          ['docspace', stack.docspace],
          ['zendesk', stack.zendesk],
          ['freshdesk', stack.freshdesk],
          ['jira', stack.jira],
        ] as const
      ).map(([name, sim]) => [name, { requests: sim.stats.total, injected: { ...sim.faults.injected } }]),
    );
    stack.faultsOff();

    const acked = new Map<string, AcknowledgedTicket>();
    for (const { ticket, result } of results) {
      if (result.status === 202 && result.jobId) {
        acked.set(result.jobId, { key: result.jobId, vendor: ticket.vendor, helpdeskId: ticket.helpdeskId });
      }
    }
    log(`counting ${acked.size} acknowledged tickets through the simulators' read APIs`);
    const count = await countOutcome(stack, secrets, [...acked.values()]);
    const failedJobs = await queues.failures();

    // 4. Everything the run produced, scanned for every secret.
    const dump = join(opts.dir, 'logs', 'redis-dump.tsv');
    const { keys } = await dumpRedis(redis, dump);
    await queues.close();
    redis.disconnect();
    await sender.close();
    const unexpectedExits = stack.apps.flatMap((a) =>
      a.unexpectedExits.map((e) => ({ app: a.name, code: e.code, signal: e.signal })),
    );
    await stack.close();
    const scan = scanForSecrets([join(opts.dir, 'logs'), join(opts.dir, 'redis')], secretNeedles(secrets));
    const jobsTakenOver = stack.workers
      .map((w) => readFileSync(join(opts.dir, 'logs', `${w.name}.log`), 'utf8').split('stopped answering').length - 1)
      .reduce((a, b) => a + b, 0);

    const report: ChaosReport = {
      seed: opts.seed,
      dir: opts.dir,
      options: {
        tickets: opts.tickets,
        ratePerSecond: opts.ratePerSecond,
        duplicateRate: opts.duplicateRate,
        workers: opts.workers,
        workerConcurrency: opts.workerConcurrency ?? 16,
        kills: opts.kills,
        ...(opts.redisDownMs === undefined ? {} : { redisDownMs: opts.redisDownMs }),
        ...(opts.docspaceFaults ? { docspaceFaults: opts.docspaceFaults } : {}),
        ...(opts.helpdeskFaults ? { helpdeskFaults: opts.helpdeskFaults } : {}),
        ...(opts.docspaceRateLimit === undefined ? {} : { docspaceRateLimit: opts.docspaceRateLimit }),
        ...(opts.rateLimitWindow ? { rateLimitWindow: opts.rateLimitWindow } : {}),
      },
      loadSeconds: (loadEnd - t0) / 1000,
      deliveries: { planned: sends.length, acknowledged: sender.stats.acknowledged, sender: sender.stats },
      kills,
      unexpectedExits,
      drained,
      queues: snapshot,
      failedJobs,
      simulators,
      jobsTakenOver,
      attemptsPerJob: completions.attempts,
      lastKillToLastCompletionS:
        lastKill !== undefined && lastCompletion !== undefined ? (lastCompletion - lastKill) / 1000 : undefined,
      drainAfterLoadS: lastCompletion !== undefined ? (lastCompletion - loadEnd) / 1000 : undefined,
      count,
      ...(rateLimit ? { rateLimit } : {}),
      secrets: { ...scan, redisKeys: keys },
      ok: false,
    };
    report.ok =
      drained &&
      count.duplicates === 0 &&
      count.missing === 0 &&
      count.strayRooms === 0 &&
      acked.size === tickets.length &&
      sender.stats.refused.length === 0 &&
      sender.stats.serverErrors === 0 &&
      failedJobs.length === 0 &&
      unexpectedExits.length === 0 &&
      scan.leaks.length === 0;
    return report;
  } catch (err) {
    clearInterval(progress);
    sampling = false;
    redis.disconnect();
    await stack.close();
    throw err;
  }
}
