import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { stateFilePath } from './paths';

/** What a running `pnpm start` tells `pnpm demo` (and a second `pnpm start`) about itself. */
export const RunningStackInfo = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  receiverUrl: z.string(),
  dashboardUrl: z.string().optional(),
  queuePrefix: z.string(),
  /** Only for an embedded Redis: a configured `REDIS_URL` may hold a password and is never written here. */
  redisUrl: z.string().optional(),
  /** Base URL of each simulator this stack runs, by name. */
  simulators: z.record(z.string(), z.string()),
  /** How long the worker collects a ticket's findings before noting them (`FINDINGS_BATCH_SECONDS`). */
  findingsBatchSeconds: z.number().int().optional(),
  /** The parts that are the user's own services (`docspace`, `zendesk`, …), not stand-ins. */
  real: z.array(z.string()).default([]),
});
export type RunningStackInfo = z.infer<typeof RunningStackInfo>;

/**
 * `.data/dev-stack.json` (mode 0600). `secrets` holds only what `pnpm start` generated (webhook
 * secrets, simulator credentials, dashboard credentials), keyed by the variable each stands in for;
 * they are kept across restarts so the data in the embedded Redis and the helpdesk settings that
 * use them stay valid. Nothing the user configured is ever copied into it.
 */
export const DevStackFile = z.object({
  version: z.literal(1),
  secrets: z.record(z.string(), z.string()),
  /** The process that is starting or running a stack from this directory, from its first step on. */
  owner: z.object({ pid: z.number().int() }).optional(),
  /**
   * The embedded redis-server, written as soon as it runs and cleared once it has stopped, so a
   * stack that was killed before it could stop Redis is cleaned up by the next start.
   */
  redis: z.object({ url: z.string(), pid: z.number().int() }).optional(),
  /** Written once the stack is ready, cleared when it stops. */
  running: RunningStackInfo.optional(),
});
export type DevStackFile = z.infer<typeof DevStackFile>;

export const EMPTY_STATE: DevStackFile = Object.freeze({ version: 1, secrets: {} }) as DevStackFile;

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** Reads the file; a missing file is an empty state, an unreadable one an error naming the file. */
export function readState(dataDir: string): DevStackFile {
  const path = stateFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StateFileError(`${path} is not valid JSON; delete it to start with fresh generated secrets.`);
  }
  const parsed = DevStackFile.safeParse(json);
  if (!parsed.success) {
    throw new StateFileError(`${path} is not a dev-stack file; delete it to start with fresh generated secrets.`);
  }
  return parsed.data;
}

/** Writes the whole file atomically, readable by its owner only. */
export function writeState(dataDir: string, state: DevStackFile): void {
  const path = stateFilePath(dataDir);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Reads, changes and writes back; the only way the stack touches the file after start-up. */
export function updateState(dataDir: string, change: (state: DevStackFile) => DevStackFile): DevStackFile {
  const next = change(readState(dataDir));
  writeState(dataDir, next);
  return next;
}
