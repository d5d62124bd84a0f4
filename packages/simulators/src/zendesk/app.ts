import { type Logger, safeEqual } from '@ticket-rooms/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Faults, RequestStats } from '../faults';
import { createSimulatorApp, requireBasicAuth } from '../shared/app';
import type { SimAttachments } from '../shared/attachments';
import { zendeskAttachmentRoutes } from './attachments';
import { htmlToText, sanitizeHtml, textToHtml } from './html';
import { zendeskListingRoutes } from './listing';
import { AGENT_ID, MAX_COMMENTS, ticketView, type ZendeskStore, type ZendeskTicket } from './store';

/** A change made through the API, which Zendesk reports to subscribed webhooks. */
export type ZendeskChange =
  | { kind: 'created'; ticket: ZendeskTicket }
  | { kind: 'status'; ticket: ZendeskTicket; previous: string }
  | { kind: 'subject'; ticket: ZendeskTicket; previous: string }
  /** A comment added files (its uploads): `ticket.attachment_linked_to_comment`, one per file. */
  | { kind: 'attachment'; ticket: ZendeskTicket; file: { id: string; name: string; size: number } };

/** The statuses the Tickets API accepts. */
const STATUSES = new Set(['new', 'open', 'pending', 'hold', 'solved', 'closed']);

export interface ZendeskAppDeps {
  store: ZendeskStore;
  /** Told of every change after it is made; sends nothing in the request's path. */
  onChange?: (change: ZendeskChange) => void;
  attachments: SimAttachments;
  email: string;
  apiToken: string;
  faults: Faults;
  stats: RequestStats;
  logger: Logger | false;
}

type Params = { id: string };
type Query = Record<string, string | undefined>;

const PAGE_MAX = 100;

/** Zendesk's error bodies: `{"error": "...", "description": "..."}`, 422 with `details`. */
function error(reply: FastifyReply, status: number, name: string, description?: string, details?: unknown) {
  return reply
    .code(status)
    .send({ error: name, ...(description ? { description } : {}), ...(details ? { details } : {}) });
}

function recordInvalid(reply: FastifyReply, field: string, description: string, code: string) {
  return error(reply, 422, 'RecordInvalid', 'Record validation errors', { [field]: [{ description, error: code }] });
}

function ticketIdOf(raw: string): number | undefined {
  const id = raw.replace(/\.json$/, '');
  return /^\d{1,15}$/.test(id) ? Number(id) : undefined;
}

function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

interface CommentInput {
  body?: unknown;
  html_body?: unknown;
  public?: unknown;
  uploads?: unknown;
}

/** A comment as Zendesk stores it: HTML sanitized, plain text derived, visibility defaulted from the ticket. */
function commentFrom(input: CommentInput, ticket: ZendeskTicket) {
  const html =
    typeof input.html_body === 'string' && input.html_body.trim() !== ''
      ? sanitizeHtml(input.html_body)
      : textToHtml(String(input.body ?? ''));
  const plain = htmlToText(html);
  return {
    body: plain,
    html_body: html,
    plain_body: plain,
    public: typeof input.public === 'boolean' ? input.public : ticket.is_public,
  };
}

function hasText(input: CommentInput | undefined): input is CommentInput {
  return (
    input !== undefined &&
    ((typeof input.body === 'string' && input.body.trim() !== '') ||
      (typeof input.html_body === 'string' && input.html_body.trim() !== ''))
  );
}

