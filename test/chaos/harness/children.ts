import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Env } from '@ticket-rooms/core';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Every process the harness started, so all of them die with it: on a normal end, a thrown
 * error, Ctrl-C or a test timeout. Only these pids are ever signalled.
 */
const live = new Set<number>();
let hooked = false;

function killAllNow(): void {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/** Tracks a pid started elsewhere (the Redis child of `LocalRedis`) for the exit hook. */
export function trackPid(pid: number | undefined): void {
  if (pid === undefined) return;
  live.add(pid);
  if (hooked) return;
  hooked = true;
  process.once('exit', killAllNow);
}

export function untrackPid(pid: number | undefined): void {
  if (pid !== undefined) live.delete(pid);
}

/** For scripts: Ctrl-C or SIGTERM still kills every child before exiting. */
export function killChildrenOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: killing every child process\n`);
      killAllNow();
      process.exit(130);
    });
  }
}

export interface ChildAppOptions {
  /** Label in reports and the log file name. */
  name: string;
  /** Entry file relative to the repository root: a `.mjs` bundle runs under plain Node, TypeScript through tsx. */
  entry: string;
  env: Env;
  /** Text on stdout that says the app is ready (a log message). */
  readyText: string;
  /** Every incarnation's stdout and stderr are appended here. */
  logFile: string;
  readyTimeoutMs?: number;
}

export interface Exit {
  incarnation: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** We sent the SIGKILL (a deliberate crash), as opposed to the app dying on its own. */
  killed: boolean;
  at: number;
}

/**
 * One app as a real child process that can be SIGKILLed and started again, as a supervisor
 * (systemd, Kubernetes) would. Output of every incarnation goes to one log file.
 */
export class ChildApp {
  readonly name: string;
  private readonly opts: ChildAppOptions;
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  private killing = false;
  incarnation = 0;
  readonly exits: Exit[] = [];

  constructor(opts: ChildAppOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.log = createWriteStream(opts.logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Exits we did not cause: crashes of the app itself. */
  get unexpectedExits(): Exit[] {
    return this.exits.filter((e) => !e.killed);
  }

  /** Starts an incarnation and resolves once it logged `readyText`. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.incarnation += 1;
    const incarnation = this.incarnation;
    const argv = this.opts.entry.endsWith('.mjs') ? [this.opts.entry] : ['--import', 'tsx', this.opts.entry];
    const child = spawn(process.execPath, argv, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    trackPid(child.pid);
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      untrackPid(child.pid);
      this.exits.push({ incarnation, code, signal, killed: this.killing, at: Date.now() });
    });

    const timeoutMs = this.opts.readyTimeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (d: Buffer) => {
        seen = (seen + d.toString('utf8')).slice(-64 * 1024);
        if (seen.includes(this.opts.readyText)) done();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        done(
          new Error(`${this.name} exited (code ${code}, signal ${signal}) before it was ready:\n${seen.slice(-2000)}`),
        );
      const timer = setTimeout(
        () => done(new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${seen.slice(-2000)}`)),
        timeoutMs,
      );
      const done = (err?: Error) => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
    });
  }

  /** SIGKILL, as a crash or an OOM kill would: no shutdown hooks run. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', true);
  }

  /** SIGKILL, then a new incarnation (what a supervisor does). */
  async crashAndRestart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** SIGTERM (a graceful stop), SIGKILL if it takes longer than `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.killing = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    this.killing = false;
  }

  private async signal(sig: NodeJS.Signals, deliberate: boolean): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.killing = deliberate;
    child.kill(sig);
    await exited;
    this.killing = false;
  }

  /** Flushes the log file (after the last incarnation stopped). */
  async closeLog(): Promise<void> {
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}
