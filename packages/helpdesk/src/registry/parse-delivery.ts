import type { Source } from '@ticket-rooms/core';
import { mapPriority, normalizePriority } from '../inbound/normalize';
import { reject } from '../inbound/outcome';
import type { InboundConfig, InboundOutcome, InboundRequest } from '../inbound/types';
import { findHelpdesk } from './helpdesks';

/**
 * A priority as `source` sends it, in the one vocabulary: `URGENT`, `4` from Freshdesk and
 * `Highest` from Jira are all `urgent`; one the vendor's table lacks stays lower-cased verbatim.
 */
export function ticketPriority(source: Source, priority: string | undefined): string | undefined {
  const adapter = findHelpdesk(source);
  const normalized = normalizePriority(priority);
  return adapter ? mapPriority(normalized, adapter.inbound.priorities) : normalized;
}

/**
 * Checks and normalizes one webhook delivery. Never throws: every sender mistake is a typed
 * rejection, and an exception from a parser (a bug of ours) is a `failed` outcome carrying it.
 */
export function parseDelivery(source: Source, req: InboundRequest, config: InboundConfig): InboundOutcome {
  const adapter = findHelpdesk(source);
  if (!adapter) {
    return reject('SOURCE_NOT_CONFIGURED', `Deliveries from ${String(source).slice(0, 40)} are not supported.`);
  }
  try {
    const outcome = adapter.inbound.parse(req, config);
    if (outcome.kind !== 'event' || outcome.event.priority === undefined) return outcome;
    return {
      ...outcome,
      event: { ...outcome.event, priority: mapPriority(outcome.event.priority, adapter.inbound.priorities) },
    };
  } catch (cause) {
    return {
      kind: 'failed',
      code: 'PARSER_FAILED',
      message: `The ${adapter.source} delivery could not be read because of a fault in the receiver; retry it later.`,
      cause,
    };
  }
}
