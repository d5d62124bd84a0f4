import { createLogger, type Env, type Logger, roomTag } from '@ticket-rooms/core';
import { loadReceiverConfig, type RunningReceiver, startReceiver } from '@ticket-rooms/receiver';
import { buildDelivery, type DocspaceSimulator } from '@ticket-rooms/simulators';
import { type Helpdesks, notesOn } from '../../apps/worker/test/support/helpdesks';

export const FRESHDESK_TOKEN = 'fd-webhook-token-0123456789';
/** The tenant the Freshdesk sender's ticket URLs carry. */
const FRESHDESK_TENANT = 'example.freshdesk.com';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker's variables for these simulators, with short locks so a killed worker's jobs move on fast. */
export function workerEnv(docspace: DocspaceSimulator, helpdesks: Helpdesks, extra: Env): Env {
  return {
    DOCSPACE_URL: docspace.baseUrl as string,
    DOCSPACE_API_KEY: docspace.apiKey,
    DOCSPACE_TIMEOUT_MS: '2000',
    WORKER_METRICS_PORT: '0',
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    WORKER_SHUTDOWN_TIMEOUT_MS: '3000',
    WORKER_CONCURRENCY: '8',
    LOG_LEVEL: 'silent',
    ...helpdesks.env(),
    ...extra,
  };
}

/** The receiver in this process, on a free loopback port, logging to `lines` (for the figures). */
export async function startTestReceiver(env: Env, lines: string[] = []): Promise<RunningReceiver> {
  const config = loadReceiverConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    FRESHDESK_WEBHOOK_TOKEN: FRESHDESK_TOKEN,
    ENQUEUE_TIMEOUT_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...env,
  });
  const logger = createLogger({
    name: 'receiver',
    level: 'info',
    destination: { write: (line: string) => void lines.push(line) },
  });
  return startReceiver(config, { logger });
}

export interface SendOutcome {
  ticketId: string;
  /** The status of the last attempt: 202 once accepted. */
  status: number;
  /** Answers other than 202 before the 202. */
  refused: number[];
  /** When each refusal came. */
  refusedAt: number[];
  acceptedAt?: number;
}

/**
 * Delivers one Freshdesk ticket the way a sender does: again after a 503 (or a dropped
 * connection), until a 202 or `deadlineMs` from now. The pause is short so tests stay fast.
 */
export async function deliverUntilAccepted(
  receiverUrl: string,
  ticketId: string,
  deadlineMs: number,
  retryPauseMs = 150,
): Promise<SendOutcome> {
  const outcome: SendOutcome = { ticketId, status: 0, refused: [], refusedAt: [] };
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const d = buildDelivery('freshdesk', {
      ticketId,
      subject: `Disk full on node ${ticketId}`,
      token: FRESHDESK_TOKEN,
    });
    try {
      const res = await fetch(`${receiverUrl}${d.path}`, {
        method: 'POST',
        headers: d.headers,
        body: d.body,
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
      outcome.status = res.status;
      if (res.status === 202) {
        outcome.acceptedAt = Date.now();
        return outcome;
      }
      outcome.refused.push(res.status);
      outcome.refusedAt.push(Date.now());
    } catch {
      outcome.refused.push(0);
      outcome.refusedAt.push(Date.now());
    }
    await sleep(retryPauseMs);
  }
  return outcome;
}

export interface TicketCheck {
  ticketId: string;
  rooms: number;
  notes: number;
}

/** Rooms (by the ticket's DocSpace tag, read from the simulated portal) and notes (on the Freshdesk ticket) of each ticket. */
export async function checkTickets(
  docspace: DocspaceSimulator,
  helpdesks: Helpdesks,
  ticketIds: readonly string[],
): Promise<TicketCheck[]> {
  const out: TicketCheck[] = [];
  for (const ticketId of ticketIds) {
    const tag = roomTag({ source: 'freshdesk', tenant: FRESHDESK_TENANT, ticketId });
    const rooms = docspace.portal.findRooms({ searchArea: 2, tags: [tag], descending: false });
    const notes = await notesOn(helpdesks, 'freshdesk', ticketId).catch(() => []);
    out.push({ ticketId, rooms: rooms.length, notes: notes.filter((n) => n.internal).length });
  }
  return out;
}

/** Polls until every ticket has at least one room and one note, or `timeoutMs` passed; returns the last check. */
export async function waitForRoomsAndNotes(
  docspace: DocspaceSimulator,
  helpdesks: Helpdesks,
  ticketIds: readonly string[],
  timeoutMs: number,
): Promise<TicketCheck[]> {
  const deadline = Date.now() + timeoutMs;
  let last: TicketCheck[] = [];
  while (Date.now() < deadline) {
    last = await checkTickets(docspace, helpdesks, ticketIds);
    if (last.every((t) => t.rooms >= 1 && t.notes >= 1)) {
      // A moment more, so a duplicate that was still on its way would show.
      await sleep(1_000);
      return checkTickets(docspace, helpdesks, ticketIds);
    }
    await sleep(250);
  }
  return last;
}

/** Runs `work` over `items` with at most `parallel` at once. */
export async function inParallel<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T);
      }
    }),
  );
  return results;
}

export function silentLogger(): Logger {
  return createLogger({ name: 'test', level: 'silent' });
}

/**
 * Closes each part, giving up on any that takes over `ms`, so a teardown always goes on to stop
 * the Redis processes, which would otherwise outlive the run.
 */
export async function closeWithin(ms: number, closes: ReadonlyArray<Promise<unknown> | undefined>): Promise<void> {
  await Promise.allSettled(
    closes.map((c) => (c ? Promise.race([c, new Promise((r) => setTimeout(r, ms).unref())]) : undefined)),
  );
}
