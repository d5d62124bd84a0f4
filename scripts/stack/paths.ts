import { isAbsolute, join, resolve } from 'node:path';
import type { Env } from '@ticket-rooms/core';

/** The repository root, wherever the command was started from. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** Names the data directory; tests point it at a temporary one. */
export const DATA_DIR_VARIABLE = 'TICKET_ROOMS_DATA_DIR';

/** Where the embedded Redis keeps its AOF and `dev-stack.json` its secrets: `.data/` by default. */
export function dataDirFrom(env: Env): string {
  const configured = env[DATA_DIR_VARIABLE];
  if (configured === undefined || configured === '') return join(REPO_ROOT, '.data');
  return isAbsolute(configured) ? configured : resolve(configured);
}

export function stateFilePath(dataDir: string): string {
  return join(dataDir, 'dev-stack.json');
}

export function redisDir(dataDir: string): string {
  return join(dataDir, 'redis');
}

/** A path as the user should read it: relative to the repository when it is inside it. */
export function shownPath(path: string): string {
  return path.startsWith(`${REPO_ROOT}/`) ? path.slice(REPO_ROOT.length + 1) : path;
}
