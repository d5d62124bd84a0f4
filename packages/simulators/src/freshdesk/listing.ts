import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FreshdeskStore, FreshdeskTicket } from './store';

const PER_PAGE_MAX = 100;
/** Freshdesk lists at most this many pages of a filter; further pages are refused. */
export const FRESHDESK_MAX_PAGES = 300;
/** Without `updated_since`, Freshdesk lists only tickets created in the last 30 days. */
const DEFAULT_WINDOW_MS = 30 * 24 * 3600 * 1000;

type Query = Record<string, string | undefined>;

function invalid(reply: FastifyReply, field: string, message: string) {
  return reply
    .code(400)
    .send({ description: 'Validation failed', errors: [{ field, message, code: 'invalid_value' }] });
}

/** A ticket as the list shows it: no description (Freshdesk leaves it out of lists) and no conversations. */
function listView(ticket: FreshdeskTicket) {
  const { conversations: _c, description: _d, description_text: _t, attachments: _a, ...view } = ticket;
  return view;
}

/**
 * `GET /api/v2/tickets?updated_since=…&order_by=…&order_type=…&per_page=…&page=N`: Freshdesk's
 * ticket list, paged by number with a `Link: <…>; rel="next"` header while more remain.
 */
export function freshdeskListingRoutes(app: FastifyInstance, store: FreshdeskStore): void {
  app.get<{ Querystring: Query }>('/api/v2/tickets', async (req, reply) => {
    const q = req.query;
    const perPage = q.per_page === undefined ? 30 : Number(q.per_page);
    const page = q.page === undefined ? 1 : Number(q.page);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > PER_PAGE_MAX) {
      return invalid(reply, 'per_page', `It should be a Positive Integer less than or equal to ${PER_PAGE_MAX}`);
    }
    if (!Number.isInteger(page) || page < 1 || page > FRESHDESK_MAX_PAGES) {
      return invalid(reply, 'page', `It should be a Positive Integer less than or equal to ${FRESHDESK_MAX_PAGES}`);
    }
    const orderBy = q.order_by ?? 'created_at';
    if (!['created_at', 'due_by', 'updated_at', 'status'].includes(orderBy)) {
      return invalid(reply, 'order_by', 'It should be one of these values: created_at,due_by,updated_at,status');
    }
    const orderType = q.order_type ?? 'desc';
    if (orderType !== 'asc' && orderType !== 'desc') {
      return invalid(reply, 'order_type', 'It should be one of these values: asc,desc');
    }
    let filter: (t: FreshdeskTicket) => boolean;
    if (q.updated_since !== undefined) {
      const since = Date.parse(q.updated_since);
      if (Number.isNaN(since)) return invalid(reply, 'updated_since', 'It should be in the UTC format');
      filter = (t) => Date.parse(t.updated_at) >= since;
    } else {
      const since = Date.now() - DEFAULT_WINDOW_MS;
      filter = (t) => Date.parse(t.created_at) >= since;
    }
    const key = (t: FreshdeskTicket) =>
      orderBy === 'status' ? t.status : Date.parse(t[orderBy === 'updated_at' ? 'updated_at' : 'created_at']);
    const sign = orderType === 'asc' ? 1 : -1;
    const all = [...store.tickets.values()].filter(filter).sort((a, b) => sign * (key(a) - key(b) || a.id - b.id));
    const items = all.slice((page - 1) * perPage, page * perPage);
    if (page * perPage < all.length && page < FRESHDESK_MAX_PAGES) {
      const next = new URL(`${req.protocol}://${req.host}/api/v2/tickets`);
      for (const [name, value] of Object.entries(q)) if (value !== undefined) next.searchParams.set(name, value);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('per_page', String(perPage));
      reply.header('link', `<${next.toString()}>; rel="next"`);
    }
    return items.map(listView);
  });
}
