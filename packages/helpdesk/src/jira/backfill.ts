import { basicAuthHeader, createHttpTransport, type FetchLike } from '@ticket-rooms/core';
import { z } from 'zod';
import type { Backfill, ListedTicket } from '../backfill/lister';
import { parsePayload } from '../inbound/json-body';
import { hostOf, normalizeStatus } from '../inbound/normalize';
import { isRejection } from '../inbound/outcome';
import { callVendor, invalidResponse } from '../notes/writer';
import { jiraCreatedEvent } from './inbound';
import { JIRA_ISSUE_CREATED, JIRA_STATUS_CATEGORIES, JIRA_STATUS_NAMES, JiraIssueWebhook } from './payload';
import { jiraErrorMessage } from './writer';

type Settings = { baseUrl: string; email: string; apiToken: string };

/** Enhanced search pages the full issue objects 100 at a time at most. */
const MAX_PAGE = 100;
/** Every field the creation mapping reads, and the status for `--status`. */
const FIELDS = ['summary', 'priority', 'status', 'issuetype', 'project', 'labels', 'reporter'];

const SearchPage = z.object({
  issues: z.array(z.record(z.string(), z.unknown())),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

/** JQL's date-time literal, `yyyy-MM-dd HH:mm` in UTC. */
function jqlTime(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

/** A search result read as the issue of an `jira:issue_created` webhook, which carries the same issue object. */
function listedTicket(issue: Record<string, unknown>): ListedTicket {
  const parsed = parsePayload(JiraIssueWebhook, { webhookEvent: JIRA_ISSUE_CREATED, issue });
  if (isRejection(parsed)) return { id: String(issue.key ?? issue.id ?? ''), outcome: parsed, status: undefined };
  const status = parsed.issue.fields?.status;
  const category = status?.statusCategory?.key;
  const name = status?.name;
  return {
    id: parsed.issue.key,
    outcome: jiraCreatedEvent(parsed.issue, undefined),
    status: category
      ? normalizeStatus(JIRA_STATUS_CATEGORIES, category)
      : name
        ? normalizeStatus(JIRA_STATUS_NAMES, name)
        : undefined,
  };
}

/**
 * Jira Cloud's enhanced search, `POST /rest/api/3/search/jql` with `updated >= since` (the
 * endpoint refuses an unbounded query), oldest first, `nextPageToken` from page to page.
 */
export const jiraBackfill: Backfill<Settings> = {
  defaultTenant: (settings) => hostOf(settings.baseUrl),
  tenantHint: 'give --tenant with the Jira site host, such as yourcompany.atlassian.net',
  maxPageSize: MAX_PAGE,
  createLister(settings, deps: { fetch?: FetchLike; timeoutMs?: number }) {
    const transport = createHttpTransport({
      vendor: 'jira',
      baseUrl: settings.baseUrl,
      headers: { authorization: basicAuthHeader(settings.email, settings.apiToken) },
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    });
    return {
      async page(query) {
        const req = {
          method: 'POST' as const,
          path: '/rest/api/3/search/jql',
          body: {
            jql: `updated >= "${jqlTime(query.since)}" ORDER BY created ASC`,
            maxResults: Math.min(MAX_PAGE, query.pageSize ?? MAX_PAGE),
            fields: FIELDS,
            ...(query.cursor ? { nextPageToken: query.cursor } : {}),
          },
        };
        const res = await callVendor(transport, req, jiraErrorMessage);
        const page = SearchPage.safeParse(res.json);
        if (!page.success) throw invalidResponse(transport, req, 'a body that is not a search page', page.error);
        const { issues, nextPageToken, isLast } = page.data;
        return { tickets: issues.map(listedTicket), next: isLast || !nextPageToken ? undefined : nextPageToken };
      },
      close: () => transport.close(),
    };
  },
};
