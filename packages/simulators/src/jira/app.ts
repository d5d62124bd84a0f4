import { type Logger, safeEqual } from '@ticket-rooms/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Faults, RequestStats } from '../faults';
import { createSimulatorApp, requireBasicAuth } from '../shared/app';
import type { SimAttachments } from '../shared/attachments';
import { attachmentViews, jiraAttachmentRoutes } from './attachments';
import { jiraListingRoutes } from './listing';
import { AGENT, JIRA_TRANSITIONS, type JiraIssue, type JiraStore } from './store';
import { issueView, jsmCommentView, jsmDate, platformCommentView, statusView, userView } from './views';

/** A change made through the API, which Jira reports to webhooks on issue events. */
export type JiraChange =
  | { kind: 'created'; issue: JiraIssue }
  | { kind: 'status'; issue: JiraIssue; previous: string }
  | { kind: 'subject'; issue: JiraIssue; previous: string }
  | { kind: 'deleted'; issue: JiraIssue }
  /** A file attached: `jira:issue_updated` with an `Attachment` changelog item, one per file. */
  | { kind: 'attachment'; issue: JiraIssue; file: { id: string; name: string; size: number } };

export interface JiraAppDeps {
  store: JiraStore;
  attachments: SimAttachments;
  /** Told of every change after it is made; sends nothing in the request's path. */
  onChange?: (change: JiraChange) => void;
  email: string;
  apiToken: string;
  faults: Faults;
  stats: RequestStats;
  logger: Logger | false;
}

type Params = { key: string };
type Query = Record<string, string | undefined>;

/** JSM answers `{"errorMessage", "i18nErrorMessage"}`; the platform API `{"errorMessages", "errors"}`. */
function jsmError(reply: FastifyReply, status: number, message: string, i18nKey: string) {
  return reply.code(status).send({ errorMessage: message, i18nErrorMessage: { i18nKey, parameters: [] } });
}

/** JSM's 404 for a request key that does not exist (or is not visible). */
function requestNotFound(reply: FastifyReply) {
  return jsmError(
    reply,
    404,
    'Request does not exist or you do not have permission to see it.',
    'sd.request.error.not.found',
  );
}

function platformError(reply: FastifyReply, status: number, messages: string[], errors: Record<string, string> = {}) {
  return reply.code(status).send({ errorMessages: messages, errors });
}

