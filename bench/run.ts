// `pnpm bench [name ...] [-- args]`: runs benchmarks one after another; each prints its own figures.
// With no name it runs the quick ones (receiver, pipeline, docspace-client); the long runs
// (chaos, flood, fuzz) take minutes and run only when named.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const benches: Record<string, { file: string; quick: boolean; what: string }> = {
  receiver: { file: 'receiver.ts', quick: true, what: 'receiver vs bare Fastify: requests/s, latency, RSS' },
  pipeline: { file: 'pipeline.ts', quick: true, what: 'tickets through receiver, worker and simulators' },
  'rate-budget': { file: 'rate-budget.ts', quick: false, what: 'DocSpace calls/s and 429 share under a portal budget' },
  'docspace-client': { file: 'docspace-client.ts', quick: true, what: 'client → simulator requests/s' },
  attachments: { file: 'attachments.ts', quick: false, what: 'one attachment helpdesk → DocSpace: MB/s, peak RSS' },
  chaos: { file: 'chaos.ts', quick: false, what: 'SIGKILLs and faults under load; counts rooms and notes' },
  flood: { file: 'flood.ts', quick: false, what: '100,000 deliveries with a Redis outage' },
  fuzz: { file: 'fuzz.ts', quick: false, what: '100,000 generated attacks on the receiver' },
};

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const names = split === -1 ? argv : argv.slice(0, split);
const extra = split === -1 ? [] : argv.slice(split + 1);

if (names.includes('--help') || names.includes('-h')) {
  for (const [name, b] of Object.entries(benches))
    console.log(`${name.padEnd(16)} ${b.quick ? '     ' : '(long)'} ${b.what}`);
  process.exit(0);
}
const unknown = names.filter((n) => !(n in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const chosen = names.length > 0 ? names : Object.keys(benches).filter((n) => benches[n]?.quick);

let failed = 0;
for (const name of chosen) {
  const bench = benches[name]!;
  console.log(`\n=== ${name}: ${bench.what}`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(here, bench.file), ...extra], { stdio: 'inherit' });
  if (res.status !== 0) {
    failed += 1;
    console.error(`=== ${name} exited with ${res.status ?? res.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
