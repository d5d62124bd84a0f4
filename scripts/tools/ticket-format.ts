import type { TicketJob, TicketRecord } from '@ticket-rooms/core';

const MARK: Record<string, string> = { done: '✓', skipped: '–', failed: '✗', pending: '…' };

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A ticket's ledger and jobs as the lines `pnpm ticket` prints. */
export function formatTicket(record: TicketRecord, jobs: readonly TicketJob[], dashboardBase = ''): string[] {
  const r = record.results as {
    room?: { id: number; title: string; archived?: boolean; origin?: string };
    folders?: unknown;
    share?: unknown;
    link?: { url: string; kind: string };
    note?: { id: string; alreadyPresent?: boolean };
  };
  const lines = [`${record.source} ticket ${record.ticketId} (tenant ${record.tenant})  ${record.state}`];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(9)} ${value}`);
  row('key', record.key);
  for (const [field, want] of Object.entries(record.desired)) row(field, `${want.value}  (as of ${want.at})`);
  row('room', r.room ? `${r.room.id} "${r.room.title}"${r.room.archived ? ' (archived)' : ''}` : '–');
  if (r.folders !== undefined) row('folders', text(r.folders));
  if (r.share !== undefined) row('share', text(r.share));
  row('link', r.link ? `${r.link.url} (${r.link.kind})` : '–');
  row('note', r.note ? r.note.id : '–');
  row('stages', record.stages.map((s) => `${s.name} ${MARK[s.state] ?? s.state}`).join('  ') || '–');
  for (const s of record.stages) if (s.reason) row(`  ${s.name}`, s.reason);
  if (record.lastError) {
    row(
      'error',
      `${record.lastError.stage}: ${record.lastError.message} (${record.lastError.code}, ${record.lastError.at})`,
    );
  }
  row('updated', record.updatedAt);
  lines.push(jobs.length === 0 ? '  jobs      none retained' : '  jobs');
  for (const job of jobs) {
    const why = job.failedReason ? `  ${job.failedReason}` : '';
    lines.push(
      `    ${job.queue.padEnd(15)} ${job.name.padEnd(22)} ${job.state.padEnd(9)} attempts ${job.attemptsMade}${why}`,
    );
    lines.push(`      ${dashboardBase}${job.dashboardPath}`);
  }
  return lines;
}
