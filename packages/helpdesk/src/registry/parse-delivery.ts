import type { Source } from '@ticket-rooms/core';
import { reject } from '../inbound/outcome';
import type { InboundConfig, InboundOutcome, InboundRequest } from '../inbound/types';
import { findHelpdesk } from './helpdesks';

/**
 * Checks and normalizes one webhook delivery. Never throws: every sender mistake is a typed
 * rejection, and anything else unexpected is turned into one too (and is a bug to fix).
 */
export function parseDelivery(source: Source, req: InboundRequest, config: InboundConfig): InboundOutcome {
  const adapter = findHelpdesk(source);
  if (!adapter) {
    return reject('SOURCE_NOT_CONFIGURED', `Deliveries from ${String(source).slice(0, 40)} are not supported.`);
  }
  try {
    return adapter.inbound.parse(req, config);
  } catch {
    return reject('PAYLOAD_INVALID', 'The delivery could not be read.');
  }
}
