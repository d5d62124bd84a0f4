import { parseArgs } from 'node:util';
import {
  type Env,
  isCluster,
  loadConfig,
  QUEUE_ENV,
  QUEUE_NAMES,
  type RoomJobData,
  Source,
  shardLayout,
  TicketStatus,
} from '@ticket-rooms/core';
import { findHelpdesk, WRITE_BACK_HELPDESKS } from '@ticket-rooms/helpdesk';
import { createShardedIntake, ReceiverEnv } from '@ticket-rooms/receiver';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { connectToolRedis } from '../redis-env';
import type { CommandIo } from '../ticket-command';
import { backfillCursorKey, redisCursorStore } from './cursor-store';
import { createProgress, formatCounts } from './progress';
import { type BackfillResult, runBackfill } from './run-backfill';

const VENDORS = WRITE_BACK_HELPDESKS.filter((h) => h.writeBack.backfill).map((h) => h.source);

export const BACKFILL_USAGE = `usage: pnpm backfill <vendor> [--since DATE] [--status open,pending] [--dry-run] [--limit N] [--tenant T]
  vendor      ${VENDORS.join(', ')}
  --since     tickets changed on or after this date or date-time (default 1970-01-01: every ticket)
  --status    only tickets whose status is now one of these (${TicketStatus.options.join(', ')})
  --dry-run   list and count; queue nothing and save no cursor
  --limit     stop after listing N tickets; the next run resumes there
  --tenant    the account or site its webhooks name (required for Zendesk: the account id)
  --restart   forget the saved cursor of this vendor, tenant and filter, and start from the beginning
  --page-size tickets per request (default: the vendor's maximum)
Stop with Ctrl-C at any time: the next run with the same vendor, tenant and filter resumes.`;

/** The receiver's intake settings, read as the receiver reads them. */
const IntakeEnv = ReceiverEnv.pick({
  ENQUEUE_TIMEOUT_MS: true,
  DEDUPE_WINDOW_HOURS: true,
  REDIS_MIN_REPLICAS_ACK: true,
});
const QueueEnv = z.object(QUEUE_ENV);

export interface BackfillCommandOptions {
  /** Where progress is drawn: a bar on a terminal, lines otherwise. */
  progress?: { isTTY: boolean; write(text: string): void };
  signal?: AbortSignal;
}

