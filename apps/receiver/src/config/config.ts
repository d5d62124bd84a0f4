import {
  ConfigError,
  type Env,
  loadConfig,
  QUEUE_ENV,
  type RedisTopology,
  topologyFromEnv,
  topologyProblems,
} from '@ticket-rooms/core';
import { type InboundConfig, inboundConfigFromEnv, inboundVariables } from '@ticket-rooms/helpdesk';
import { z } from 'zod';
import { parseByteSize } from './byte-size';

const flag = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const s = v.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(s)) return true;
      if (['false', '0', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false` });
      return z.NEVER;
    });

const integer = (min: number, max: number, fallback: number, what: string) =>
  z.coerce
    .number({ message: `must be ${what}` })
    .int({ message: `must be ${what}` })
    .min(min, { message: `must be ${what}` })
    .max(max, { message: `must be ${what}` })
    .default(fallback);

const MiB = 1024 * 1024;

const INBOUND_ENV: Record<string, z.ZodOptional<z.ZodString>> = Object.fromEntries(
  inboundVariables().map((name) => [name, z.string().optional()]),
);

/** The receiver's environment. Every variable is optional; the defaults run it on one machine. */
export const ReceiverEnv = z.object({
  PORT: integer(0, 65_535, 3000, 'a port number from 0 to 65535'),
  /** Loopback by default; containers set `HOST=0.0.0.0` (docker-compose.yml does). */
  HOST: z.string().min(1).default('127.0.0.1'),
  ...QUEUE_ENV,
  BODY_LIMIT: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return MiB;
      const bytes = parseByteSize(v);
      if (bytes === undefined || bytes < 1024 || bytes > 100 * MiB) {
        ctx.addIssue({ code: 'custom', message: 'must be a size from 1kb to 100mb, such as 1048576, 512kb or 1mb' });
        return z.NEVER;
      }
      return bytes;
    }),
  /** How long one delivery may wait for Redis before the sender is told 503 to retry later. */
  ENQUEUE_TIMEOUT_MS: integer(50, 30_000, 2_000, 'a number of milliseconds from 50 to 30000'),
  /** Replicas that must hold a delivery's job before it is answered 202 (Redis `WAIT`). */
  REDIS_MIN_REPLICAS_ACK: integer(0, 16, 0, 'a whole number of replicas from 0 to 16'),
  /** How long a ticket is remembered as seen. The senders retry for up to 72 hours. */
  DEDUPE_WINDOW_HOURS: integer(
    72,
    24 * 365,
    30 * 24,
    "a number of hours from 72 to 8760 (72 is the senders' retry horizon)",
  ),
  SHUTDOWN_TIMEOUT_MS: integer(100, 600_000, 10_000, 'a number of milliseconds from 100 to 600000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DASHBOARD_USER: z.string().optional(),
  DASHBOARD_PASSWORD: z.string().optional(),
  /** DocSpace's webhook secret key(s), comma-separated while rotating; unset turns `/webhooks/docspace` off. */
  DOCSPACE_WEBHOOK_SECRET: z.string().optional(),
  /** How old a DocSpace event (its `createOn`) may be and still be taken; default 3 days, DocSpace's own horizon. */
  DOCSPACE_WEBHOOK_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(3 * 24 * 3600),
  DASHBOARD_READ_ONLY: flag('DASHBOARD_READ_ONLY', false),
  METRICS_REQUIRE_AUTH: flag('METRICS_REQUIRE_AUTH', false),
  // Each helpdesk's webhook credentials; its adapter reads them (comma-separated lists rotate secrets).
  ...INBOUND_ENV,
});

export interface DashboardCredentials {
  user: string;
  password: string;
}

export interface ReceiverConfig {
  port: number;
  host: string;
  redisUrl: string;
  /** One Redis, Sentinel or Cluster; `redisUrl` supplies the credentials and TLS of every node. */
  redisTopology?: RedisTopology;
  queuePrefix: string;
  /** How many hash-tagged key spaces the tickets spread over (`QUEUE_SHARDS`). */
  queueShards?: number;
  /** Former `QUEUE_SHARDS` values whose keys may still hold known tickets. */
  queueShardsPrevious?: number[];
  /** Replicas that must confirm a job (`WAIT`) before the sender gets 202; 0 = the primary alone. */
  minReplicasAck?: number;
  bodyLimitBytes: number;
  enqueueTimeoutMs: number;
  dedupeWindowSeconds: number;
  shutdownTimeoutMs: number;
  logLevel: string;
  /** `undefined` turns the dashboard off. */
  dashboard: (DashboardCredentials & { readOnly: boolean }) | undefined;
  metricsRequireAuth: boolean;
  /** Helpdesk secrets and tokens, as `parseDelivery` takes them. */
  inbound: InboundConfig;
  /** DocSpace's own deliveries; absent when no secret is set. */
  docspaceWebhook?: { secrets: readonly string[]; maxAgeSeconds: number };
}

/**
 * Reads and checks the environment once. Throws `ConfigError` with one sentence per bad variable;
 * secret values are never echoed.
 */
/**
 * Rules between variables, read from the raw environment so they are reported alongside any
 * variable that fails on its own (zod skips object refinements once a field has failed).
 */
function crossProblems(env: Env): string[] {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  const problems: string[] = topologyProblems(env);
  const hasUser = set('DASHBOARD_USER');
  const hasPassword = set('DASHBOARD_PASSWORD');
  if (hasUser !== hasPassword) {
    problems.push(
      `${hasUser ? 'DASHBOARD_PASSWORD' : 'DASHBOARD_USER'}: must be set together with ${hasUser ? 'DASHBOARD_USER' : 'DASHBOARD_PASSWORD'}, or both left unset to turn the dashboard off.`,
    );
  }
  if (hasPassword && (env.DASHBOARD_PASSWORD ?? '').length < 8) {
    problems.push('DASHBOARD_PASSWORD: must be at least 8 characters long.');
  }
  if (/^(true|1|yes|on)$/i.test((env.METRICS_REQUIRE_AUTH ?? '').trim()) && !(hasUser && hasPassword)) {
    problems.push(
      'METRICS_REQUIRE_AUTH: needs DASHBOARD_USER and DASHBOARD_PASSWORD, whose credentials protect /metrics.',
    );
  }
  return problems;
}

export function loadReceiverConfig(env: Env = process.env): Readonly<ReceiverConfig> {
  // Every check runs before any complains, so one start-up names every bad variable.
  const cross = crossProblems(env);
  let inbound: InboundConfig = {};
  let inboundProblems: readonly string[] = [];
  try {
    inbound = inboundConfigFromEnv(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    inboundProblems = err.problems;
  }
  let e: z.infer<typeof ReceiverEnv>;
  try {
    e = loadConfig(ReceiverEnv, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError([...err.problems, ...cross, ...inboundProblems]);
  }
  if (cross.length > 0 || inboundProblems.length > 0) throw new ConfigError([...cross, ...inboundProblems]);

  const config: ReceiverConfig = {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisTopology: topologyFromEnv(e),
    queuePrefix: e.QUEUE_PREFIX,
    queueShards: e.QUEUE_SHARDS,
    queueShardsPrevious: e.QUEUE_SHARDS_PREVIOUS,
    minReplicasAck: e.REDIS_MIN_REPLICAS_ACK,
    bodyLimitBytes: e.BODY_LIMIT,
    enqueueTimeoutMs: e.ENQUEUE_TIMEOUT_MS,
    dedupeWindowSeconds: e.DEDUPE_WINDOW_HOURS * 3600,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    dashboard:
      e.DASHBOARD_USER !== undefined && e.DASHBOARD_PASSWORD !== undefined
        ? { user: e.DASHBOARD_USER, password: e.DASHBOARD_PASSWORD, readOnly: e.DASHBOARD_READ_ONLY }
        : undefined,
    metricsRequireAuth: e.METRICS_REQUIRE_AUTH,
    inbound,
  };
  const secrets = (e.DOCSPACE_WEBHOOK_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (secrets.length > 0) config.docspaceWebhook = { secrets, maxAgeSeconds: e.DOCSPACE_WEBHOOK_MAX_AGE_SECONDS };
  return Object.freeze(config);
}
