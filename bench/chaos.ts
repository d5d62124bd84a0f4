// Crash and fault run: `pnpm exec tsx bench/chaos.ts [--tickets 2000] [--rate 8] [--seed N] [--rate-limit-window 60]`.
// Real child processes on loopback: the receiver and workers are SIGKILLed at random moments and
// restarted, Redis is SIGKILLed once and restarted from its AOF, and the simulators inject faults.
// Then the simulators are counted through their read APIs and every output is scanned for secrets.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChaosOptions, runChaos } from '../test/chaos/harness/chaos-run';
import { killChildrenOnSignals } from '../test/chaos/harness/children';
import { formatChaosReport } from '../test/chaos/harness/format';
import { seedFrom } from '../test/chaos/harness/random';
import { numberFlag, parseFlags, runDir } from '../test/chaos/harness/run-dir';

const flags = parseFlags(process.argv.slice(2));
const seed = seedFrom(flags.get('seed'));
const faultRate = numberFlag(flags, 'fault-rate', 0.1);
// `total` (default): `faultRate` of requests are faulted, split evenly over the four kinds.
// `each`: every kind at `faultRate` (about 27% of requests faulted, and 10% of writes dropped).
const faultMode = flags.get('fault-mode') === 'each' ? 'each' : 'total';
const perKind = faultMode === 'each' ? faultRate : faultRate / 4;
const windowSeconds = numberFlag(flags, 'rate-limit-window', 0);
const minutes = numberFlag(flags, 'max-minutes', 15);
const dir = runDir(windowSeconds > 0 ? 'chaos-429' : 'chaos');

// Every kind of fault: 429 with Retry-After, 502 from a proxy, a hang (the connection drops
// after hangMs, beyond the worker's 2 s DocSpace timeout), and on writes the change committed and
// the connection dropped before the answer. Latency widens the crash windows.
const faults = (latencyMs: number) => ({
  latencyMs,
  rateLimitRate: perKind,
  retryAfterSeconds: 1,
  errorRate: perKind,
  hangRate: perKind,
  hangMs: 3_000,
  dropAfterCommitRate: perKind,
  seed,
});

const options: ChaosOptions = {
  dir,
  seed,
  tickets: numberFlag(flags, 'tickets', 2000),
  ratePerSecond: numberFlag(flags, 'rate', 8),
  duplicateRate: numberFlag(flags, 'duplicates', 0.2),
  workers: numberFlag(flags, 'workers', 2),
  workerConcurrency: numberFlag(flags, 'concurrency', 32),
  kills: {
    worker: numberFlag(flags, 'worker-kills', 12),
    receiver: numberFlag(flags, 'receiver-kills', 3),
    redis: numberFlag(flags, 'redis-kills', 1),
  },
  redisDownMs: numberFlag(flags, 'redis-down-ms', 3_000),
  docspaceFaults: faults(numberFlag(flags, 'latency-ms', 20)),
  helpdeskFaults: faults(numberFlag(flags, 'latency-ms', 20)),
  ...(flags.has('docspace-rate') || windowSeconds > 0
    ? { docspaceRateLimit: numberFlag(flags, 'docspace-rate', 40) }
    : {}),
  ...(windowSeconds > 0 ? { rateLimitWindow: { seconds: windowSeconds, retryAfterSeconds: 2, atFraction: 0.3 } } : {}),
  deadline: Date.now() + minutes * 60_000,
  log: (line) => console.log(`[chaos] ${line}`),
};

killChildrenOnSignals();
console.log(`[chaos] seed ${seed}, faults ${faultMode} ${faultRate} (${perKind} per kind), run dir ${dir}`);
const report = await runChaos(options);
writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
console.log(`\n${formatChaosReport(report)}`);
console.log(`report: ${join(dir, 'report.json')}`);
process.exit(report.ok ? 0 : 1);
