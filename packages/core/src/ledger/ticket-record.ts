import { Job, type Queue } from 'bullmq';
import type { DesiredValue } from '../desired-state';
import { ledgerKey } from '../jobs';
import { connectionFor, type RedisClient } from '../redis-topology';
import { type TicketRef, ticketKey, ticketKeyPattern } from '../ticket-key';
import { fieldKind, LEDGER_FIELDS } from './layout';

/**
 * A read-only view of one ticket's ledger, read from the hash without knowing the worker's
 * stages: what the operator tools and the receiver's ticket lookup show. The worker's own codec
 * checks every result against its stage's schema; this view only parses JSON and never writes.
 */
export interface TicketRecord {
  key: string;
  source: string;
  tenant: string;
  ticketId: string;
  /** `in-progress`, `done` or `failed`, as the worker last judged it. */
  state: string;
  /** Every stage that has a state or reason, in `STAGE_DISPLAY_ORDER`. */
  stages: Array<{ name: string; state: string; reason?: string }>;
  /** Each stage's result by its ledger field (room, folders, share, link, note), JSON-parsed. */
  results: Record<string, unknown>;
  /** What the ticket says now (status, subject), where its events said so. */
  desired: Record<string, DesiredValue>;
  lastError?: { stage: string; message: string; code: string; at: string };
  createdAt: string;
  updatedAt: string;
}

/**
 * The order a ticket's stages are shown in: the worker's creation pipeline (a test keeps the two
 * equal). Redis does not keep a hash's fields in order, and readers here cannot see the pipeline.
 * Stages of other pipelines follow, by name.
 */
export const STAGE_DISPLAY_ORDER: readonly string[] = [
  'route',
  'room',
  'folders',
  'share',
  'link',
  'rename',
  'archive',
  'helpdesk',
];

function displayRank(name: string): number {
  const i = STAGE_DISPLAY_ORDER.indexOf(name);
  return i === -1 ? STAGE_DISPLAY_ORDER.length : i;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The record of a ledger hash; `undefined` for an empty hash (no such ticket). */
export function recordFromHash(hash: Record<string, string>): TicketRecord | undefined {
  const key = hash[LEDGER_FIELDS.key];
  if (!key) return undefined;
  const stages = new Map<string, { name: string; state: string; reason?: string }>();
  const results: Record<string, unknown> = {};
  const desired: Record<string, DesiredValue> = {};
  for (const [field, value] of Object.entries(hash)) {
    const kind = fieldKind(field);
    if (kind.kind === 'stage') stages.set(kind.name, { ...stages.get(kind.name), name: kind.name, state: value });
    else if (kind.kind === 'reason') {
      const stage = stages.get(kind.name) ?? { name: kind.name, state: 'pending' };
      stages.set(kind.name, { ...stage, reason: value });
    } else if (kind.kind === 'want') desired[kind.name] = parseJson(value) as DesiredValue;
    else if (kind.kind === 'result') results[field] = parseJson(value);
  }
  const lastError = hash[LEDGER_FIELDS.lastError];
  return {
    key,
    source: hash[LEDGER_FIELDS.source] ?? '',
    tenant: hash[LEDGER_FIELDS.tenant] ?? '',
    ticketId: hash[LEDGER_FIELDS.ticketId] ?? '',
    state: hash[LEDGER_FIELDS.state] ?? 'in-progress',
    stages: [...stages.values()].sort(
      (a, b) => displayRank(a.name) - displayRank(b.name) || a.name.localeCompare(b.name),
    ),
    results,
    desired,
    ...(lastError === undefined ? {} : { lastError: parseJson(lastError) as NonNullable<TicketRecord['lastError']> }),
    createdAt: hash[LEDGER_FIELDS.createdAt] ?? '',
    updatedAt: hash[LEDGER_FIELDS.updatedAt] ?? '',
  };
}

/** Every key under `prefix` matching `pattern`, from the node that holds the prefix's hash tag. */
export async function scanPrefix(redis: RedisClient, prefix: string, pattern: string): Promise<string[]> {
  const node = connectionFor(redis, `${prefix}:scan`);
  if (!node) throw new Error(`no Redis node holds the keys of prefix ${prefix} (the cluster's slot map is not loaded)`);
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}:${pattern}`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

export interface TicketQuery {
  source: string;
  ticketId: string;
  /** The helpdesk account or site; without it every tenant's ticket with this id is found. */
  tenant?: string;
}

export interface FoundTicket {
  /** The queue prefix (shard) the ticket's keys live under. */
  prefix: string;
  record: TicketRecord;
}

/**
 * Finds a ticket's ledger under any of `prefixes`. With a tenant the key is computed; without,
 * the ledger keys of every tenant are scanned for the id (an operator knows the id the helpdesk
 * shows, rarely its account id) and checked against the exact source and id.
 */
export async function findTickets(
  redis: RedisClient,
  prefixes: readonly string[],
  query: TicketQuery,
): Promise<FoundTicket[]> {
  const found: FoundTicket[] = [];
  for (const prefix of prefixes) {
    let keys: string[];
    if (query.tenant !== undefined) {
      keys = [ledgerKey(prefix, ticketKey({ ...query, tenant: query.tenant } as TicketRef))];
    } else {
      keys = await scanPrefix(redis, prefix, `ledger:${ticketKeyPattern(query.source, query.ticketId)}`);
    }
    for (const key of keys) {
      const record = recordFromHash(await redis.hgetall(key));
      if (record && record.source === query.source && record.ticketId === query.ticketId) {
        found.push({ prefix, record });
      }
    }
  }
  return found;
}

/** One of a ticket's jobs, as an operator needs to see it. */
export interface TicketJob {
  queue: string;
  id: string;
  name: string;
  state: string;
  attemptsMade: number;
  failedReason?: string;
  createdAt?: string;
  finishedAt?: string;
  /** Path of the job in Bull Board, under the dashboard's base path. */
  dashboardPath: string;
}

/**
 * A ticket's jobs in the given queues (one prefix): every job whose id starts with the ticket key
 * (its creation, later events, repairs) or is its note job (`note-<key>`).
 */
export async function ticketJobs(
  redis: RedisClient,
  queues: readonly Queue[],
  key: string,
  dashboardBase: string,
): Promise<TicketJob[]> {
  const jobs: TicketJob[] = [];
  for (const queue of queues) {
    const prefix = queue.opts.prefix as string;
    const base = `${queue.name}:`;
    const ids = new Set<string>();
    for (const pattern of [`${base}${key}*`, `${base}note-${key}*`]) {
      for (const full of await scanPrefix(redis, prefix, pattern)) {
        const id = full.slice(prefix.length + 1 + base.length);
        if (!id.includes(':')) ids.add(id);
      }
    }
    for (const id of [...ids].sort()) {
      const job = await Job.fromId(queue, id);
      if (!job) continue;
      const state = await job.getState();
      jobs.push({
        queue: queue.name,
        id,
        name: job.name,
        state,
        attemptsMade: job.attemptsMade,
        ...(job.failedReason ? { failedReason: job.failedReason } : {}),
        ...(job.timestamp ? { createdAt: new Date(job.timestamp).toISOString() } : {}),
        ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
        dashboardPath: `${dashboardBase}/queue/${encodeURIComponent(queue.name)}/${encodeURIComponent(id)}`,
      });
    }
  }
  return jobs;
}
