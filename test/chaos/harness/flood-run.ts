import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ledgerKey, QUEUE_NAMES } from '@ticket-rooms/core';
import type { Redis } from 'ioredis';
import { deliveryOf, planTickets } from './deliveries';
import { rssMb } from './proc';
import { createRng } from './random';
import { dumpRedis, observer, RunQueues, scanKeys } from './redis-state';
import { type ScanReport, scanForSecrets } from './scan';
import { makeSecrets, secretNeedles } from './secrets';
import { Sender, type SenderStats } from './sender';
import { Stack } from './stack';

export interface FloodOptions {
  dir: string;
  seed: number;
  deliveries: number;
  concurrency: number;
  workers: number;
  /** DOCSPACE_RATE_LIMIT, requests per second across all workers. */
  docspaceRate: number;
  /** SIGKILL Redis at half the burst and keep it down this long (0: no outage). */
  redisOutageMs: number;
  /** How long the drain is watched after the burst. */
  drainWindowS: number;
  deadline: number;
  log?: (line: string) => void;
}

export interface FloodReport {
  seed: number;
  dir: string;
  deliveries: number;
  burstSeconds: number;
  acceptedPerSecond: number;
  sender: SenderStats;
  /** 503 answers while Redis was down (plus its reconnect), and any outside that window. */
  unavailable: { duringOutage: number; outsideOutage: number; outageMs: number | undefined };
  receiverRssMb: { start: number; at: Record<string, number>; max: number; end: number };
  redis: {
    usedMemoryBeforeMb: number;
    usedMemoryAfterMb: number;
    /** (after − before) / acknowledged tickets. */
    bytesPerTicket: number;
    /** MEMORY USAGE of sampled keys, average bytes by kind. */
    perKey: Record<string, { sampled: number; avgBytes: number }>;
  };
  drain: {
    configuredRatePerSecond: number;
    windowSeconds: number;
    docspaceRequestsPerSecond: number;
    roomsCompletedPerSecond: number;
    pendingAtEnd: number;
    projectedDrainHours: number | undefined;
  };
  secrets: ScanReport & { redisKeys: number };
  ok: boolean;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function sampleMemory(redis: Redis, keys: string[], n: number): Promise<{ sampled: number; avgBytes: number }> {
  const picked = keys.slice(0, n);
  let total = 0;
  for (const k of picked) total += Number((await redis.memory('USAGE', k, 'SAMPLES', '0')) ?? 0);
  return { sampled: picked.length, avgBytes: picked.length > 0 ? Math.round(total / picked.length) : 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A burst of signed deliveries as fast as the receiver takes them, while the workers drain at the
 * configured DocSpace rate: the receiver must keep answering (503 only while Redis is down), its
 * memory must stay bounded, and Redis memory per retained ticket is measured.
 */
export async function runFlood(opts: FloodOptions): Promise<FloodReport> {
  const log = opts.log ?? (() => {});
  const secrets = makeSecrets();
  const prefix = `{flood-${randomUUID().slice(0, 8)}}`;
  const stack = await Stack.start({
    dir: opts.dir,
    secrets,
    queuePrefix: prefix,
    workers: opts.workers,
    workerEnv: { DOCSPACE_RATE_LIMIT: String(opts.docspaceRate), WORKER_CONCURRENCY: '32' },
    docspaceFaults: { latencyMs: 5 },
    helpdeskFaults: { latencyMs: 5 },
  });
  const redis = observer(stack.redisUrl);
  const queues = new RunQueues(redis, prefix);
  const receiver = stack.receiver;
  if (!receiver) throw new Error('the flood run needs the receiver');
  const sender = new Sender({
    baseUrl: stack.receiverUrl,
    concurrency: opts.concurrency,
    attemptTimeoutMs: 15_000,
    responsesFile: join(opts.dir, 'logs', 'responses.log'),
    giveUpAt: opts.deadline - 120_000,
    onAnswer: (status, at) => {
      if (status === 503) unavailableAt.push(at);
    },
  });
  const unavailableAt: number[] = [];

  let rssTimer: NodeJS.Timeout | undefined;
  let progress: NodeJS.Timeout | undefined;
  try {
    const rng = createRng(opts.seed);
    const tickets = planTickets(opts.deliveries, rng);
    const before = await usedMemory(redis);
    const rssStart = rssMb(receiver.pid);
    let rssMax = rssStart;
    const rssAt: Record<string, number> = {};
    rssTimer = setInterval(() => {
      rssMax = Math.max(rssMax, rssMb(receiver.pid));
    }, 250);

    // 1. The burst; Redis is killed once half of it is in.
    const t0 = Date.now();
    let outage: { from: number; to: number } | undefined;
    let done = 0;
    let outageStarted = false;
    const marks = new Set([0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.floor(f * opts.deliveries)));
    progress = setInterval(
      () =>
        log(
          `t=${((Date.now() - t0) / 1000).toFixed(0)} s: ${done} answered, ${sender.stats.acknowledged} acknowledged, ` +
            `receiver RSS ${rssMb(receiver.pid).toFixed(0)} MB`,
        ),
      10_000,
    );
    const sends = tickets.map(async (ticket) => {
      const deliveryId = randomUUID();
      const result = await sender.deliver(() => deliveryOf(ticket, secrets, deliveryId));
      done += 1;
      if (marks.has(done)) rssAt[String(done)] = Math.round(rssMb(receiver.pid));
      if (!outageStarted && opts.redisOutageMs > 0 && done >= opts.deliveries / 2) {
        outageStarted = true;
        const from = Date.now();
        log(`SIGKILL Redis at ${done} deliveries; down for ${opts.redisOutageMs} ms`);
        void stack.crashRedis(opts.redisOutageMs).then(() => {
          outage = { from, to: Date.now() };
          log('Redis restarted from its AOF');
        });
      }
      return result;
    });
    await Promise.all(sends);
    clearInterval(progress);
    const burstSeconds = (Date.now() - t0) / 1000;
    clearInterval(rssTimer);
    const rssEnd = rssMb(receiver.pid);
    log(`burst done in ${burstSeconds.toFixed(1)} s: ${sender.stats.acknowledged} acknowledged`);

    // 2. Redis memory per retained ticket.
    const after = await usedMemory(redis);
    const jobKeys = (await scanKeys(redis, `${prefix}:${QUEUE_NAMES.rooms}:*`)).filter((k) =>
      /:(zendesk|freshdesk|jira|generic)-[^:]+$/.test(k),
    );
    const seen = await scanKeys(redis, `${prefix}:seen:*`);
    const ledgers = await scanKeys(redis, ledgerKey(prefix, '*'));
    const perKey = {
      'room job (hash)': await sampleMemory(redis, jobKeys, 200),
      'dedupe marker (string)': await sampleMemory(redis, seen, 200),
      'ledger entry (hash)': await sampleMemory(redis, ledgers, 200),
    };

    // 3. The drain, watched for a while at the configured rate.
    const startRequests = stack.docspace.stats.total;
    const startCompleted = (await queues.snapshot()).completed.rooms ?? 0;
    const drainStart = Date.now();
    const windowEnd = Math.min(drainStart + opts.drainWindowS * 1000, opts.deadline - 60_000);
    while (Date.now() < windowEnd) await sleep(1_000);
    const windowS = (Date.now() - drainStart) / 1000;
    const windowRequests = stack.docspace.stats.total - startRequests;
    const snap = await queues.snapshot();
    const roomsPerSecond = ((snap.completed.rooms ?? 0) - startCompleted) / windowS;
    const pending = snap.pending.rooms ?? 0;
    log(`drain: ${roomsPerSecond.toFixed(1)} rooms/s, ${pending} room jobs still waiting`);

    // 4. Secrets.
    const { keys } = await dumpRedis(redis, join(opts.dir, 'logs', 'redis-dump.tsv'));
    await queues.close();
    redis.disconnect();
    await sender.close();
    const unexpected = stack.apps.flatMap((a) => a.unexpectedExits);
    await stack.close();
    const scan = scanForSecrets([join(opts.dir, 'logs'), join(opts.dir, 'redis')], secretNeedles(secrets));

    // A 503 counts as deliberate from the SIGKILL until 3 s after Redis is back (reconnect).
    const inOutage = (t: number) => outage !== undefined && t >= outage.from && t <= outage.to + 3_000;
    const during = unavailableAt.filter(inOutage).length;
    const report: FloodReport = {
      seed: opts.seed,
      dir: opts.dir,
      deliveries: opts.deliveries,
      burstSeconds,
      acceptedPerSecond: sender.stats.acknowledged / burstSeconds,
      sender: sender.stats,
      unavailable: {
        duringOutage: during,
        outsideOutage: unavailableAt.length - during,
        outageMs: outage ? outage.to - outage.from : undefined,
      },
      receiverRssMb: {
        start: Math.round(rssStart),
        at: rssAt,
        max: Math.round(rssMax),
        end: Math.round(rssEnd),
      },
      redis: {
        usedMemoryBeforeMb: before / 1e6,
        usedMemoryAfterMb: after / 1e6,
        bytesPerTicket: Math.round((after - before) / Math.max(1, sender.stats.acknowledged)),
        perKey,
      },
      drain: {
        configuredRatePerSecond: opts.docspaceRate,
        windowSeconds: windowS,
        docspaceRequestsPerSecond: windowRequests / windowS,
        roomsCompletedPerSecond: roomsPerSecond,
        pendingAtEnd: pending,
        projectedDrainHours: roomsPerSecond > 0 ? pending / roomsPerSecond / 3600 : undefined,
      },
      secrets: { ...scan, redisKeys: keys },
      ok: false,
    };
    report.ok =
      sender.stats.acknowledged === opts.deliveries &&
      sender.stats.serverErrors === 0 &&
      sender.stats.refused.length === 0 &&
      report.unavailable.outsideOutage === 0 &&
      unexpected.length === 0 &&
      scan.leaks.length === 0;
    return report;
  } catch (err) {
    clearInterval(rssTimer);
    clearInterval(progress);
    redis.disconnect();
    await stack.close();
    throw err;
  }
}