function base(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function flag(value: string | undefined, fallback: boolean): boolean {
  return value === undefined ? fallback : value !== 'false';
}

/** Jira Cloud's HTTP face: create and show issues, JSM internal comments and both comment lists, with basic auth. */
export function buildJiraApp(deps: JiraAppDeps): FastifyInstance {
  const app = createSimulatorApp(deps, { bodyLimit: 4 * 1024 * 1024 });
  const { store } = deps;

  requireBasicAuth(app, {
    prefix: '/rest/',
    accepts: (creds) => safeEqual(creds.username, deps.email) && safeEqual(creds.password, deps.apiToken),
    // Atlassian answers a failed basic auth with a plain-text sentence, not its JSON error shape.
    reject: (reply) =>
      reply
        .code(401)
        .type('text/plain; charset=UTF-8')
        .header('www-authenticate', 'Basic realm="protected-area"')
        .send('Client must be authenticated to access this resource.'),
  });

  jiraAttachmentRoutes(app, {
    ...deps,
    onAdded: (issue, a) =>
      deps.onChange?.({ kind: 'attachment', issue, file: { id: String(a.id), name: a.name, size: a.size } }),
  });
  jiraListingRoutes(app, store);

  // Platform: create and show issues.
  for (const version of ['2', '3'] as const) {
    app.post(`/rest/api/${version}/issue`, async (req, reply) => {
      const fields = ((req.body ?? {}) as { fields?: Record<string, unknown> }).fields ?? {};
      const project = (fields.project ?? {}) as { key?: unknown };
      const errors: Record<string, string> = {};
      if (typeof project.key !== 'string' || !/^[A-Z][A-Z0-9_]{0,9}$/.test(project.key)) {
        errors.project = 'Specify a valid project ID or key';
      }
      if (typeof fields.summary !== 'string' || fields.summary.trim() === '') {
        errors.summary = 'You must specify a summary of the issue.';
      }
      if (typeof fields.issuetype !== 'object' || fields.issuetype === null) errors.issuetype = 'Specify an issue type';
      if (Object.keys(errors).length > 0) return platformError(reply, 400, [], errors);
      const issue = store.create({
        projectKey: project.key as string,
        summary: fields.summary as string,
        description: typeof fields.description === 'string' ? fields.description : null,
        issueType: String((fields.issuetype as { name?: unknown }).name ?? 'Task'),
      });
      deps.onChange?.({ kind: 'created', issue });
      return reply
        .code(201)
        .send({ id: issue.id, key: issue.key, self: `${base(req)}/rest/api/${version}/issue/${issue.id}` });
    });

    // Edit: only the summary is simulated; Jira answers 204 with no body.
    app.put<{ Params: Params }>(`/rest/api/${version}/issue/:key`, async (req, reply) => {
      const issue = store.find(req.params.key);
      if (!issue) return platformError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
      const fields = ((req.body ?? {}) as { fields?: Record<string, unknown> }).fields ?? {};
      if (fields.summary !== undefined && (typeof fields.summary !== 'string' || fields.summary.trim() === '')) {
        return platformError(reply, 400, [], { summary: 'You must specify a summary of the issue.' });
      }
      if (typeof fields.summary === 'string' && fields.summary !== issue.summary) {
        const previous = issue.summary;
        issue.summary = fields.summary;
        deps.onChange?.({ kind: 'subject', issue, previous });
      }
      return reply.code(204).send();
    });

    app.delete<{ Params: Params }>(`/rest/api/${version}/issue/:key`, async (req, reply) => {
      const issue = store.find(req.params.key);
      if (!issue) return platformError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
      store.delete(issue);
      deps.onChange?.({ kind: 'deleted', issue });
      return reply.code(204).send();
    });

    app.get<{ Params: Params }>(`/rest/api/${version}/issue/:key/transitions`, async (req, reply) => {
      const issue = store.find(req.params.key);
      if (!issue) return platformError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
      return {
        expand: 'transitions',
        transitions: JIRA_TRANSITIONS.filter((t) => t.to.id !== issue.status.id).map((t) => ({
          id: t.id,
          name: t.name,
          to: statusView(base(req), { ...issue, status: t.to }),
          hasScreen: false,
          isGlobal: true,
          isInitial: false,
          isAvailable: true,
          isConditional: false,
        })),
      };
    });

    app.post<{ Params: Params }>(`/rest/api/${version}/issue/:key/transitions`, async (req, reply) => {
      const issue = store.find(req.params.key);
      if (!issue) return platformError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
      const id = ((req.body ?? {}) as { transition?: { id?: unknown } }).transition?.id;
      const transition = JIRA_TRANSITIONS.find((t) => t.id === String(id));
      if (!transition || transition.to.id === issue.status.id) {
        return platformError(reply, 400, [`Transition id '${String(id).slice(0, 20)}' is not valid for this issue.`]);
      }
      const previous = issue.status.name;
      issue.status = transition.to;
      deps.onChange?.({ kind: 'status', issue, previous });
      return reply.code(204).send();
    });

    app.get<{ Params: Params }>(`/rest/api/${version}/issue/:key`, async (req, reply) => {
      const issue = store.find(req.params.key);
      if (!issue) return platformError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
      const view = issueView(base(req), issue, version);
      return {
        ...view,
        fields: { ...view.fields, attachment: attachmentViews(deps.attachments, req, issue.attachments) },
      };
    });
  }

  app.get<{ Params: Params; Querystring: Query }>('/rest/api/3/issue/:key/comment', async (req, reply) => {
    const issue = store.find(req.params.key);
    if (!issue) return platformError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
    const startAt = Math.max(0, Number(req.query.startAt ?? 0) || 0);
    const maxResults = Math.min(5_000, Math.max(1, Number(req.query.maxResults ?? 5_000) || 5_000));
    const ordered = req.query.orderBy === '-created' ? [...issue.comments].reverse() : issue.comments;
    return {
      startAt,
      maxResults,
      total: issue.comments.length,
      comments: ordered.slice(startAt, startAt + maxResults).map((c) => platformCommentView(base(req), issue, c)),
    };
  });

  // JSM: create a request, add and list request comments.
  app.post('/rest/servicedeskapi/request', async (req, reply) => {
    const body = (req.body ?? {}) as {
      serviceDeskId?: unknown;
      requestTypeId?: unknown;
      requestFieldValues?: Record<string, unknown>;
    };
    const summary = body.requestFieldValues?.summary;
    if (body.serviceDeskId === undefined || body.requestTypeId === undefined) {
      return jsmError(
        reply,
        400,
        'The service desk and request type must be given.',
        'sd.request.create.error.invalid',
      );
    }
    if (typeof summary !== 'string' || summary.trim() === '') {
      return jsmError(
        reply,
        400,
        'Summary: You must specify a summary of the issue.',
        'sd.request.create.error.summary',
      );
    }
    const issue = store.create({
      projectKey: 'SD',
      summary,
      description: String(body.requestFieldValues?.description ?? ''),
    });
    return reply.code(201).send({
      issueId: issue.id,
      issueKey: issue.key,
      requestTypeId: String(body.requestTypeId),
      serviceDeskId: String(body.serviceDeskId),
      createdDate: jsmDate(issue.createdMs),
      reporter: userView(base(req)),
      requestFieldValues: [{ fieldId: 'summary', label: 'Summary', value: issue.summary }],
      currentStatus: { status: 'Waiting for support', statusCategory: 'NEW' },
      _links: {
        web: `${base(req)}/servicedesk/customer/portal/1/${issue.key}`,
        self: `${base(req)}/rest/servicedeskapi/request/${issue.id}`,
      },
    });
  });

  app.post<{ Params: Params }>('/rest/servicedeskapi/request/:key/comment', async (req, reply) => {
    const issue = store.find(req.params.key);
    if (!issue) return requestNotFound(reply);
    const body = (req.body ?? {}) as { body?: unknown; public?: unknown };
    if (typeof body.body !== 'string' || body.body.trim() === '') {
      return jsmError(reply, 400, 'Comment body can not be empty.', 'sd.comment.error.body.empty');
    }
    if (body.public !== undefined && typeof body.public !== 'boolean') {
      return jsmError(reply, 400, 'public must be true or false.', 'sd.comment.error.public.invalid');
    }
    const comment = store.addComment(issue, { body: body.body, public: body.public !== false });
    return reply.code(201).send(jsmCommentView(base(req), issue, comment));
  });

  app.get<{ Params: Params; Querystring: Query }>('/rest/servicedeskapi/request/:key/comment', async (req, reply) => {
    const issue = store.find(req.params.key);
    if (!issue) return requestNotFound(reply);
    const includePublic = flag(req.query.public, true);
    const includeInternal = flag(req.query.internal, true);
    const start = Math.max(0, Number(req.query.start ?? 0) || 0);
    const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 50) || 50));
    const visible = issue.comments.filter((c) => (c.public ? includePublic : includeInternal));
    const values = visible.slice(start, start + limit).map((c) => jsmCommentView(base(req), issue, c));
    const isLastPage = start + values.length >= visible.length;
    const self = `${base(req)}/rest/servicedeskapi/request/${issue.id}/comment`;
    return {
      _expands: ['attachment', 'renderedBody'],
      size: values.length,
      start,
      limit,
      isLastPage,
      _links: {
        base: base(req),
        context: '',
        ...(isLastPage ? {} : { next: `${self}?start=${start + limit}&limit=${limit}` }),
        ...(start > 0 ? { prev: `${self}?start=${Math.max(0, start - limit)}&limit=${limit}` } : {}),
        self: `${self}?start=${start}&limit=${limit}`,
      },
      values,
    };
  });

  // Who the credentials act as, and whether they may comment (internal comments are comments).
  app.get('/rest/api/3/myself', async () => ({
    accountId: AGENT.accountId,
    displayName: AGENT.displayName,
    emailAddress: deps.email,
    active: true,
    accountType: 'atlassian',
  }));
  app.get('/rest/api/3/mypermissions', async () => ({
    permissions: { ADD_COMMENTS: { key: 'ADD_COMMENTS', havePermission: true } },
  }));

  app.setNotFoundHandler((req, reply) => platformError(reply, 404, [`null for uri: ${base(req)}${req.url}`]));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.statusCode === 400 || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return platformError(reply, 400, ['Unexpected character in the request body: it is not valid JSON.']);
    }
    if (err.statusCode === 415) return reply.code(415).send();
    if (err.statusCode === 413) return platformError(reply, 413, ['The request body is too large.']);
    req.log.error({ err }, 'jira simulator: unexpected error');
    return platformError(reply, 500, ['Internal server error']);
  });
  return app;
}
