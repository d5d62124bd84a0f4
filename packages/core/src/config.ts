import { z } from 'zod';
import { DEFAULT_QUEUE_PREFIX } from './jobs';
import { TOPOLOGY_ENV } from './redis-topology';

/** Raised at start-up when the environment is wrong; `problems` has one sentence per mistake. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Parses the environment once with an app's zod schema and freezes the result. Every error names
 * the variable: "PORT must be a number from 1 to 65535 (got "abc")." Values of variables whose
 * names look secret are never echoed.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): Readonly<z.infer<S>> {
  // Empty strings mean "not set": `FOO=` in a .env file should give the default, not a parse error.
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return Object.freeze(parsed.data) as Readonly<z.infer<S>>;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    const raw = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
    const shown = raw === undefined || looksSecret(name) ? '' : ` (got ${JSON.stringify(raw.slice(0, 80))})`;
    const msg = issue.message.replace(/\.$/, '');
    return `${name}: ${msg}${shown}.`;
  });
  throw new ConfigError(problems);
}

/**
 * An http(s) base URL variable, trailing slashes dropped. `what` completes "set it to …", e.g.
 * "your DocSpace portal, such as https://yourcompany.onlyoffice.com".
 */
export function httpUrlVariable(what: string) {
  return z
    .string({ error: (i) => (i.input === undefined ? `is missing; set it to ${what}` : 'must be text') })
    .regex(/^https?:\/\/[^\s/]+/, { message: `must be an http(s) URL of ${what}` })
    .transform((u) => u.replace(/\/+$/, ''));
}

export function looksSecret(name: string): boolean {
  return /SECRET|TOKEN|PASSWORD|API_KEY|_KEY$|REDIS_URL/i.test(name);
}

/**
 * The variables every process on the queues reads, the same way: where Redis is (one node,
 * Sentinel or Cluster), the prefix of every key and how many shards the keys spread over. Spread
 * into an app's environment schema; `topologyProblems` checks them against each other.
 */
export const QUEUE_ENV = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
    .default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[^\s:]+$/, { message: 'must be non-empty, without spaces or ":"' })
    .default(DEFAULT_QUEUE_PREFIX),
  ...TOPOLOGY_ENV,
};
