import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Env } from '@ticket-rooms/core';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/**
 * The V8 flags the worker's image runs with (apps/worker/Dockerfile): a small young generation, so
 * the buffers a streamed attachment passes through are collected as it goes, not in one late sweep.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=4'];

/**
 * A worker in its own process, as `pnpm --filter ./apps/worker start` runs it (or, with
 * `bundle`, as its Docker image does: `dist/main.mjs` under plain Node), so it can be killed.
 */
export class ChildWorker {
  readonly process: ChildProcess;
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Env, opts: { bundle?: boolean } = {}) {
    const entry = opts.bundle ? ['apps/worker/dist/main.mjs'] : ['--import', 'tsx', 'apps/worker/src/main.ts'];
    const argv = [...WORKER_NODE_FLAGS, ...entry];
    this.process = spawn(process.execPath, argv, {
      cwd: REPO_ROOT,
      // Info level: the test waits for the "worker started" line.
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    this.process.stderr?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  get log(): string {
    return this.output;
  }

  /** Resolves once the worker logged that it takes jobs; rejects if it exits first. */
  ready(timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.output.includes('"msg":"worker started"')) {
          cleanup();
          resolve();
        }
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`worker exited before it started:\n${this.output}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`worker did not start within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.process.stdout?.off('data', check);
        this.process.off('exit', onExit);
      };
      this.process.stdout?.on('data', check);
      this.process.once('exit', onExit);
      check();
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    return this.exited;
  }
}
