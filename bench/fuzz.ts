// Attack and bad-input run: `pnpm exec tsx bench/fuzz.ts [--requests 100000] [--seed N] [--no-timing | --timing-only]`.
// Fuzzes a receiver child process over HTTP (random bytes, broken/huge/deep JSON, wrong types, wrong
// and replayed signatures, header injection, odd media types/methods/paths, dashboard and metrics
// probes), then prints how long the signature checks take for a right and a wrong signature.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killChildrenOnSignals } from '../test/chaos/harness/children';
import { formatFuzzReport } from '../test/chaos/harness/format-fuzz';
import { runFuzz } from '../test/chaos/harness/fuzz-run';
import { seedFrom } from '../test/chaos/harness/random';
import { numberFlag, parseFlags, runDir } from '../test/chaos/harness/run-dir';
import { signatureTimings } from '../test/chaos/harness/timing';

const flags = parseFlags(process.argv.slice(2));
const seed = seedFrom(flags.get('seed'));
if (flags.get('timing-only') === 'true') {
  console.log('signature check timings (ns per call; a right signature vs wrong ones):');
  for (const line of signatureTimings(numberFlag(flags, 'timing-iterations', 200_000))) console.log(line);
  process.exit(0);
}
const dir = runDir('fuzz');
killChildrenOnSignals();
console.log(`[fuzz] seed ${seed}, run dir ${dir}`);
const report = await runFuzz({
  dir,
  seed,
  requests: numberFlag(flags, 'requests', 100_000),
  concurrency: numberFlag(flags, 'concurrency', 32),
  log: (line) => console.log(`[fuzz] ${line}`),
});
writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
console.log(`\n${formatFuzzReport(report)}`);

if (flags.get('no-timing') !== 'true') {
  console.log('\nsignature check timings (ns per call; a right signature vs wrong ones of the same length):');
  for (const line of signatureTimings(numberFlag(flags, 'timing-iterations', 200_000))) console.log(line);
}
console.log(`report: ${join(dir, 'report.json')}`);
process.exit(report.ok ? 0 : 1);
