import type { Source } from '@ticket-rooms/core';
import { parseFreshdeskDelivery } from '../freshdesk/inbound';
import { parseGenericDelivery } from '../generic/inbound';
import { parseJiraDelivery } from '../jira/inbound';
import { parseZendeskDelivery } from '../zendesk/inbound';
import { reject } from './outcome';
import type { InboundConfig, InboundOutcome, InboundRequest } from './types';

/**
 * Checks and normalizes one webhook delivery. Never throws: every sender mistake is a typed
 * rejection, and anything else unexpected is turned into one too (and is a bug to fix).
 */
export function parseDelivery(source: Source, req: InboundRequest, config: InboundConfig): InboundOutcome {
  try {
    switch (source) {
      case 'zendesk':
        return parseZendeskDelivery(req, config.zendesk);
      case 'freshdesk':
        return parseFreshdeskDelivery(req, config.freshdesk);
      case 'jira':
        return parseJiraDelivery(req, config.jira);
      case 'generic':
        return parseGenericDelivery(req, config.generic);
      default:
        return reject('SOURCE_NOT_CONFIGURED', `Deliveries from ${String(source).slice(0, 40)} are not supported.`);
    }
  } catch {
    return reject('PAYLOAD_INVALID', 'The delivery could not be read.');
  }
}