/** Zendesk's HTTP face: Tickets API create/show/update and the comments list, with basic auth. */
export function buildZendeskApp(deps: ZendeskAppDeps): FastifyInstance {
  const app = createSimulatorApp(deps, { bodyLimit: 4 * 1024 * 1024 });
  const { store } = deps;

  requireBasicAuth(app, {
    prefix: '/api/v2/',
    accepts: (creds) => safeEqual(creds.username, `${deps.email}/token`) && safeEqual(creds.password, deps.apiToken),
    reject: (reply) =>
      reply
        .code(401)
        .header('www-authenticate', 'Basic realm="Web Password"')
        .send({ error: "Couldn't authenticate you" }),
  });

  const files = zendeskAttachmentRoutes(app, deps);
  zendeskListingRoutes(app, store);

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/v2/')) reply.header('x-rate-limit', '700').header('x-rate-limit-remaining', '699');
    return payload;
  });

  const createTicket = async (req: FastifyRequest, reply: FastifyReply) => {
    const body = req.body as { ticket?: Record<string, unknown> } | undefined;
    const input = body?.ticket;
    if (!input || typeof input !== 'object') return error(reply, 400, 'InvalidValue', 'ticket parameter is missing');
    const comment = input.comment as CommentInput | undefined;
    if (!hasText(comment)) return recordInvalid(reply, 'description', 'Description: cannot be blank', 'BlankValue');
    const subject = typeof input.subject === 'string' ? input.subject : '';
    const isPublic = typeof comment.public === 'boolean' ? comment.public : true;
    const ticket = store.create({
      subject,
      description: '',
      priority: typeof input.priority === 'string' ? input.priority : null,
      isPublic,
      baseUrl: origin(req),
    });
    const stored = store.addComment(ticket, commentFrom(comment, ticket), files.claim(comment.uploads, origin(req)));
    ticket.description = stored.plain_body;
    deps.onChange?.({ kind: 'created', ticket });
    return reply
      .code(201)
      .header('location', ticket.url)
      .send({ ticket: ticketView(ticket), audit: auditOf(ticket, stored) });
  };
  app.post('/api/v2/tickets', createTicket);
  app.post('/api/v2/tickets.json', createTicket);

  app.get<{ Params: Params }>('/api/v2/tickets/:id', async (req, reply) => {
    const id = ticketIdOf(req.params.id);
    if (id === undefined) return error(reply, 404, 'RecordNotFound', 'Not found');
    return { ticket: ticketView(store.ticket(id, origin(req))) };
  });

  app.put<{ Params: Params }>('/api/v2/tickets/:id', async (req, reply) => {
    const id = ticketIdOf(req.params.id);
    if (id === undefined) return error(reply, 404, 'RecordNotFound', 'Not found');
    const body = req.body as { ticket?: Record<string, unknown> } | undefined;
    const input = body?.ticket;
    if (!input || typeof input !== 'object') return error(reply, 400, 'InvalidValue', 'ticket parameter is missing');
    const ticket = store.ticket(id, origin(req));
    const comment = input.comment as CommentInput | undefined;
    if (comment !== undefined && !hasText(comment)) {
      return recordInvalid(reply, 'comment', 'Comment: cannot be blank', 'BlankValue');
    }
    if (comment && ticket.comments.length >= MAX_COMMENTS) {
      return recordInvalid(reply, 'base', `Ticket has reached the limit of ${MAX_COMMENTS} comments`, 'CommentLimit');
    }
    if (input.status !== undefined && (typeof input.status !== 'string' || !STATUSES.has(input.status))) {
      return recordInvalid(reply, 'status', 'Status: is not valid', 'InvalidValue');
    }
    const changes: ZendeskChange[] = [];
    if (typeof input.priority === 'string') ticket.priority = input.priority;
    if (typeof input.status === 'string' && input.status !== ticket.status) {
      changes.push({ kind: 'status', ticket, previous: ticket.status });
      ticket.status = input.status;
    }
    if (typeof input.subject === 'string' && input.subject !== ticket.subject) {
      changes.push({ kind: 'subject', ticket, previous: ticket.subject });
      ticket.subject = input.subject;
      ticket.raw_subject = input.subject;
    }
    if (changes.length > 0) ticket.updated_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (Array.isArray(input.additional_tags)) {
      for (const tag of input.additional_tags)
        if (typeof tag === 'string' && !ticket.tags.includes(tag)) ticket.tags.push(tag);
    }
    const claimed = comment ? files.claim(comment.uploads, origin(req)) : [];
    const stored = comment ? store.addComment(ticket, commentFrom(comment, ticket), claimed) : undefined;
    for (const f of claimed) {
      changes.push({ kind: 'attachment', ticket, file: { id: String(f.id), name: f.file_name, size: f.size } });
    }
    for (const change of changes) deps.onChange?.(change);
    return { ticket: ticketView(ticket), audit: auditOf(ticket, stored) };
  });

  const listComments = async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) => {
    const id = ticketIdOf(req.params.id);
    if (id === undefined) return error(reply, 404, 'RecordNotFound', 'Not found');
    const ticket = store.ticket(id, origin(req));
    const q = req.query;
    const newestFirst = q.sort === '-created_at' || q.sort_order === 'desc';
    const all = newestFirst ? [...ticket.comments].reverse() : ticket.comments;
    const self = `${origin(req)}/api/v2/tickets/${id}/comments.json`;

    if (q['page[size]'] !== undefined || q['page[after]'] !== undefined || q['page[before]'] !== undefined) {
      // Cursor pagination: the cursor is an opaque offset.
      const size = q['page[size]'] === undefined ? PAGE_MAX : Number(q['page[size]']);
      if (!Number.isInteger(size) || size < 1 || size > PAGE_MAX) {
        return error(reply, 400, 'InvalidPaginationParameter', `page[size] must be less than or equal to ${PAGE_MAX}`);
      }
      const start = q['page[after]'] === undefined ? 0 : decodeCursor(q['page[after]']);
      if (start === undefined)
        return error(reply, 400, 'InvalidPaginationParameter', 'page[after] is not a valid cursor');
      const comments = all.slice(start, start + size);
      const hasMore = start + size < all.length;
      const after = hasMore ? encodeCursor(start + size) : null;
      const before = start > 0 ? encodeCursor(Math.max(0, start - size)) : null;
      return {
        comments,
        meta: { has_more: hasMore, after_cursor: after, before_cursor: before },
        links: {
          next: after ? `${self}?page%5Bafter%5D=${after}&page%5Bsize%5D=${size}` : null,
          prev: before ? `${self}?page%5Bbefore%5D=${before}&page%5Bsize%5D=${size}` : null,
        },
      };
    }

    // Offset pagination, capped at 10,000 records as Zendesk does.
    const perPage = Math.min(PAGE_MAX, Math.max(1, Number(q.per_page ?? PAGE_MAX) || PAGE_MAX));
    const page = Math.max(1, Number(q.page ?? 1) || 1);
    if (page * perPage > 10_000) {
      return error(reply, 400, 'InvalidPaginationParameter', 'Offset pagination is limited to the first 10000 records');
    }
    const comments = all.slice((page - 1) * perPage, page * perPage);
    return {
      comments,
      next_page: page * perPage < all.length ? `${self}?page=${page + 1}&per_page=${perPage}` : null,
      previous_page: page > 1 ? `${self}?page=${page - 1}&per_page=${perPage}` : null,
      count: all.length,
    };
  };
  app.get('/api/v2/tickets/:id/comments', listComments);
  app.get('/api/v2/tickets/:id/comments.json', listComments);

  // Users API: who the credentials act as (an agent may add internal notes; end users may not).
  const me = async () => ({
    user: { id: AGENT_ID, name: 'Simulated Agent', email: deps.email, role: 'agent', active: true, suspended: false },
  });
  app.get('/api/v2/users/me', me);
  app.get('/api/v2/users/me.json', me);

  app.setNotFoundHandler((_req, reply) => error(reply, 404, 'InvalidEndpoint', 'Not found'));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.statusCode === 400 || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return error(reply, 400, 'InvalidJSON', 'The request body is not valid JSON');
    }
    if (err.statusCode === 415) return error(reply, 415, 'UnsupportedMediaType', 'Use Content-Type: application/json');
    if (err.statusCode === 413) return error(reply, 413, 'RequestTooLarge', 'The request body is too large');
    req.log.error({ err }, 'zendesk simulator: unexpected error');
    return error(reply, 500, 'InternalServerError', 'Something went wrong');
  });
  return app;
}

function auditOf(ticket: ZendeskTicket, comment: ReturnType<ZendeskStore['addComment']> | undefined) {
  return {
    id: comment?.audit_id ?? 0,
    ticket_id: ticket.id,
    created_at: ticket.updated_at,
    author_id: comment?.author_id ?? 0,
    metadata: { system: {}, custom: {} },
    events: comment ? [comment] : [],
  };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
