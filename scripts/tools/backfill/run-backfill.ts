import { backoffMs, type Source, type TicketEvent, VendorError } from '@ticket-rooms/core';
import { type TicketLister, ticketPriority } from '@ticket-rooms/helpdesk';
import type { TicketIntake } from '@ticket-rooms/receiver';
import type { CursorStore } from './cursor-store';

export interface BackfillCounts {
  /** Tickets the helpdesk listed. */
  listed: number;
  /** New jobs in the rooms queue (in a dry run: tickets that would be offered to the intake). */
  queued: number;
  /** Tickets the intake already knew (a webhook or an earlier backfill brought them). */
  known: number;
  /** Listed but left out by `--status`. */
  skipped: number;
  /** Listed but not readable as a ticket event (the reason is reported). */
  unreadable: number;
}

export interface BackfillProgress {
  /** After each ticket. */
  tick(counts: Readonly<BackfillCounts>): void;
  /** A sentence worth an operator's attention (a retry, an unreadable ticket). */
  note(line: string): void;
}

export interface RetryPolicy {
  /** Attempts per page before the backfill stops (its cursor saved). */
  attempts: number;
  baseMs: number;
  capMs: number;
}

export interface BackfillRun {
  source: Source;
  tenant: string;
  since: Date;
  /** Statuses to backfill, in the shared vocabulary; absent: every status. */
  statuses?: ReadonlySet<string> | undefined;
  /** Stop (resumably) once this many tickets are listed. */
  limit?: number | undefined;
  pageSize?: number | undefined;
  lister: TicketLister;
  /** Absent for a dry run: tickets are listed and counted, nothing is queued or saved. */
  intake?: TicketIntake | undefined;
  cursors: CursorStore;
  progress: BackfillProgress;
  /** Aborting stops after the ticket in hand; the cursor is saved and the next run resumes there. */
  signal?: AbortSignal | undefined;
  retry?: RetryPolicy;
}

export interface BackfillResult {
  counts: BackfillCounts;
  /** Every page was listed; the saved cursor is gone, so the next run starts from the beginning. */
  complete: boolean;
  /** Where the run began: a saved cursor (a resumed run) or the start. */
  resumed: boolean;
  stoppedBy?: 'signal' | 'limit';
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 500, capMs: 60_000 };

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Lists a helpdesk's tickets and offers each to the intake as its creation webhook would be, so
 * the intake's dedupe decides what is new. The cursor of the page in hand is saved before its
 * tickets are offered and replaced once they all are; a stopped run resumes at that page, whose
 * tickets already offered come back as known.
 */
export async function runBackfill(run: BackfillRun): Promise<BackfillResult> {
  const counts: BackfillCounts = { listed: 0, queued: 0, known: 0, skipped: 0, unreadable: 0 };
  const retry = run.retry ?? DEFAULT_RETRY;
  const saving = run.intake !== undefined;
  // 1. Resume where a stopped run left off (a dry run reads the cursor but never writes it).
  let cursor = await run.cursors.get();
  const resumed = cursor !== undefined;
  const stopped = (): BackfillResult['stoppedBy'] => {
    if (run.signal?.aborted) return 'signal';
    if (run.limit !== undefined && counts.listed >= run.limit) return 'limit';
    return undefined;
  };
  for (;;) {
    const stop = stopped();
    if (stop) return { counts, complete: false, resumed, stoppedBy: stop };
    // 2. One page, retried while the vendor says to (429, 5xx, timeouts), honouring Retry-After.
    const page = await fetchPage(run, cursor, retry);
    if (page === undefined) return { counts, complete: false, resumed, stoppedBy: 'signal' };
    // 3. Each ticket through the intake, as its webhook would arrive.
    for (const ticket of page.tickets) {
      const stop = stopped();
      if (stop) return { counts, complete: false, resumed, stoppedBy: stop };
      counts.listed += 1;
      if (ticket.outcome.kind !== 'event') {
        counts.unreadable += 1;
        const why = 'message' in ticket.outcome ? ticket.outcome.message : ticket.outcome.kind;
        run.progress.note(`${run.source} ticket ${ticket.id} was not queued: ${why}`);
      } else if (run.statuses && !(ticket.status !== undefined && run.statuses.has(ticket.status))) {
        counts.skipped += 1;
      } else if (!run.intake) {
        counts.queued += 1;
      } else {
        const inbound = ticket.outcome.event;
        const priority = ticketPriority(run.source, inbound.priority);
        const event: TicketEvent = {
          ...inbound,
          ...(priority === undefined ? {} : { priority }),
          receivedAt: new Date().toISOString(),
        };
        const result = await run.intake.accept(event);
        if (result.duplicate && !result.repaired) counts.known += 1;
        else counts.queued += 1;
      }
      run.progress.tick(counts);
    }
    // 4. The page is done: the next run starts after it, or from the beginning once all are.
    if (page.next === undefined) {
      if (saving) await run.cursors.clear();
      return { counts, complete: true, resumed };
    }
    cursor = page.next;
    if (saving) await run.cursors.set(cursor);
  }
}

async function fetchPage(run: BackfillRun, cursor: string | undefined, retry: RetryPolicy) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run.lister.page({ since: run.since, cursor, tenant: run.tenant, pageSize: run.pageSize });
    } catch (err) {
      if (!(err instanceof VendorError) || !err.retryable || attempt >= retry.attempts) throw err;
      const waitMs = err.retryAfterMs ?? backoffMs(attempt, retry);
      run.progress.note(
        `${err.message}; retrying in ${(waitMs / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${retry.attempts})`,
      );
      await sleep(waitMs, run.signal);
      if (run.signal?.aborted) return undefined;
    }
  }
}
