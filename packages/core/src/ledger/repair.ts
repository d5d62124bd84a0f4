import { randomUUID } from 'node:crypto';
import type { TicketEvent } from '../ticket-event';
import type { TicketRecord } from './ticket-record';

/**
 * The job event of an operator's repair of a ticket, made from its ledger. The subject is the one
 * its events last recorded, else the caller's (the creation job's, while it is retained), else the
 * room's title: it only matters if the room has to be created again.
 */
export function repairEvent(record: TicketRecord, opts: { subject?: string; now?: Date } = {}): TicketEvent {
  const now = (opts.now ?? new Date()).toISOString();
  const room = record.results.room as { title?: unknown } | undefined;
  const subject =
    record.desired.subject?.value ??
    opts.subject ??
    (typeof room?.title === 'string' ? room.title : `Ticket ${record.ticketId}`);
  return {
    kind: 'ticket.repair',
    source: record.source as TicketEvent['source'],
    tenant: record.tenant,
    ticketId: record.ticketId,
    subject,
    deliveryId: `repair-${randomUUID()}`,
    receivedAt: now,
  };
}
