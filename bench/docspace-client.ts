/**
 * DocSpace client → simulator throughput with keep-alive, on this machine.
 *
 *   pnpm exec tsx bench/docspace-client.ts            # 5 s per scenario, 32 in flight
 *   BENCH_SECONDS=10 BENCH_CONCURRENCY=64 pnpm exec tsx bench/docspace-client.ts
 *
 * The simulator runs in a child process so client and server do not share an event loop; only
 * the 100,000-room lookup runs it in-process, because seeding that many rooms over HTTP would take
 * longer than the measurement. Traffic goes to 127.0.0.1 only and every scenario is bounded in
 * time and in request count.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDocspaceSimulator } from '@ticket-rooms/simulators';
import { createDocspaceClient, type DocspaceClient, RoomType } from '../packages/docspace-client/src/index';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const MAX_REQUESTS = 500_000;
const KEY = `sk-${'be'.repeat(32)}`;
const CLI = fileURLToPath(new URL('../packages/simulators/src/cli.ts', import.meta.url));

interface Result {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  /** CPU time per request, which holds up better than req/s when other work shares the machine. */
  clientCpuUs: number;
  serverCpuUs: number | undefined;
}

/** CPU time (µs) a process has used, from /proc on Linux; `undefined` elsewhere. */
function processCpuUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime, in clock ticks of 10 ms on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** Runs `op` with `concurrency` workers until the time or request budget is spent. */
async function measure(
  name: string,
  op: (i: number) => Promise<unknown>,
  opts: { concurrency?: number; serverPid?: number } = {},
): Promise<Result> {
  const concurrency = opts.concurrency ?? CONCURRENCY;
  const cpu0 = process.cpuUsage();
  const serverCpu0 = processCpuUs(opts.serverPid);
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline && issued < MAX_REQUESTS) {
      const i = issued++;
      const t0 = performance.now();
      try {
        await op(i);
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const serverCpu1 = processCpuUs(opts.serverPid);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const n = Math.max(1, latencies.length);
  return {
    name,
    requests: latencies.length,
    errors,
    seconds,
    p50: at(0.5),
    p99: at(0.99),
    clientCpuUs: (cpu.user + cpu.system) / n,
    serverCpuUs: serverCpu0 === undefined || serverCpu1 === undefined ? undefined : (serverCpu1 - serverCpu0) / n,
  };
}

async function startSimulatorProcess(): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'docspace', '--port', '0', '--api-key', KEY, '--log-level', 'error'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  return { child, baseUrl };
}

function print(results: Result[]): void {
  const load = loadavg()[0]?.toFixed(2);
  console.log(
    `\nDocSpace client → simulator, keep-alive, ${CONCURRENCY} in flight, ${SECONDS} s each ` +
      `(${cpus().length} CPUs, load ${load} at the end)`,
  );
  console.log(
    'scenario                                   req/s   p50 ms   p99 ms  client µs/req  sim µs/req  requests  errors',
  );
  for (const r of results) {
    const cols = [
      r.name.padEnd(40),
      (r.requests / r.seconds).toFixed(0).padStart(7),
      r.p50.toFixed(2).padStart(7),
      r.p99.toFixed(2).padStart(7),
      r.clientCpuUs.toFixed(0).padStart(13),
      (r.serverCpuUs === undefined ? 'n/a' : r.serverCpuUs.toFixed(0)).padStart(10),
      String(r.requests).padStart(8),
      String(r.errors).padStart(6),
    ];
    console.log(cols.join('  '));
  }
  console.log('(sim µs/req is n/a in-process: client and simulator share one process there)');
}

async function main(): Promise<void> {
  const results: Result[] = [];

  // 1-2. Against a simulator in its own process.
  const { child, baseUrl } = await startSimulatorProcess();
  const ds: DocspaceClient = createDocspaceClient({ baseUrl, apiKey: KEY, connections: CONCURRENCY });
  try {
    const room = await ds.createRoom({ title: 'Bench room', roomType: RoomType.Custom, tags: ['bench'] });
    const serverPid = child.pid;
    await measure('warm-up', () => ds.getRoom(room.id), { concurrency: 4 });
    results.push(await measure('getRoom', () => ds.getRoom(room.id), { serverPid }));
    results.push(
      await measure(
        'createRoom (tagged)',
        (i) => ds.createRoom({ title: `Bench ${i}`, roomType: RoomType.Custom, tags: [`bench-${i}`] }),
        { serverPid },
      ),
    );
    results.push(
      await measure('findRoomsByTag (after the creates)', (i) => ds.findRoomsByTag(`bench-${i % 1000}`), { serverPid }),
    );
  } finally {
    await ds.close();
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  // 3. Tag lookups among 100,000 rooms, simulator in-process (seeded directly).
  const sim = await createDocspaceSimulator({ apiKey: KEY });
  const url = await sim.listen({ port: 0, host: '127.0.0.1' });
  for (let i = 0; i < 100_000; i++) {
    sim.portal.createRoom({ title: `Flood ${i}`, roomType: RoomType.Collaboration, tags: [`flood-${i}`] }, url);
  }
  const flood = createDocspaceClient({ baseUrl: url, apiKey: KEY, connections: CONCURRENCY });
  try {
    results.push(
      await measure('findRoomsByTag, 100k rooms (in-process)', async (i) => {
        const found = await flood.findRoomsByTag(`flood-${(i * 7919) % 100_000}`);
        if (found.length !== 1) throw new Error('lookup must find exactly one room');
      }),
    );
  } finally {
    await flood.close();
    await sim.close();
  }

  print(results);
}

await main();
