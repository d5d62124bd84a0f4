import type { FuzzReport } from './fuzz-run';

export function formatFuzzReport(r: FuzzReport): string {
  const lines = [
    `seed ${r.seed}; run dir ${r.dir}`,
    `${r.requests} requests in ${r.seconds.toFixed(1)} s (${Math.round(r.requests / r.seconds)}/s)`,
    'answers by category:',
    ...Object.entries(r.byCategory)
      .sort()
      .map(([cat, statuses]) => `  ${cat.padEnd(20)} ${JSON.stringify(statuses)}`),
    `outside the expected statuses (informational): ${JSON.stringify(r.unexpected)}`,
    `5xx: ${r.serverErrors}; unanswered: ${r.noAnswer}; 2xx to unauthenticated requests: ${r.unauthenticatedAccepted}`,
    `receiver: alive ${r.receiver.alive}, restarts ${r.receiver.restarts}, crashes ${r.receiver.exits}, /healthz ${r.receiver.healthz}, max RSS ${r.receiver.maxRssMb} MB`,
    `jobs: ${r.jobs.total} in Redis, ${r.jobs.fromAuthenticated} from authenticated 202s, unexplained ${r.jobs.unexplained.length}; ` +
      `dedupe markers ${r.jobs.seenMarkers}, unexplained ${r.jobs.unexplainedMarkers.length}`,
    `secret scan: ${r.secrets.files} files, ${(r.secrets.bytes / 1e6).toFixed(1)} MB, ${r.secrets.redisKeys} Redis keys; leaks: ${
      r.secrets.leaks.length === 0 ? 'none' : JSON.stringify(r.secrets.leaks)
    }`,
  ];
  if (r.failures.length > 0)
    lines.push(`failures (first ${r.failures.length}):`, ...r.failures.map((f) => `  ${JSON.stringify(f)}`));
  lines.push(r.ok ? 'RESULT: PASS' : 'RESULT: FAIL');
  return lines.join('\n');
}
