import type { PriorityTable } from '../inbound/normalize';

/** Jira's default priority scheme; a site's own priority names stay as they are. */
export const JIRA_PRIORITIES: PriorityTable = {
  lowest: 'low',
  low: 'low',
  medium: 'normal',
  high: 'high',
  highest: 'urgent',
};
