import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/** `pnpm sim docspace` runs the simulator alone, prints where it is, and stops cleanly. */

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
let child: ChildProcess | undefined;

function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  child = spawn(process.execPath, ['--import', 'tsx', CLI, 'docspace', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return child;
}

/** Resolves with stdout once it contains `pattern`; fails if the process exits first. */
function waitForOutput(proc: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern.test(out)) {
        proc.stdout?.off('data', onData);
        resolve(out);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    proc.once('exit', (code) => reject(new Error(`exited ${code} before printing ${pattern}: ${out}${err}`)));
  });
}

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  child = undefined;
});

describe('pnpm sim docspace', () => {
  it('prints its base URL and key, serves with that key, applies --faults, and stops on SIGTERM', async () => {
    const proc = start(['--port', '0', '--api-key', 'sk-cli-test', '--faults', '{"rateLimitRate":0}']);
    const out = await waitForOutput(proc, /API key: .+\n[\s\S]*Faults:/);
    const baseUrl = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain('API key: sk-cli-test');

    const ok = await fetch(`${baseUrl}/api/2.0/people/@self`, { headers: { authorization: 'Bearer sk-cli-test' } });
    expect(ok.status).toBe(200);
    const faults = await fetch(`${baseUrl}/__sim/faults`);
    expect(((await faults.json()) as { faults: unknown }).faults).toEqual({ rateLimitRate: 0 });

    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('takes the port and key from DOCSPACE_SIM_PORT and DOCSPACE_API_KEY', async () => {
    const proc = start([], { DOCSPACE_SIM_PORT: '0', DOCSPACE_API_KEY: 'sk-from-env' });
    const out = await waitForOutput(proc, /API key: sk-from-env/);
    const baseUrl = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    const res = await fetch(`${baseUrl}/api/2.0/people/@self`, { headers: { authorization: 'Bearer sk-from-env' } });
    expect(res.status).toBe(200);
  });

  it('makes up a key in DocSpace’s format when none is given', async () => {
    const proc = start(['--port', '0'], { DOCSPACE_API_KEY: '' });
    const out = await waitForOutput(proc, /API key: /);
    expect(out).toMatch(/API key: sk-[0-9a-f]{64}\n/);
  });
});
