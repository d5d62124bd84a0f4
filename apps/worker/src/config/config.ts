import {
  ConfigError,
  type Env,
  httpUrlVariable,
  loadConfig,
  QUEUE_ENV,
  type QUEUE_NAMES,
  type RedisTopology,
  TicketStatus,
  topologyFromEnv,
  topologyProblems,
} from '@ticket-rooms/core';
import { parseRoomType, type RoomOptions, type RoomType } from '@ticket-rooms/docspace-client';
import { WRITE_BACK_HELPDESKS, type WriteBackSettings } from '@ticket-rooms/helpdesk';
import { z } from 'zod';
import { loadRouting, type Routing, routingOf } from '../routing/routing';
import type { LifecycleSettings } from '../stages/context';
import { DEFAULT_FOLDERS, type FolderNode, parseFolderPaths } from '../stages/folder-plan';
import { parseShareEntries, roleProblems, type ShareTarget } from '../stages/share-plan';
import { DEFAULT_TITLE_TEMPLATE, titleTemplateProblem } from '../stages/title';
import { flag, ROOM_OPTION_ENV, roomOptionsOf } from './room-options';

const integer = (min: number, max: number, fallback: number, what: string) =>
  z.coerce
    .number({ message: `must be ${what}` })
    .int({ message: `must be ${what}` })
    .min(min, { message: `must be ${what}` })
    .max(max, { message: `must be ${what}` })
    .default(fallback);

const secret = (message: string) =>
  z.string({ error: (i) => (i.input === undefined ? message : 'must be text') }).min(1, { message });

/** A helpdesk notes are written back to: one notes queue each. */
export type WriteBackVendor = keyof typeof QUEUE_NAMES.notes;

/** The helpdesk write-back variables, by vendor, from the registry. Each needs all of its own or none. */
export const WRITE_BACK_VARIABLES = Object.fromEntries(
  WRITE_BACK_HELPDESKS.map((h) => [h.source, h.writeBack.variables]),
) as Readonly<Record<WriteBackVendor, readonly string[]>>;

/** Every helpdesk's write-back variables and their checks, spread into the environment schema. */
const WRITE_BACK_ENV: Record<string, z.ZodType> = Object.assign(
  {},
  ...WRITE_BACK_HELPDESKS.map((h) => h.writeBack.env),
);

/** The folder whose new files are noted on the ticket unless FINDINGS_FOLDERS says otherwise. */
export const DEFAULT_FINDINGS_FOLDER = 'Findings';

/** Where attachments go unless ROOM_ATTACHMENTS_FOLDER says otherwise. */
export const DEFAULT_ATTACHMENTS_FOLDER = 'Attachments';

