// Rate budget benchmark (not a test): `pnpm exec tsx bench/rate-budget.ts [--rates 50,200]
//   [--burst 10] [--seconds 25] [--concurrency 50] [--latency 20] [--timeline]`
//
// For each budget N, the DocSpace simulator answers 429 with Retry-After beyond N requests a
// second (a token bucket of --burst), and the pipeline benchmark runs a backlog of about
// --seconds worth of DocSpace calls through the worker twice: with DOCSPACE_RATE_LIMIT=N (the
// budget known) and without it (the worker learns it from the 429s). Prints DocSpace calls
// answered per second against N, and the share of calls answered 429; with --timeline, each
// run's calls answered and refused per second and the learnt rate, to see where 429s come from.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '50,200' },
    burst: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '25' },
    concurrency: { type: 'string', default: '50' },
    latency: { type: 'string', default: '20' },
    timeline: { type: 'boolean', default: false },
  },
});

// DocSpace calls per ticket in the pipeline (tag lookup, room, three folders).
const CALLS_PER_TICKET = 5;
const rows: string[] = [];
for (const n of String(args.rates).split(',').map(Number)) {
  for (const known of [true, false]) {
    const tickets = Math.round((n * Number(args.seconds)) / CALLS_PER_TICKET);
    const res = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(here, 'pipeline.ts'),
        '--json',
        // The pipeline alone, from a cold start: learning the budget is what is measured.
        '--mode',
        'pipeline',
        '--warmup',
        '0',
        '--tickets',
        String(tickets),
        '--concurrency',
        String(args.concurrency),
        '--latency',
        String(args.latency),
        '--docspace-budget',
        String(n),
        '--docspace-burst',
        String(args.burst),
        '--worker-rate-limit',
        known ? String(n) : '0',
        ...(args.timeline ? ['--timeline'] : []),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = res.stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) {
      process.stderr.write(res.stdout);
      throw new Error(`the pipeline run for N=${n} exited with ${res.status}`);
    }
    const r = JSON.parse(line) as {
      roomsPhasePerSecond: number;
      refused: number;
      docspaceCalls: number;
      timeline?: Array<{ s: number; answered: number; refused: number; rate?: number }>;
    };
    if (r.timeline) {
      // One line per run: answered/refused each second, and the learnt rate where there is one.
      const cells = r.timeline.map((t) => `${t.answered}/${t.refused}${t.rate === undefined ? '' : `@${t.rate}`}`);
      process.stdout.write(`N=${n} ${known ? 'known' : 'learnt'} per second (answered/429@rate): ${cells.join(' ')}\n`);
    }
    rows.push(
      [
        String(n),
        known ? `DOCSPACE_RATE_LIMIT=${n}` : 'unset (learnt)',
        String(tickets),
        r.roomsPhasePerSecond.toFixed(1),
        (r.roomsPhasePerSecond / n).toFixed(3),
        `${((r.refused / r.docspaceCalls) * 100).toFixed(2)} % (${r.refused} of ${r.docspaceCalls})`,
        res.status === 0 ? 'all rooms and notes right' : 'rooms or notes wrong',
      ].join(' | '),
    );
    process.stdout.write(`${rows.at(-1)}\n`);
  }
}
process.stdout.write(
  `\nRate budget (burst ${args.burst}, ${args.concurrency} jobs, ${args.latency} ms per call)\n` +
    `N | worker | tickets | DocSpace calls answered/s | of N | answered 429 | outcome\n${rows.join('\n')}\n`,
);
