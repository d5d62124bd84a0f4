import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import type { Env } from '@ticket-rooms/core';
import { REPO_ROOT } from './paths';

/** Names the env file; `none` turns it off (the tests do, so a developer's `.env` cannot leak in). */
export const ENV_FILE_VARIABLE = 'TICKET_ROOMS_ENV_FILE';

/** The `.env` beside `docker-compose.yml` by default, so one file configures both ways of running. */
export function envFilePath(env: Env): string | undefined {
  const configured = env[ENV_FILE_VARIABLE];
  if (configured === 'none') return undefined;
  return configured ? configured : join(REPO_ROOT, '.env');
}

/**
 * The environment with the env file's variables added. What the shell already sets wins, as with
 * `docker compose` and `node --env-file`. Returns the names taken from the file (never values).
 */
export function withEnvFile(env: Env, fileText: string | undefined): { env: Env; fromFile: string[] } {
  if (fileText === undefined) return { env, fromFile: [] };
  const parsed = parseEnv(fileText);
  const merged: Env = { ...env };
  const fromFile: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (merged[name] !== undefined && merged[name] !== '') continue;
    merged[name] = value;
    fromFile.push(name);
  }
  return { env: merged, fromFile };
}

/** Reads the env file if there is one. */
export function loadEnvFile(env: Env): { env: Env; path: string | undefined; fromFile: string[] } {
  const path = envFilePath(env);
  let text: string | undefined;
  if (path) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const { env: merged, fromFile } = withEnvFile(env, text);
  return { env: merged, path: text === undefined ? undefined : path, fromFile };
}
