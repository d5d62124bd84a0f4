import type { FetchLike } from '@ticket-rooms/core';
import type { InboundOutcome } from '../inbound/types';

/** One ticket a helpdesk listed, read into the core event as its creation webhook would be. */
export interface ListedTicket {
  /** The vendor's id, for messages about a ticket that could not be read. */
  readonly id: string;
  /** A `ticket.created` event, or why the ticket could not be read as one. */
  readonly outcome: InboundOutcome;
  /** The ticket's status now, in the shared vocabulary (a status no table knows stays verbatim). */
  readonly status: string | undefined;
}

export interface TicketPage {
  readonly tickets: readonly ListedTicket[];
  /** Where the next page starts; `undefined` once the listing is complete. */
  readonly next: string | undefined;
}

export interface ListQuery {
  /** Tickets changed at or after this time. */
  readonly since: Date;
  /** The `next` of the page before, to go on from there; absent for the first page. */
  readonly cursor?: string | undefined;
  /** The helpdesk account or site the events name, as its webhooks do. */
  readonly tenant: string;
  /** Tickets per request; each vendor's maximum when absent. */
  readonly pageSize?: number | undefined;
}

/** Lists a helpdesk's tickets through its own API, a page per call, with the write-back credentials. */
export interface TicketLister {
  page(query: ListQuery): Promise<TicketPage>;
  close(): Promise<void>;
}

/** How a vendor's tickets are listed for a backfill. */
export interface Backfill<S> {
  /** The tenant its webhooks name, when the settings say it (a Freshdesk or Jira host); else it must be given. */
  defaultTenant(settings: S): string | undefined;
  /** What to give as the tenant when `defaultTenant` has none, in one sentence. */
  readonly tenantHint: string;
  /** The most tickets one request may ask for. */
  readonly maxPageSize: number;
  createLister(settings: S, deps: { fetch?: FetchLike; timeoutMs?: number }): TicketLister;
}
