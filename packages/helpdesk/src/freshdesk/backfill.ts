import { basicAuthHeader, createHttpTransport, type FetchLike } from '@ticket-rooms/core';
import { z } from 'zod';
import type { Backfill, ListedTicket } from '../backfill/lister';
import { parsePayload } from '../inbound/json-body';
import { hostOf, normalizeStatus } from '../inbound/normalize';
import { isRejection } from '../inbound/outcome';
import { callVendor, invalidResponse } from '../notes/writer';
import { freshdeskCreatedEvent } from './inbound';
import { FRESHDESK_STATUSES, FreshdeskAutomationBody } from './payload';
import { freshdeskErrorMessage } from './writer';

type Settings = { baseUrl: string; apiKey: string };

const MAX_PAGE = 100;
/** Freshdesk lists at most 300 pages of one filter; past that the listing starts again from a later `updated_since`. */
const MAX_PAGES = 300;

const TicketList = z.array(
  z.object({ id: z.number(), status: z.union([z.number(), z.string()]).nullish(), updated_at: z.string() }).loose(),
);

/** Where a listing stands: the `updated_since` it lists from and the page it is on. */
interface Position {
  since: string;
  page: number;
}

function encode(p: Position): string {
  return `${p.page}@${p.since}`;
}

function decode(cursor: string): Position | undefined {
  const match = /^(\d{1,3})@(\S+)$/.exec(cursor);
  return match ? { page: Number(match[1]), since: match[2] as string } : undefined;
}

/** A Tickets API ticket read as the body of the creation rule (`FRESHDESK_AUTOMATION_BODY_TEMPLATE`). */
function listedTicket(ticket: Record<string, unknown>, baseUrl: string, tenant: string): ListedTicket {
  const id = String(ticket.id);
  const body = {
    ticket_id: ticket.id,
    ticket_url: `${baseUrl.replace(/\/+$/, '')}/helpdesk/tickets/${id}`,
    tenant,
    priority: ticket.priority,
    ticket_type: ticket.type,
    tags: ticket.tags,
    subject: ticket.subject,
  };
  const parsed = parsePayload(FreshdeskAutomationBody, body);
  const raw = ticket.status;
  const status = raw === null || raw === undefined ? undefined : normalizeStatus(FRESHDESK_STATUSES, String(raw));
  return { id, outcome: isRejection(parsed) ? parsed : freshdeskCreatedEvent(parsed, tenant), status };
}

/**
 * Freshdesk's ticket list, `updated_since` oldest change first, `per_page` up to 100, pages by
 * number (the `Link` header says whether there is a next one). At the 300th page the listing goes
 * on from the last ticket's `updated_at`, page 1: a few tickets may be listed twice, which the
 * intake answers as duplicates.
 */
export const freshdeskBackfill: Backfill<Settings> = {
  defaultTenant: (settings) => hostOf(settings.baseUrl),
  tenantHint: 'give --tenant with the Freshdesk host its rules send, such as yourcompany.freshdesk.com',
  maxPageSize: MAX_PAGE,
  createLister(settings, deps: { fetch?: FetchLike; timeoutMs?: number }) {
    const transport = createHttpTransport({
      vendor: 'freshdesk',
      baseUrl: settings.baseUrl,
      headers: { authorization: basicAuthHeader(settings.apiKey, 'X') },
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    });
    return {
      async page(query) {
        const perPage = Math.min(MAX_PAGE, query.pageSize ?? MAX_PAGE);
        const at = (query.cursor ? decode(query.cursor) : undefined) ?? {
          since: query.since.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          page: 1,
        };
        const req = {
          method: 'GET' as const,
          path: '/api/v2/tickets',
          query: {
            updated_since: at.since,
            order_by: 'updated_at',
            order_type: 'asc',
            per_page: perPage,
            page: at.page,
          },
        };
        const res = await callVendor(transport, req, freshdeskErrorMessage);
        const list = TicketList.safeParse(res.json);
        if (!list.success) throw invalidResponse(transport, req, 'a body that is not a list of tickets', list.error);
        const tickets = list.data.map((t) => listedTicket(t, settings.baseUrl, query.tenant));
        const hasNext = /rel="?next"?/.test(res.headers.get('link') ?? '');
        const last = list.data.at(-1);
        let next: string | undefined;
        if (hasNext) next = encode({ since: at.since, page: at.page + 1 });
        else if (at.page >= MAX_PAGES && list.data.length === perPage && last)
          next = encode({ since: last.updated_at, page: 1 });
        return { tickets, next };
      },
      close: () => transport.close(),
    };
  },
};
