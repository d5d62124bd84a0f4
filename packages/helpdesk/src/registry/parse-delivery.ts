import type { Source } from '@ticket-rooms/core';
import { reject } from '../inbound/outcome';
import type { InboundConfig, InboundOutcome, InboundRequest } from '../inbound/types';
import { findHelpdesk } from './helpdesks';

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
    return adapter.inbound.parse(req, config);
  } catch (cause) {
    return {
      kind: 'failed',
      code: 'PARSER_FAILED',
      message: `The ${adapter.source} delivery could not be read because of a fault in the receiver; retry it later.`,
      cause,
    };
  }
}
