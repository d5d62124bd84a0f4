import type { PriorityTable } from '../inbound/normalize';

/** Freshdesk renders labels (`Low`, `Medium`, `High`, `Urgent`); its API's numbers are 1 to 4. */
export const FRESHDESK_PRIORITIES: PriorityTable = {
  '1': 'low',
  '2': 'normal',
  '3': 'high',
  '4': 'urgent',
  low: 'low',
  medium: 'normal',
  high: 'high',
  urgent: 'urgent',
};
