import { buildDelivery, type Delivery, jiraKey, type SenderVendor } from '@ticket-rooms/simulators';
import type { Rng } from './random';
import type { Secrets } from './secrets';

/** One ticket a helpdesk reports in a run. */
export interface PlannedTicket {
  vendor: SenderVendor;
  /** The id as the webhook carries it. */
  ticketId: string;
  /** Where the helpdesk note goes: the ticket id, or the Jira issue key. */
  helpdeskId: string;
  subject: string;
}

export const RUN_VENDORS: readonly SenderVendor[] = ['zendesk', 'freshdesk', 'jira', 'generic'];

/** `n` tickets spread over every vendor, with ids unique in the run. */
export function planTickets(n: number, rng: Rng, firstId = 1): PlannedTicket[] {
  const tickets: PlannedTicket[] = [];
  for (let i = 0; i < n; i++) {
    const vendor = RUN_VENDORS[i % RUN_VENDORS.length] as SenderVendor;
    const number = firstId + i;
    const ticketId = vendor === 'generic' ? `chaos-${number}` : String(number);
    tickets.push({
      vendor,
      ticketId,
      helpdeskId: vendor === 'jira' ? jiraKey(ticketId) : ticketId,
      // Varied subjects, some with characters that titles and JSON must survive.
      subject: rng.pick([
        `Printer on fire #${number}`,
        `Login fails for "user ${number}"`,
        `VPN drops every ${number % 60} min <urgent>`,
        `Données perdues après mise à jour ${number}`,
        `Invoice ${number}: total is wrong & tax missing`,
      ]),
    });
  }
  return tickets;
}

/**
 * A signed delivery of the ticket as its vendor sends it, made afresh for each attempt (a retry
 * carries a new signature timestamp but the same delivery id, as senders do).
 */
export function deliveryOf(ticket: PlannedTicket, secrets: Secrets, deliveryId: string, nowMs = Date.now()): Delivery {
  const common = { ticketId: ticket.ticketId, subject: ticket.subject, deliveryId, nowMs };
  switch (ticket.vendor) {
    case 'zendesk':
      return buildDelivery('zendesk', { ...common, secret: secrets.zendeskWebhookSecret });
    case 'freshdesk':
      return buildDelivery('freshdesk', { ...common, token: secrets.freshdeskWebhookToken });
    case 'jira':
      return buildDelivery('jira', { ...common, secret: secrets.jiraWebhookSecret });
    case 'generic':
      return buildDelivery('generic', { ...common, secret: secrets.genericWebhookSecret });
  }
}
