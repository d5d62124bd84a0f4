import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { REPO_ROOT } from '../../../scripts/stack/paths';

export type ScriptEnv = Record<string, string | undefined>;

/**
 * A child's environment with nothing of the caller's configuration in it (no REDIS_URL, no
 * DocSpace or helpdesk variables a CI machine might have, no `.env`), so the command sees a fresh
 * machine.
 */
export function cleanEnv(extra: ScriptEnv): NodeJS.ProcessEnv {
  // No env file either, unless the test brings its own: a developer's `.env` must not leak in.
  const env: NodeJS.ProcessEnv = { TICKET_ROOMS_ENV_FILE: 'none' };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TERM']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Script {
  readonly child: ChildProcess;
  /** In a process group of its own. */
  readonly detached: boolean;
  stdout(): string;
  stderr(): string;
  /** Resolves with stdout up to and including the first line matching `re`, as soon as it is printed. */
  waitForLine(re: RegExp, ms?: number): Promise<string>;
  readonly exited: Promise<Exit>;
}

/**
 * Runs `scripts/<name>.ts` as `pnpm start` / `pnpm demo` run it (node with the tsx loader), from
 * the repository root. `detached` gives it its own process group, as a terminal would, so a test
 * can press Ctrl-C by signalling the whole group.
 */
export function runScript(
  name: 'start' | 'demo',
  opts: { env: NodeJS.ProcessEnv; detached?: boolean; args?: string[] },
): Script {
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) w();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    detached: opts.detached ?? false,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(re, ms = 45_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const lines = out.split('\n');
          const at = lines.findIndex((l, i) => i < lines.length - 1 && re.test(l));
          if (at < 0) return false;
          finish();
          resolve(lines.slice(0, at + 1).join('\n'));
          return true;
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no line matching ${re} within ${ms} ms; stdout:\n${out}\nstderr:\n${err}`));
        }, ms);
        const onExit = () => {
          finish();
          reject(new Error(`${name} exited before printing ${re}; stdout:\n${out}\nstderr:\n${err}`));
        };
        const finish = () => {
          clearTimeout(timer);
          child.off('exit', onExit);
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
        };
        const waiter = () => {
          check();
        };
        if (check()) return;
        waiters.push(waiter);
        child.once('exit', onExit);
      });
    },
  };
}

/**
 * Stops what a failed test left running: the script, then anything else working in its data
 * directory (the redis-server it started runs in a process group of its own).
 */
export async function ensureStopped(script: Script | undefined, dataDir: string | undefined): Promise<void> {
  if (script && script.child.exitCode === null && script.child.signalCode === null) {
    const pid = script.child.pid as number;
    if (script.detached) process.kill(-pid, 'SIGKILL');
    else script.child.kill('SIGKILL');
    await script.exited;
  }
  if (dataDir) {
    for (const pid of processesUsing(dataDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * Pids of the processes working in a directory (Linux `/proc`): started with it on their command
 * line, or running inside it. redis-server rewrites its command line, but it works in its `--dir`.
 */
export function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\u0000', ' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // Not ours to look into.
      }
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
