import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { QUEUE_NAMES } from '@ticket-rooms/core';
import { type FuzzCase, type FuzzCategory, type FuzzContext, nextCase } from './fuzz-cases';
import { type HttpAnswer, HttpClient, sendRaw } from './http-client';
import { rssMb } from './proc';
import { createRng } from './random';
import { dumpRedis, observer, RunQueues, scanKeys } from './redis-state';
import { type ScanReport, scanForSecrets } from './scan';
import { makeSecrets, secretNeedles } from './secrets';
import { Stack } from './stack';

export interface FuzzOptions {
  dir: string;
  seed: number;
  requests: number;
  concurrency?: number;
  /** The receiver's BODY_LIMIT in bytes. */
  bodyLimit?: number;
  log?: (line: string) => void;
}

export interface FuzzFinding {
  category: FuzzCategory;
  status: number;
  what: string;
  request: string;
  body: string;
}

export interface FuzzReport {
  seed: number;
  dir: string;
  requests: number;
  seconds: number;
  byCategory: Record<string, Record<string, number>>;
  /** Answers outside the case's expected statuses (reported, not failures). */
  unexpected: Record<string, number>;
  /** 5xx answers, no answers where one was due, 2xx to unauthenticated requests. */
  failures: FuzzFinding[];
  serverErrors: number;
  noAnswer: number;
  unauthenticatedAccepted: number;
  receiver: { alive: boolean; restarts: number; exits: number; healthz: number; maxRssMb: number };
  jobs: {
    total: number;
    fromAuthenticated: number;
    unexplained: string[];
    seenMarkers: number;
    unexplainedMarkers: string[];
  };
  secrets: ScanReport & { redisKeys: number };
  ok: boolean;
}

function describe(c: FuzzCase): string {
  if (c.raw) return JSON.stringify(c.raw.subarray(0, 300).toString('latin1'));
  const body = c.body ? ` body ${c.body.length} B` : '';
  return `${c.method} ${c.path.slice(0, 120)} ${JSON.stringify(c.headers).slice(0, 300)}${body}`;
}