/** `pnpm backfill`: every ticket a helpdesk lists, through the webhook intake. Returns the exit code. */
export async function runBackfillCommand(
  argv: readonly string[],
  env: Env,
  io: CommandIo,
  opts: BackfillCommandOptions = {},
): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (err) {
    io.err(`${(err as Error).message}\n${BACKFILL_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(BACKFILL_USAGE);
    return 0;
  }
  // 1. What to list, checked before anything connects.
  const source = Source.safeParse(positionals[0]);
  const adapter = source.success ? findHelpdesk(source.data) : undefined;
  const writeBack = adapter?.writeBack;
  const backfill = writeBack?.backfill;
  if (!source.success || !adapter || !writeBack || !backfill) {
    io.err(`Give a helpdesk to backfill (${VENDORS.join(', ')}).\n${BACKFILL_USAGE}`);
    return 2;
  }
  const since = new Date(values.since);
  if (Number.isNaN(since.getTime())) {
    io.err(`--since ${values.since} is not a date such as 2026-01-31 or 2026-01-31T08:00:00Z.`);
    return 2;
  }
  const statuses = values.status
    ?.split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const unknown = statuses?.find((s) => !TicketStatus.safeParse(s).success);
  if (unknown !== undefined) {
    io.err(`--status ${unknown} is not a status; use ${TicketStatus.options.join(', ')}.`);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  const pageSize = values['page-size'] === undefined ? undefined : Number(values['page-size']);
  for (const [name, n] of [
    ['--limit', limit],
    ['--page-size', pageSize],
  ] as const) {
    if (n !== undefined && !(Number.isInteger(n) && n >= 1)) {
      io.err(`${name} must be a whole number of at least 1.`);
      return 2;
    }
  }
  const settings = writeBack.settings(loadConfig(z.object(writeBack.env), env));
  if (!settings) {
    io.err(`Backfilling ${source.data} needs ${writeBack.variables.join(', ')}; set them as for the worker.`);
    return 2;
  }
  const tenant = values.tenant ?? backfill.defaultTenant(settings);
  if (!tenant) {
    io.err(`The ${source.data} tenant is not known from its settings; ${backfill.tenantHint}.`);
    return 2;
  }

  // 2. The same intake as the receiver's, on the same Redis and shards.
  const tool = await connectToolRedis(env);
  const queueConfig = loadConfig(QueueEnv, { ...env, QUEUE_PREFIX: tool.queuePrefix });
  const intakeConfig = loadConfig(IntakeEnv, env);
  const layout = shardLayout(tool.queuePrefix, queueConfig.QUEUE_SHARDS, queueConfig.QUEUE_SHARDS_PREVIOUS, {
    cluster: isCluster(tool.redis),
  });
  const rooms = layout.prefixes.map(
    (prefix) => new Queue<RoomJobData>(QUEUE_NAMES.rooms, { connection: tool.redis, prefix }),
  );
  const intake = values['dry-run']
    ? undefined
    : createShardedIntake({
        redis: tool.redis,
        shards: rooms.map((queue, i) => ({ prefix: layout.prefixes[i] as string, rooms: queue })),
        previous: layout.previous,
        dedupeWindowSeconds: intakeConfig.DEDUPE_WINDOW_HOURS * 3600,
        timeoutMs: intakeConfig.ENQUEUE_TIMEOUT_MS,
        minReplicasAck: intakeConfig.REDIS_MIN_REPLICAS_ACK,
      });
  const cursors = redisCursorStore(
    tool.redis,
    backfillCursorKey(tool.queuePrefix, {
      source: source.data,
      tenant,
      filter: { since: since.toISOString(), statuses: statuses ?? [] },
    }),
  );
  const lister = backfill.createLister(settings, {});
  const progress = createProgress(opts.progress ?? { isTTY: false, write: (text) => io.err(text.trimEnd()) }, {
    limit,
    notes: (line) => io.err(line),
  });
  let result: BackfillResult;
  try {
    if (values.restart && !values['dry-run']) await cursors.clear();
    io.err(
      `backfill: listing ${source.data} tickets of ${tenant} changed since ${since.toISOString()}${statuses ? ` with status ${statuses.join(', ')}` : ''}${values['dry-run'] ? ' (dry run: nothing is queued)' : ''}`,
    );
    result = await runBackfill({
      source: source.data,
      tenant,
      since,
      statuses: statuses ? new Set(statuses) : undefined,
      limit,
      pageSize,
      lister,
      intake,
      cursors,
      progress,
      signal: opts.signal,
    });
  } catch (err) {
    progress.done();
    io.err(`backfill: stopped: ${err instanceof Error ? err.message : String(err)}; run it again to resume.`);
    return 1;
  } finally {
    progress.done();
    await lister.close();
    await Promise.all(rooms.map((q) => q.close()));
    await tool.close();
  }
  const { counts } = result;
  if (values.json) io.out(JSON.stringify({ ...result, dryRun: values['dry-run'] }));
  else io.out(`${values['dry-run'] ? 'dry run: ' : ''}${formatCounts(counts)}`);
  if (result.resumed) io.err('backfill: resumed from the cursor a stopped run saved.');
  if (!result.complete) {
    io.err(
      `backfill: stopped by ${result.stoppedBy === 'limit' ? `--limit ${limit}` : 'a signal'}; ${values['dry-run'] ? 'a dry run saves no cursor' : 'run the same command again to resume'}.`,
    );
    return result.stoppedBy === 'limit' ? 0 : 130;
  }
  return 0;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      since: { type: 'string', default: '1970-01-01T00:00:00Z' },
      status: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      limit: { type: 'string' },
      tenant: { type: 'string' },
      restart: { type: 'boolean', default: false },
      'page-size': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
