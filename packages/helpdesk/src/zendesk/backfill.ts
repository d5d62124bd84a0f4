import { basicAuthHeader, createHttpTransport, type FetchLike } from '@ticket-rooms/core';
import { z } from 'zod';
import type { Backfill, ListedTicket } from '../backfill/lister';
import { parsePayload } from '../inbound/json-body';
import { derivedDeliveryId, normalizeStatus } from '../inbound/normalize';
import { isRejection } from '../inbound/outcome';
import { callVendor, invalidResponse } from '../notes/writer';
import { zendeskCreatedEvent } from './inbound';
import { ZENDESK_STATUSES, ZENDESK_TICKET_CREATED, ZendeskTicketCreatedEvent } from './payload';
import { zendeskErrorMessage } from './writer';

type Settings = { baseUrl: string; email: string; apiToken: string };

/** Zendesk's page size limit for the cursor-based incremental ticket export. */
const MAX_PAGE = 1000;

/** `GET /api/v2/incremental/tickets/cursor.json`: tickets with their fields, a cursor and `end_of_stream`. */
const IncrementalTicketsPage = z.object({
  tickets: z.array(z.record(z.string(), z.unknown())),
  after_cursor: z.string().nullish(),
  end_of_stream: z.boolean(),
});

/** A Tickets API ticket read as the `ticket.created` event body its webhook would carry. */
function listedTicket(ticket: Record<string, unknown>, tenant: string): ListedTicket {
  const id = String(ticket.id ?? '');
  const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  const body = {
    type: ZENDESK_TICKET_CREATED,
    account_id: tenant,
    detail: {
      id: ticket.id,
      subject: ticket.subject,
      priority: ticket.priority,
      requester_id: text(ticket.requester_id),
      brand_id: text(ticket.brand_id),
      group_id: text(ticket.group_id),
      type: ticket.type,
      tags: ticket.tags,
    },
  };
  const parsed = parsePayload(ZendeskTicketCreatedEvent, body);
  const status = typeof ticket.status === 'string' ? normalizeStatus(ZENDESK_STATUSES, ticket.status) : undefined;
  const outcome = isRejection(parsed)
    ? parsed
    : zendeskCreatedEvent(parsed, tenant, derivedDeliveryId('zendesk', tenant, id, 'backfill'));
  return { id, outcome, status };
}

/**
 * Zendesk's incremental ticket export, cursor-based: `start_time` (Unix seconds) for the first
 * page, then `cursor=after_cursor` until `end_of_stream`. The account id is not in the API's
 * answers, so the tenant is given.
 */
export const zendeskBackfill: Backfill<Settings> = {
  defaultTenant: () => undefined,
  tenantHint:
    'give --tenant with the Zendesk account id, the number its webhooks send in the x-zendesk-account-id header',
  maxPageSize: MAX_PAGE,
  createLister(settings, deps: { fetch?: FetchLike; timeoutMs?: number }) {
    const transport = createHttpTransport({
      vendor: 'zendesk',
      baseUrl: settings.baseUrl,
      headers: { authorization: basicAuthHeader(`${settings.email}/token`, settings.apiToken) },
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    });
    return {
      async page(query) {
        const perPage = Math.min(MAX_PAGE, query.pageSize ?? MAX_PAGE);
        const req = {
          method: 'GET' as const,
          path: '/api/v2/incremental/tickets/cursor.json',
          query: {
            per_page: perPage,
            ...(query.cursor ? { cursor: query.cursor } : { start_time: Math.floor(query.since.getTime() / 1000) }),
          },
        };
        const res = await callVendor(transport, req, zendeskErrorMessage);
        const page = IncrementalTicketsPage.safeParse(res.json);
        if (!page.success)
          throw invalidResponse(transport, req, 'a body that is not an incremental export page', page.error);
        const { tickets, after_cursor: after, end_of_stream: done } = page.data;
        return {
          tickets: tickets.map((t) => listedTicket(t, query.tenant)),
          next: done || !after ? undefined : after,
        };
      },
      close: () => transport.close(),
    };
  },
};
