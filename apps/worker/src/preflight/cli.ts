import { parseArgs } from 'node:util';
import { ConfigError, type Env } from '@ticket-rooms/core';
import { loadWorkerConfig } from '../config/config';
import { type CheckResult, exitCodeOf, formatResult } from './checks';
import { runPreflight } from './preflight';

export const PREFLIGHT_USAGE = `usage: pnpm preflight [--write-test] [--json]
  (in the image: node apps/worker/dist/main.mjs preflight …)
  --write-test  also create, check and delete a room named as a test
  --json        one JSON document for machines`;

/**
 * `preflight`: checks everything that is configured against the real thing, one line per check.
 * Exit 0 when nothing failed, 1 when something did, 2 for a usage mistake.
 */
export async function runPreflightCli(
  argv: readonly string[],
  env: Env,
  io: { out(line: string): void; err(line: string): void },
): Promise<number> {
  let values: { 'write-test'?: boolean; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { 'write-test': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n${PREFLIGHT_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(PREFLIGHT_USAGE);
    return 0;
  }
  let results: CheckResult[];
  try {
    results = await runPreflight(loadWorkerConfig(env), env, { writeTest: values['write-test'] ?? false });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // The configuration itself is wrong: each problem already names its variable.
    results = err.problems.map((problem) => ({ area: 'config', name: 'variables', outcome: 'fail', detail: problem }));
  }
  if (values.json) {
    io.out(JSON.stringify({ ok: exitCodeOf(results) === 0, checks: results }, null, 2));
  } else {
    for (const r of results) for (const line of formatResult(r)) io.out(line);
    const failed = results.filter((r) => r.outcome === 'fail').length;
    io.out(failed === 0 ? 'Ready to go live.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  }
  return exitCodeOf(results);
}
