import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ticketView, type ZendeskStore, type ZendeskTicket } from './store';

/** Zendesk's documented page size for the cursor-based incremental export, and its default. */
const PER_PAGE_MAX = 1000;

type Query = Record<string, string | undefined>;

/** The position after a ticket in export order (`updated_at`, then id), as an opaque cursor. */
function cursorAfter(ticket: ZendeskTicket): string {
  return Buffer.from(`${Date.parse(ticket.updated_at)}|${ticket.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { ms: number; id: number } | undefined {
  const match = /^(\d+)\|(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { ms: Number(match[1]), id: Number(match[2]) } : undefined;
}

function invalid(reply: FastifyReply, description: string) {
  return reply.code(400).send({ error: 'InvalidValue', description });
}

/**
 * `GET /api/v2/incremental/tickets/cursor.json`: every ticket changed at or after `start_time`
 * (Unix seconds), oldest change first, `per_page` at a time; the next page is asked for with
 * `cursor=after_cursor` until `end_of_stream`. Zendesk leaves out the last minute's changes; the
 * simulator does not, so tests need not wait a minute.
 */
export function zendeskListingRoutes(app: FastifyInstance, store: ZendeskStore): void {
  const exportTickets = async (req: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
    const q = req.query;
    const perPage = q.per_page === undefined ? PER_PAGE_MAX : Number(q.per_page);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > PER_PAGE_MAX) {
      return invalid(reply, `per_page must be between 1 and ${PER_PAGE_MAX}`);
    }
    let after: { ms: number; id: number };
    if (q.cursor !== undefined) {
      const decoded = decodeCursor(q.cursor);
      if (!decoded) return invalid(reply, 'cursor is not valid');
      after = decoded;
    } else if (q.start_time !== undefined && /^\d{1,12}$/.test(q.start_time)) {
      after = { ms: Number(q.start_time) * 1000, id: -1 };
    } else {
      return invalid(reply, 'start_time is required and must be a Unix epoch time in seconds');
    }
    const later = (t: ZendeskTicket) => {
      const ms = Date.parse(t.updated_at);
      return ms > after.ms || (ms === after.ms && t.id > after.id);
    };
    const order = (a: ZendeskTicket, b: ZendeskTicket) =>
      Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id;
    const pending = [...store.tickets.values()].filter(later).sort(order);
    const page = pending.slice(0, perPage);
    const last = page.at(-1);
    const afterCursor = last ? cursorAfter(last) : (q.cursor ?? null);
    const self = `${req.protocol}://${req.host}/api/v2/incremental/tickets/cursor.json`;
    return {
      tickets: page.map(ticketView),
      after_cursor: afterCursor,
      after_url: afterCursor ? `${self}?cursor=${afterCursor}&per_page=${perPage}` : null,
      before_cursor: null,
      before_url: null,
      end_of_stream: pending.length <= perPage,
    };
  };
  app.get('/api/v2/incremental/tickets/cursor', exportTickets);
  app.get('/api/v2/incremental/tickets/cursor.json', exportTickets);
}
