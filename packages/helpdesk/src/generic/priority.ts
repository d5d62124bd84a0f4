import type { PriorityTable } from '../inbound/normalize';

/** Generic senders send free text: only the vocabulary's own words (in any case) are recognised. */
export const GENERIC_PRIORITIES: PriorityTable = { low: 'low', normal: 'normal', high: 'high', urgent: 'urgent' };
