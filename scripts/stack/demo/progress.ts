import { isReconciling, type LedgerEntry, STAGES, type StageState, stageLabel } from '@ticket-rooms/worker';

const MARK: Record<StageState, string> = { pending: '·', done: '✓', skipped: '–', failed: '✗' };

/** `room ✓  folders ✓  share ·  link ·  note ·` for a ticket's ledger entry (all pending before it exists). */
export function stagesLine(entry: LedgerEntry | undefined): string {
  // A stage that only acts when the ticket changes (rename, archive) shows once it has.
  return STAGES.filter((s) => !isReconciling(s) || (entry?.stages[s] ?? 'pending') !== 'pending')
    .map((s) => `${stageLabel(s)} ${MARK[entry?.stages[s] ?? 'pending']}`)
    .join('  ');
}

/** Whether the ticket has finished one way or the other. */
export function isFinished(entry: LedgerEntry | undefined): boolean {
  return entry?.state === 'done' || entry?.state === 'failed';
}

/** What happened to the note, in words. */
export function noteOutcome(entry: LedgerEntry): string {
  const state = entry.stages.helpdesk;
  if (state === 'done' && entry.note) {
    return entry.note.alreadyPresent
      ? `note ${entry.note.id} was already on the ticket`
      : `note ${entry.note.id} posted on the ticket`;
  }
  const reason = entry.reasons.helpdesk;
  if (state === 'skipped') return `no note: ${reason ?? 'skipped'}`;
  if (state === 'failed') return `note failed: ${reason ?? entry.lastError?.message ?? 'unknown reason'}`;
  return 'note pending';
}
