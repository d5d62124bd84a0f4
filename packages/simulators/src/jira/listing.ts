import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JiraIssue, JiraStore } from './store';
import { issueView } from './views';

const MAX_RESULTS_MAX = 5_000;
const MAX_RESULTS_DEFAULT = 50;

/** The JQL the simulator understands: clauses joined by AND. */
type Clause = (issue: JiraIssue) => boolean;

const PROJECT_IS = /^project\s*=\s*"?([A-Z][A-Z0-9_]{0,9})"?$/i;
const PROJECT_IN = /^project\s+in\s*\(([^)]*)\)$/i;
const TIME_AT_LEAST = /^(updated|created)\s*>=\s*"(\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?)"$/i;

/**
 * A small subset of JQL: `project = KEY`, `project in (A, B)`, `updated >= "yyyy-MM-dd HH:mm"`,
 * `created >= …`, joined by AND, with any ORDER BY ignored (issues come oldest first). Jira
 * refuses a query with no restriction on this endpoint, and so does this.
 */
export function parseJql(jql: string): Clause[] | string {
  const [where = ''] = jql.split(/\s+order\s+by\s+/i);
  if (where.trim() === '')
    return 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
  const clauses: Clause[] = [];
  for (const part of where.split(/\s+and\s+/i).map((p) => p.trim())) {
    const is = PROJECT_IS.exec(part);
    const inList = PROJECT_IN.exec(part);
    const time = TIME_AT_LEAST.exec(part);
    if (is) {
      const key = (is[1] as string).toUpperCase();
      clauses.push((i) => i.projectKey === key);
    } else if (inList) {
      const keys = new Set((inList[1] as string).split(',').map((k) => k.trim().replace(/"/g, '').toUpperCase()));
      clauses.push((i) => keys.has(i.projectKey));
    } else if (time) {
      // Issues here change no timestamp after creation, so `updated` is the creation time.
      const at = Date.parse(
        `${(time[2] as string).replace(' ', 'T')}${(time[2] as string).length > 10 ? ':00' : 'T00:00:00'}Z`,
      );
      clauses.push((i) => i.createdMs >= at);
    } else {
      return `Error in the JQL Query: the simulator does not understand '${part.slice(0, 100)}'.`;
    }
  }
  return clauses;
}

function token(issue: JiraIssue): string {
  return Buffer.from(`${issue.createdMs}|${issue.id}`).toString('base64url');
}

function afterToken(raw: string): ((i: JiraIssue) => boolean) | undefined {
  const match = /^(\d+)\|(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const ms = Number(match[1]);
  const id = Number(match[2]);
  return (i) => i.createdMs > ms || (i.createdMs === ms && Number(i.id) > id);
}

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ errorMessages: [message], errors: {} });
}

/** An issue with only the fields asked for; no `fields` gives the id alone, as Jira's enhanced search does. */
function selectFields(view: ReturnType<typeof issueView>, fields: readonly string[] | undefined) {
  if (fields === undefined || fields.length === 0) return { id: view.id };
  if (fields.includes('*all') || fields.includes('*navigable')) return view;
  const picked = Object.fromEntries(Object.entries(view.fields).filter(([name]) => fields.includes(name)));
  return { ...view, fields: picked };
}

/**
 * `POST /rest/api/3/search/jql` `{jql, maxResults, nextPageToken, fields}`: Jira Cloud's enhanced
 * search, answering `{issues, nextPageToken, isLast}`; the token is absent on the last page.
 */
export function jiraListingRoutes(app: FastifyInstance, store: JiraStore): void {
  app.post('/rest/api/3/search/jql', async (req: FastifyRequest, reply) => {
    const body = (req.body ?? {}) as { jql?: unknown; maxResults?: unknown; nextPageToken?: unknown; fields?: unknown };
    if (typeof body.jql !== 'string')
      return badRequest(reply, 'Invalid request payload. Refer to the REST API documentation and try again.');
    const clauses = parseJql(body.jql);
    if (typeof clauses === 'string') return badRequest(reply, clauses);
    const maxResults = body.maxResults === undefined ? MAX_RESULTS_DEFAULT : Number(body.maxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1)
      return badRequest(reply, 'maxResults must be a positive integer.');
    const size = Math.min(MAX_RESULTS_MAX, maxResults);
    let after: (i: JiraIssue) => boolean = () => true;
    if (body.nextPageToken !== undefined && body.nextPageToken !== null) {
      const parsed = typeof body.nextPageToken === 'string' ? afterToken(body.nextPageToken) : undefined;
      if (!parsed) return badRequest(reply, 'The provided next page token is invalid or expired.');
      after = parsed;
    }
    const fields = Array.isArray(body.fields)
      ? body.fields.filter((f): f is string => typeof f === 'string')
      : undefined;
    const matching = [...store.issues.values()]
      .filter((i) => clauses.every((c) => c(i)) && after(i))
      .sort((a, b) => a.createdMs - b.createdMs || Number(a.id) - Number(b.id));
    const page = matching.slice(0, size);
    const last = page.at(-1);
    const isLast = matching.length <= size;
    const origin = `${req.protocol}://${req.host}`;
    return {
      issues: page.map((issue) => selectFields(issueView(origin, issue, '3'), fields)),
      ...(isLast || !last ? {} : { nextPageToken: token(last) }),
      isLast,
    };
  });
}
