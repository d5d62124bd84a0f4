// Flood run: `pnpm exec tsx bench/flood.ts [--deliveries 100000] [--concurrency 64] [--docspace-rate 50]
//   [--redis-outage-ms 3000] [--drain-window 60] [--seed N]`.
// A burst of signed deliveries from every vendor at a receiver child process while workers drain
// at the configured DocSpace rate; Redis is SIGKILLed once mid-burst and restarted from its AOF.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killChildrenOnSignals } from '../test/chaos/harness/children';
import { type FloodReport, runFlood } from '../test/chaos/harness/flood-run';
import { seedFrom } from '../test/chaos/harness/random';
import { numberFlag, parseFlags, runDir } from '../test/chaos/harness/run-dir';

function format(r: FloodReport): string {
  const s = r.sender;
  return [
    `seed ${r.seed}; run dir ${r.dir}`,
    `burst: ${r.deliveries} deliveries in ${r.burstSeconds.toFixed(1)} s (${r.acceptedPerSecond.toFixed(0)} acknowledged/s)`,
    `answers: ${JSON.stringify(s.byStatus)}; acknowledged ${s.acknowledged}; retries ${s.retries}; refused ${s.refused.length}; other 5xx ${s.serverErrors}; gave up ${s.gaveUp}`,
    `503s: ${r.unavailable.duringOutage} while Redis was down (${r.unavailable.outageMs ?? 0} ms), ${r.unavailable.outsideOutage} outside`,
    `receiver RSS MB: start ${r.receiverRssMb.start}, after N answered ${JSON.stringify(r.receiverRssMb.at)}, max ${r.receiverRssMb.max}, end ${r.receiverRssMb.end}`,
    `redis used_memory: ${r.redis.usedMemoryBeforeMb.toFixed(1)} → ${r.redis.usedMemoryAfterMb.toFixed(1)} MB = ${r.redis.bytesPerTicket} bytes per acknowledged ticket; by key ${JSON.stringify(r.redis.perKey)}`,
    `drain over ${r.drain.windowSeconds.toFixed(0)} s: ${r.drain.docspaceRequestsPerSecond.toFixed(1)} DocSpace req/s (configured ${r.drain.configuredRatePerSecond}), ` +
      `${r.drain.roomsCompletedPerSecond.toFixed(2)} rooms/s, ${r.drain.pendingAtEnd} waiting, projected drain ${r.drain.projectedDrainHours?.toFixed(1) ?? 'n/a'} h`,
    `secret scan: ${r.secrets.files} files, ${(r.secrets.bytes / 1e6).toFixed(1)} MB, ${r.secrets.redisKeys} Redis keys; leaks: ${
      r.secrets.leaks.length === 0 ? 'none' : JSON.stringify(r.secrets.leaks)
    }`,
    r.ok ? 'RESULT: PASS' : 'RESULT: FAIL',
  ].join('\n');
}

const flags = parseFlags(process.argv.slice(2));
const seed = seedFrom(flags.get('seed'));
const dir = runDir('flood');
killChildrenOnSignals();
console.log(`[flood] seed ${seed}, run dir ${dir}`);
const report = await runFlood({
  dir,
  seed,
  deliveries: numberFlag(flags, 'deliveries', 100_000),
  concurrency: numberFlag(flags, 'concurrency', 64),
  workers: numberFlag(flags, 'workers', 1),
  docspaceRate: numberFlag(flags, 'docspace-rate', 50),
  redisOutageMs: numberFlag(flags, 'redis-outage-ms', 3_000),
  drainWindowS: numberFlag(flags, 'drain-window', 60),
  deadline: Date.now() + numberFlag(flags, 'max-minutes', 15) * 60_000,
  log: (line) => console.log(`[flood] ${line}`),
});
writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
console.log(`\n${format(report)}`);
console.log(`report: ${join(dir, 'report.json')}`);
process.exit(report.ok ? 0 : 1);
