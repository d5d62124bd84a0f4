import type { SenderVendor } from '@ticket-rooms/simulators';

/** One ticket the demo sends. */
export interface DemoTicket {
  vendor: SenderVendor;
  ticketId: string;
  subject: string;
  /** As the helpdesk sends it; the urgent one hits the example routing rule. */
  priority?: string;
}

/**
 * One new ticket per route. The ids come from the run number, so each run makes new tickets (a
 * second run is not a wall of duplicates) and a reader can tell runs apart.
 */
export function demoTickets(run: number): DemoTicket[] {
  return [
    { vendor: 'zendesk', ticketId: String(run), subject: 'Printer on fire in the Berlin office', priority: 'urgent' },
    { vendor: 'freshdesk', ticketId: String(run), subject: 'Invoice PDF is blank since the last update' },
    { vendor: 'jira', ticketId: `SD-${run}`, subject: 'VPN drops every ten minutes' },
    { vendor: 'generic', ticketId: `INC-${run}`, subject: 'Login fails after a password reset' },
  ];
}

/** A run number: seconds since 2026-01-01, so ids stay short and grow from run to run. */
export function runNumber(nowMs: number): number {
  return Math.max(1, Math.floor((nowMs - Date.UTC(2026, 0, 1)) / 1000));
}

/** `zendesk #123`, `jira SD-7`: how the demo names a ticket. */
export function ticketLabel(t: Pick<DemoTicket, 'vendor' | 'ticketId'>): string {
  return `${t.vendor} ${/^\d+$/.test(t.ticketId) ? '#' : ''}${t.ticketId}`;
}