/** The worker's environment. Only the DocSpace URL and key have no default. */
export const WorkerEnv = z
  .object({
    ...QUEUE_ENV,
    DOCSPACE_URL: httpUrlVariable('your DocSpace portal, such as https://yourcompany.onlyoffice.com'),
    DOCSPACE_API_KEY: secret(
      'is missing; create a key in DocSpace (Settings → Developer Tools → API keys) with the rooms:write and files:write scopes and set it here',
    ),
    DOCSPACE_TIMEOUT_MS: integer(100, 120_000, 10_000, 'a number of milliseconds from 100 to 120000'),
    /** Requests per second to DocSpace across every worker sharing this Redis; unset = no limit. */
    DOCSPACE_RATE_LIMIT: z.coerce
      .number({ message: 'must be a number of requests per second, such as 10 or 0.5' })
      .positive({ message: 'must be a number of requests per second above 0, such as 10 or 0.5' })
      .max(100_000, { message: 'must be at most 100000 requests per second' })
      .optional(),
    WORKER_CONCURRENCY: integer(1, 1_000, 10, 'a whole number of jobs from 1 to 1000'),
    /** Concurrency of each helpdesk notes queue; the rooms concurrency by default. */
    NOTES_CONCURRENCY: z.coerce
      .number({ message: 'must be a whole number of jobs from 1 to 1000' })
      .int({ message: 'must be a whole number of jobs from 1 to 1000' })
      .min(1, { message: 'must be a whole number of jobs from 1 to 1000' })
      .max(1_000, { message: 'must be a whole number of jobs from 1 to 1000' })
      .optional(),
    ROOM_TYPE: z
      .string()
      .default('collaboration')
      .transform((value, ctx) => {
        try {
          return parseRoomType(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
    ROOM_TITLE_TEMPLATE: z
      .string()
      .default(DEFAULT_TITLE_TEMPLATE)
      .superRefine((template, ctx) => {
        const problem = titleTemplateProblem(template);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ROOM_FOLDERS: z
      .string()
      .default(DEFAULT_FOLDERS.join(','))
      .transform((raw, ctx) => {
        const { nodes, problems } = parseFolderPaths(raw);
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return nodes;
      }),
    ROOM_SHARE: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return [];
        const { entries, problems } = parseShareEntries(raw);
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return entries;
      }),
    /** Room settings DocSpace stores with every new room (docs/configuration.md). */
    ...ROOM_OPTION_ENV,
    /** Rules that pick each ticket's room settings (docs/configuration.md#routing); unset: the ROOM_* variables. */
    ROUTING_FILE: z.string().optional(),
    /** Ticket statuses that archive the room; any other known status unarchives it. */
    ROOM_ARCHIVE_ON: z
      .string()
      .default('solved,closed')
      .transform((raw, ctx) => {
        const words = raw
          .split(',')
          .map((w) => w.trim().toLowerCase())
          .filter(Boolean);
        if (words.length === 1 && words[0] === 'never') return new Set<TicketStatus>();
        const allowed = TicketStatus.options.filter((s) => s !== 'deleted');
        const bad = words.filter((w) => !(allowed as readonly string[]).includes(w));
        if (bad.length > 0 || words.length === 0) {
          ctx.addIssue({
            code: 'custom',
            message: `${bad.length > 0 ? `${bad.join(', ')} ${bad.length === 1 ? 'is not a ticket status' : 'are not ticket statuses'}` : 'is empty'}; use a comma-separated list of ${allowed.join(', ')}, or never (a deleted ticket follows ROOM_ON_TICKET_DELETED)`,
          });
          return z.NEVER;
        }
        return new Set(words as TicketStatus[]);
      }),
    /** Rename the room when the ticket's subject changes. */
    ROOM_RENAME: flag.transform((v) => v ?? true),
    /** What a deleted ticket does to its room. */
    ROOM_ON_TICKET_DELETED: z.enum(['archive', 'keep'], { message: 'must be archive or keep' }).default('archive'),
    /** A later event for a ticket with no room makes the room first. */
    ROOM_CREATE_ON_UPDATE: flag.transform((v) => v ?? true),
    /** Copy the tickets' attachments into their rooms: `on` (default) or `off`. */
    ATTACHMENTS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
    ATTACHMENT_MAX_BYTES: integer(
      1,
      Number.MAX_SAFE_INTEGER,
      100 * 1024 * 1024,
      'a whole number of bytes, such as 104857600',
    ),
    /** Unset: `Attachments`, when ROOM_FOLDERS has it (else no copies, with a warning at start-up). */
    ROOM_ATTACHMENTS_FOLDER: z.string().min(1).optional(),
    ATTACHMENTS_CONCURRENCY: integer(1, 1_000, 4, 'a whole number of jobs from 1 to 1000'),
    /** Room folders whose new files are noted on the ticket, comma-separated paths. */
    FINDINGS_FOLDERS: z
      .string()
      .default(DEFAULT_FINDINGS_FOLDER)
      .transform((raw, ctx) => {
        const paths = raw
          .split(',')
          .map((p) => p.trim().replace(/^\/+|\/+$/g, ''))
          .filter(Boolean);
        if (paths.length === 0) {
          ctx.addIssue({ code: 'custom', message: 'is empty; use comma-separated folder paths such as Findings' });
          return z.NEVER;
        }
        return paths;
      }),
    /** How long a ticket's findings batch collects files before its one note is posted. */
    FINDINGS_BATCH_SECONDS: integer(0, 86_400, 60, 'a whole number of seconds from 0 to 86400'),
    WORKER_METRICS_PORT: integer(0, 65_535, 9101, 'a port number from 0 to 65535'),
    WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** Basic-auth credentials for `/metrics` (both or neither); `/healthz` stays open for probes. */
    WORKER_METRICS_USER: z.string().optional(),
    WORKER_METRICS_PASSWORD: z.string().optional(),
    /** How long a job's lock lasts; a killed worker's job is taken over after about 1.5× this. */
    WORKER_LOCK_DURATION_MS: integer(1_000, 600_000, 8_000, 'a number of milliseconds from 1000 to 600000'),
    WORKER_STALLED_INTERVAL_MS: integer(500, 600_000, 4_000, 'a number of milliseconds from 500 to 600000'),
    WORKER_SHUTDOWN_TIMEOUT_MS: integer(100, 600_000, 30_000, 'a number of milliseconds from 100 to 600000'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ...WRITE_BACK_ENV,
  })
  .superRefine((env, ctx) => {
    // A folder named on purpose must exist; the default just turns copying off where it does not.
    if (
      env.ATTACHMENTS === 'on' &&
      env.ROOM_ATTACHMENTS_FOLDER !== undefined &&
      !env.ROOM_FOLDERS.some((f) => f.path === env.ROOM_ATTACHMENTS_FOLDER)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['ROOM_ATTACHMENTS_FOLDER'],
        message: `must be one of ROOM_FOLDERS (${env.ROOM_FOLDERS.map((f) => f.path).join(', ') || 'none'}), or set ATTACHMENTS=off`,
      });
    }
  })
  .transform((env) => {
    const attachmentsFolder = env.ROOM_ATTACHMENTS_FOLDER ?? DEFAULT_ATTACHMENTS_FOLDER;
    const helpdesk: WorkerConfig['helpdesk'] = {};
    for (const h of WRITE_BACK_HELPDESKS) {
      const settings = h.writeBack.settings(env);
      if (settings) helpdesk[h.source as WriteBackVendor] = settings;
    }

    const config: Omit<WorkerConfig, 'routing'> = {
      ...(env.ROUTING_FILE === undefined ? {} : { routingFile: env.ROUTING_FILE }),
      redisUrl: env.REDIS_URL,
      redisTopology: topologyFromEnv(env),
      queuePrefix: env.QUEUE_PREFIX,
      queueShards: env.QUEUE_SHARDS,
      queueShardsPrevious: env.QUEUE_SHARDS_PREVIOUS,
      docspace: {
        baseUrl: env.DOCSPACE_URL,
        apiKey: env.DOCSPACE_API_KEY,
        timeoutMs: env.DOCSPACE_TIMEOUT_MS,
        ...(env.DOCSPACE_RATE_LIMIT === undefined ? {} : { rateLimitPerSecond: env.DOCSPACE_RATE_LIMIT }),
      },
      concurrency: env.WORKER_CONCURRENCY,
      notesConcurrency: env.NOTES_CONCURRENCY ?? env.WORKER_CONCURRENCY,
      room: {
        type: env.ROOM_TYPE,
        titleTemplate: env.ROOM_TITLE_TEMPLATE,
        folders: env.ROOM_FOLDERS,
        share: env.ROOM_SHARE.map(({ index: _, ...target }) => target),
        options: roomOptionsOf(env),
        lifecycle: {
          archiveOn: env.ROOM_ARCHIVE_ON,
          rename: env.ROOM_RENAME,
          onDeleted: env.ROOM_ON_TICKET_DELETED,
          createOnUpdate: env.ROOM_CREATE_ON_UPDATE,
        },
      },
      helpdesk,
      attachments: {
        enabled: env.ATTACHMENTS === 'on' && env.ROOM_FOLDERS.some((f) => f.path === attachmentsFolder),
        ...(env.ATTACHMENTS === 'on' && !env.ROOM_FOLDERS.some((f) => f.path === attachmentsFolder)
          ? {
              off: `ROOM_FOLDERS has no ${attachmentsFolder} folder; add it or set ROOM_ATTACHMENTS_FOLDER to one it has`,
            }
          : {}),
        maxBytes: env.ATTACHMENT_MAX_BYTES,
        folder: attachmentsFolder,
        concurrency: env.ATTACHMENTS_CONCURRENCY,
      },
      findings: { folders: env.FINDINGS_FOLDERS, batchSeconds: env.FINDINGS_BATCH_SECONDS },
      metrics: {
        port: env.WORKER_METRICS_PORT,
        host: env.WORKER_METRICS_HOST,
        ...(env.WORKER_METRICS_USER !== undefined && env.WORKER_METRICS_PASSWORD !== undefined
          ? { credentials: { user: env.WORKER_METRICS_USER, password: env.WORKER_METRICS_PASSWORD } }
          : {}),
      },
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
      shutdownTimeoutMs: env.WORKER_SHUTDOWN_TIMEOUT_MS,
      logLevel: env.LOG_LEVEL,
    };
    return config;
  });

export interface WorkerConfig {
  redisUrl: string;
  /** One Redis, Sentinel or Cluster; `redisUrl` supplies the credentials and TLS of every node. */
  redisTopology?: RedisTopology;
  queuePrefix: string;
  /** How many hash-tagged key spaces the tickets spread over; every worker consumes all of them. */
  queueShards?: number;
  /** Former `QUEUE_SHARDS` values: their queues are consumed too, so nothing is stranded. */
  queueShardsPrevious?: number[];
  docspace: { baseUrl: string; apiKey: string; timeoutMs: number; rateLimitPerSecond?: number };
  /** Room jobs one process works on at once. */
  concurrency: number;
  /** Note jobs one process works on at once, per helpdesk. */
  notesConcurrency: number;
  /** Copying the tickets' attachments into their rooms. */
  attachments: {
    enabled: boolean;
    maxBytes: number;
    folder: string;
    concurrency: number;
    /** Why copying is off although ATTACHMENTS is on. */
    off?: string;
  };
  /** Files added to these room folders are noted on the ticket; unset: `Findings`, batched for 60 s. */
  findings?: { folders: string[]; batchSeconds: number };
  /** The ROOM_* settings: every ticket's without a routing file, the base of its rules with one. */
  room: {
    type: RoomType;
    titleTemplate: string;
    folders: FolderNode[];
    share: ShareTarget[];
    options: RoomOptions;
    lifecycle: LifecycleSettings;
  };
  /** `ROUTING_FILE`, when set. */
  routingFile?: string;
  /** The rules that pick each ticket's room settings; no rules without a routing file. */
  routing: Routing;
  /** Write-back credentials of each configured helpdesk; a missing vendor fails its notes visibly. */
  helpdesk: Partial<Record<WriteBackVendor, WriteBackSettings>>;
  metrics: { port: number; host: string; credentials?: { user: string; password: string } };
  lockDurationMs: number;
  stalledIntervalMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
}

/**
 * Reads and checks the environment once, before any job is taken. Throws `ConfigError` with one
 * sentence per mistake; secret values are never echoed.
 */
export function loadWorkerConfig(env: Env = process.env): Readonly<WorkerConfig> {
  const problems: string[] = [];
  let config: Readonly<Omit<WorkerConfig, 'routing'>> | undefined;
  try {
    config = loadConfig(WorkerEnv, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  // Checks across variables run even when single variables are wrong: every mistake at once.
  problems.push(...crossCheck(env));
  // The routing file is read over the ROOM_* settings; when those are wrong, over the built-in ones.
  const base = config?.room ?? loadConfig(WorkerEnv, { DOCSPACE_URL: 'http://x', DOCSPACE_API_KEY: 'x' }).room;
  const file = env.ROUTING_FILE?.trim() || undefined;
  const routed = file === undefined ? { routing: routingOf(base), problems: [] } : loadRouting(file, base);
  problems.push(...routed.problems);
  if (problems.length > 0 || !config || !routed.routing) throw new ConfigError(problems);
  return Object.freeze({ ...config, routing: routed.routing });
}

/** Mistakes that only show when variables are read together, each as `VARIABLE: sentence.` */
function crossCheck(raw: Env): string[] {
  const env: Env = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined && v !== '') env[k] = v;
  const problems: string[] = topologyProblems(env);
  for (const [vendor, names] of Object.entries(WRITE_BACK_VARIABLES)) {
    const set = names.filter((n) => env[n] !== undefined);
    if (set.length === 0 || set.length === names.length) continue;
    for (const missing of names.filter((n) => env[n] === undefined)) {
      problems.push(
        `${missing}: is missing; the ${vendor} write-back needs ${names.join(', ')} together (or none of them to leave it off).`,
      );
    }
  }
  const metricsAuth = ['WORKER_METRICS_USER', 'WORKER_METRICS_PASSWORD'];
  if (metricsAuth.filter((n) => env[n] !== undefined).length === 1) {
    const missing = metricsAuth.find((n) => env[n] === undefined);
    problems.push(
      `${missing}: is missing; /metrics needs WORKER_METRICS_USER and WORKER_METRICS_PASSWORD together (or neither to leave it open).`,
    );
  }
  // Basic auth splits the user from the password at the first ":".
  if (env.WORKER_METRICS_USER?.includes(':')) problems.push('WORKER_METRICS_USER: must not contain ":".');
  if (env.WORKER_METRICS_PASSWORD !== undefined && env.WORKER_METRICS_PASSWORD.length < 8) {
    problems.push('WORKER_METRICS_PASSWORD: must be at least 8 characters long.');
  }
  if (env.ROOM_SHARE !== undefined) {
    let roomType: RoomType | undefined;
    try {
      roomType = parseRoomType(env.ROOM_TYPE ?? 'collaboration');
    } catch {
      // ROOM_TYPE itself is reported by the schema.
    }
    const { entries } = parseShareEntries(env.ROOM_SHARE);
    if (roomType !== undefined) for (const p of roleProblems(entries, roomType)) problems.push(`ROOM_SHARE: ${p}.`);
  }
  return problems;
}

export { ConfigError };