/**
 * Fuzzes a receiver child process over HTTP: `requests` generated requests of every category,
 * `concurrency` at a time. The receiver must answer each with less than 500, stay up, make a job
 * only from authenticated deliveries, and leak no secret anywhere.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => {});
  const secrets = makeSecrets();
  const prefix = `{fuzz-${randomUUID().slice(0, 8)}}`;
  const bodyLimit = opts.bodyLimit ?? 256 * 1024;
  const stack = await Stack.start({
    dir: opts.dir,
    secrets,
    queuePrefix: prefix,
    workers: 0,
    withWorkers: false,
    receiverEnv: { BODY_LIMIT: String(bodyLimit) },
  });
  const redis = observer(stack.redisUrl);
  const queues = new RunQueues(redis, prefix);
  const url = new URL(stack.receiverUrl);
  const client = new HttpClient(url.hostname, Number(url.port), opts.concurrency ?? 32);
  const responses = createWriteStream(join(opts.dir, 'logs', 'responses.log'));
  const receiver = stack.receiver;
  if (!receiver) throw new Error('the fuzz run needs the receiver');

  let rssTimer: NodeJS.Timeout | undefined;
  try {
    const ctx: FuzzContext = { rng: createRng(opts.seed), secrets, bodyLimit, accepted: [], nextTicket: 1 };
    const byCategory: Record<string, Record<string, number>> = {};
    const unexpected: Record<string, number> = {};
    const failures: FuzzFinding[] = [];
    const acceptedJobIds = new Set<string>();
    let serverErrors = 0;
    let noAnswer = 0;
    let unauthenticatedAccepted = 0;
    let maxRss = rssMb(receiver.pid);
    rssTimer = setInterval(() => {
      maxRss = Math.max(maxRss, rssMb(receiver.pid));
    }, 500);

    const judge = (c: FuzzCase, a: HttpAnswer) => {
      const key = a.status === 0 ? 'no-answer' : String(a.status);
      const cat = byCategory[c.category] ?? {};
      byCategory[c.category] = cat;
      cat[key] = (cat[key] ?? 0) + 1;
      if (a.status !== 202 || !c.authenticated) responses.write(`${a.status} ${a.body.slice(0, 2000)}\n`);
      if (c.expect && a.status > 0 && !c.expect.includes(a.status)) {
        const k = `${c.category} ${a.status}`;
        unexpected[k] = (unexpected[k] ?? 0) + 1;
      }
      const finding = (what: string) => {
        if (failures.length < 50)
          failures.push({
            category: c.category,
            status: a.status,
            what,
            request: describe(c),
            body: a.body.slice(0, 300),
          });
      };
      if (a.status >= 500) {
        serverErrors += 1;
        finding('5xx answer');
      } else if (a.status === 0 && !c.noAnswerOk) {
        noAnswer += 1;
        finding(`no answer (${a.error ?? 'closed'})`);
      } else if (a.status >= 200 && a.status < 300) {
        if (!c.authenticated) {
          unauthenticatedAccepted += 1;
          finding('2xx to an unauthenticated request');
        }
        const jobId = (safeJson(a.body) as { jobId?: unknown } | undefined)?.jobId;
        if (typeof jobId === 'string' && c.authenticated) acceptedJobIds.add(jobId);
      }
    };

    // 1. The requests, `concurrency` at a time.
    const started = Date.now();
    let sent = 0;
    const lanes = Array.from({ length: opts.concurrency ?? 32 }, async () => {
      while (sent < opts.requests) {
        sent += 1;
        const c = nextCase(ctx);
        const answer = c.raw
          ? await sendRaw(url.hostname, Number(url.port), c.raw)
          : await client.send(c.method, c.path, c.headers, c.body);
        if (answer.status === -1) continue; // Node would not send it; not a request
        judge(c, answer);
        if (sent % 10_000 === 0) log(`${sent} requests, ${serverErrors} 5xx, ${noAnswer} unanswered`);
      }
    });
    await Promise.all(lanes);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(rssTimer);
    client.close();
    log(`${opts.requests} requests in ${seconds.toFixed(1)} s`);

    // 2. Still up, never restarted, healthy.
    const healthz = await fetch(`${stack.receiverUrl}/healthz`)
      .then((r) => r.status)
      .catch(() => 0);

    // 3. Every job and every dedupe marker in Redis came from an authenticated 202.
    const jobIds = await queues.jobIds(QUEUE_NAMES.rooms);
    const unexplained = jobIds.filter((id) => !acceptedJobIds.has(id));
    const markers = (await scanKeys(redis, `${prefix}:seen:*`)).map((k) => k.slice(`${prefix}:seen:`.length));
    const unexplainedMarkers = markers.filter((id) => !acceptedJobIds.has(id));

    // 4. Secrets.
    const { keys } = await dumpRedis(redis, join(opts.dir, 'logs', 'redis-dump.tsv'));
    await new Promise<void>((resolve) => responses.end(() => resolve()));
    await queues.close();
    redis.disconnect();
    const alive = receiver.running;
    const exits = receiver.unexpectedExits.length;
    await stack.close();
    const scan = scanForSecrets([join(opts.dir, 'logs'), join(opts.dir, 'redis')], secretNeedles(secrets));

    const report: FuzzReport = {
      seed: opts.seed,
      dir: opts.dir,
      requests: opts.requests,
      seconds,
      byCategory,
      unexpected,
      failures,
      serverErrors,
      noAnswer,
      unauthenticatedAccepted,
      receiver: { alive, restarts: receiver.incarnation - 1, exits, healthz, maxRssMb: Math.round(maxRss) },
      jobs: {
        total: jobIds.length,
        fromAuthenticated: jobIds.length - unexplained.length,
        unexplained: unexplained.slice(0, 20),
        seenMarkers: markers.length,
        unexplainedMarkers: unexplainedMarkers.slice(0, 20),
      },
      secrets: { ...scan, redisKeys: keys },
      ok: false,
    };
    report.ok =
      serverErrors === 0 &&
      noAnswer === 0 &&
      unauthenticatedAccepted === 0 &&
      alive &&
      exits === 0 &&
      healthz === 200 &&
      unexplained.length === 0 &&
      unexplainedMarkers.length === 0 &&
      scan.leaks.length === 0;
    return report;
  } catch (err) {
    clearInterval(rssTimer);
    client.close();
    redis.disconnect();
    await stack.close();
    throw err;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
