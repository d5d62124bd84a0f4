import type { ChaosReport } from './chaos-run';

const s = (n: number | undefined, digits = 1) => (n === undefined ? 'n/a' : n.toFixed(digits));

/** The figures of a chaos run as the lines `docs/reliability.md` quotes. */
export function formatChaosReport(r: ChaosReport): string {
  const c = r.count;
  const kills = (kind: string) => r.kills.filter((k) => k.kind === kind).length;
  const lines = [
    `seed ${r.seed}; run dir ${r.dir}`,
    `load: ${r.options.tickets} tickets at ${r.options.ratePerSecond}/s over ${s(r.loadSeconds)} s, ` +
      `${r.deliveries.planned} deliveries planned (${r.deliveries.planned - r.options.tickets} duplicates)`,
    `sender: ${r.deliveries.sender.attempts} attempts, ${r.deliveries.acknowledged} acknowledged (202), ` +
      `${r.deliveries.sender.retries} retries; answers ${JSON.stringify(r.deliveries.sender.byStatus)}; ` +
      `refused ${r.deliveries.sender.refused.length}, other 5xx ${r.deliveries.sender.serverErrors}, gave up ${r.deliveries.sender.gaveUp}`,
    `kills: worker ${kills('worker')}, receiver ${kills('receiver')}, redis ${kills('redis')}; ` +
      `back up in ${r.kills.map((k) => `${k.target}@${s(k.atS)}s:${k.backInMs}ms`).join(' ')}`,
    `simulators (requests, faults injected): ${Object.entries(r.simulators)
      .map(([name, v]) => `${name} ${v.requests} ${JSON.stringify(v.injected)}`)
      .join('; ')}`,
    `jobs taken over from killed workers: ${r.jobsTakenOver}`,
    `unexpected exits: ${r.unexpectedExits.length === 0 ? 'none' : JSON.stringify(r.unexpectedExits)}`,
    `drained: ${r.drained}; pending ${JSON.stringify(r.queues.pending)}; completed ${JSON.stringify(r.queues.completed)}; failed ${JSON.stringify(r.queues.failed)}`,
    `attempts per completed job: ${JSON.stringify(r.attemptsPerJob)}`,
    `last kill → last completion: ${s(r.lastKillToLastCompletionS)} s; end of load → last completion: ${s(r.drainAfterLoadS)} s`,
    `counted: ${c.tickets} acknowledged tickets, ${c.rooms} rooms, rooms per ticket ${JSON.stringify(c.roomsPerTicket)}, ` +
      `complete folder sets ${c.completeFolderSets}, shares ${c.sharesOk}, notes per helpdesk ticket ${JSON.stringify(c.notesPerTicket)}`,
    `duplicates: ${c.duplicates}; missing: ${c.missing}; untagged rooms ${c.untaggedRooms}; stray rooms ${c.strayRooms}`,
  ];
  if (r.rateLimit) {
    const rl = r.rateLimit;
    lines.push(
      `429 window ${rl.windowSeconds} s (DOCSPACE_RATE_LIMIT ${rl.configuredRatePerSecond ?? 'unset'}/s): ` +
        `before ${s(rl.before.requestsPerSecond)} req/s with ${rl.before.roomsPending} room jobs waiting; ` +
        `during ${s(rl.during.requestsPerSecond)} req/s (${rl.during.answered429} answered 429); ` +
        `${rl.backlogAtWindowEnd} waiting at its end; back to the earlier backlog in ${s(rl.drain?.seconds)} s ` +
        `at ${s(rl.drain?.requestsPerSecond)} req/s`,
      `rooms waiting every 10 s from 30 s before the window: ${rl.pendingEvery10s.join(' ')}`,
    );
  }
  lines.push(
    `secret scan: ${r.secrets.files} files, ${(r.secrets.bytes / 1e6).toFixed(1)} MB, ${r.secrets.redisKeys} Redis keys dumped; ` +
      `leaks: ${r.secrets.leaks.length === 0 ? 'none' : JSON.stringify(r.secrets.leaks)}`,
  );
  if (r.failedJobs.length > 0) lines.push(`failed jobs: ${JSON.stringify(r.failedJobs)}`);
  if (c.problems.length > 0) lines.push(`problems (first 20): ${JSON.stringify(c.problems.slice(0, 20))}`);
  lines.push(r.ok ? 'RESULT: PASS' : 'RESULT: FAIL');
  return lines.join('\n');
}
