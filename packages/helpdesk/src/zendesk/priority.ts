import type { PriorityTable } from '../inbound/normalize';

/** Zendesk's priorities (`LOW`, `NORMAL`, `HIGH`, `URGENT` in event webhooks) are the vocabulary's own. */
export const ZENDESK_PRIORITIES: PriorityTable = { low: 'low', normal: 'normal', high: 'high', urgent: 'urgent' };
