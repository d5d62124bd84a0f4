import { type Logger, safeEqual } from '@ticket-rooms/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Faults, RequestStats } from '../faults';
import { createSimulatorApp, requireBasicAuth } from '../shared/app';
import type { SimAttachments } from '../shared/attachments';
import { attachmentViews, filesOf, installFreshdeskMultipart } from './attachments';
import { htmlToText, sanitizeHtml } from './html';
import { freshdeskListingRoutes } from './listing';
import { AGENT_USER_ID, type FreshdeskStore, type FreshdeskTicket, noteView, ticketView } from './store';

/** A change made through the API, which an automation rule on ticket updates reports. */
export type FreshdeskChange =
  | { kind: 'created'; ticket: FreshdeskTicket }
  | { kind: 'status'; ticket: FreshdeskTicket; previous: number }
  | { kind: 'subject'; ticket: FreshdeskTicket; previous: string }
  /** A note or reply came with files: the rule on "Note is added" / "Reply is sent", once per conversation. */
  | { kind: 'attachment'; ticket: FreshdeskTicket };

/** 2 Open, 3 Pending, 4 Resolved, 5 Closed: the statuses every account has. */
export const FRESHDESK_STATUS_LABELS: Readonly<Record<number, string>> = {
  2: 'Open',
  3: 'Pending',
  4: 'Resolved',
  5: 'Closed',
};

export interface FreshdeskAppDeps {
  store: FreshdeskStore;
  /** Told of every change after it is made; sends nothing in the request's path. */
  onChange?: (change: FreshdeskChange) => void;
  attachments: SimAttachments;
  apiKey: string;
  faults: Faults;
  stats: RequestStats;
  logger: Logger | false;
}

type Params = { id: string };
type FieldError = { field: string; message: string; code: string };

const PER_PAGE_MAX = 100;
const NOTE_FIELDS = new Set(['body', 'private', 'incoming', 'notify_emails', 'user_id']);

/** Freshdesk's validation body: `{"description":"Validation failed","errors":[{field,message,code}]}`. */
function validationFailed(reply: FastifyReply, errors: FieldError[]) {
  return reply.code(400).send({ description: 'Validation failed', errors });
}

function ticketIdOf(raw: string): number | undefined {
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** Freshdesk's HTTP face: tickets, private notes and the conversation list, with API-key basic auth. */
export function buildFreshdeskApp(deps: FreshdeskAppDeps): FastifyInstance {
  const app = createSimulatorApp(deps, { bodyLimit: 4 * 1024 * 1024 });
  const { store } = deps;

  // The API key is the basic-auth user name; the password is ignored.
  requireBasicAuth(app, {
    prefix: '/api/v2/',
    accepts: (creds) => safeEqual(creds.username, deps.apiKey),
    reject: (reply) =>
      reply
        .code(401)
        .send({ code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' }),
  });

  installFreshdeskMultipart(app, deps.attachments);
  freshdeskListingRoutes(app, store);
  // Tickets and conversations keep attachment ids; each answer signs fresh, expiring URLs.
  const withFiles = <T extends { attachments: number[] }>(req: FastifyRequest, item: T) => ({
    ...item,
    attachments: attachmentViews(deps.attachments, req, item.attachments),
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/v2/')) {
      reply.header('x-ratelimit-total', '700').header('x-ratelimit-remaining', '699');
      reply.header('x-ratelimit-used-currentrequest', '1');
    }
    return payload;
  });

  app.post('/api/v2/tickets', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (!['requester_id', 'email', 'phone', 'facebook_id', 'twitter_id', 'unique_external_id'].some((k) => body[k])) {
      errors.push({
        field: 'requester_id',
        message: 'Please fill at least 1 of requester_id, email, phone fields',
        code: 'missing_field',
      });
    }
    if (typeof body.subject !== 'string' || body.subject === '') {
      errors.push({ field: 'subject', message: 'It should be a/an String', code: 'missing_field' });
    }
    if (typeof body.description !== 'string' || body.description === '') {
      errors.push({ field: 'description', message: 'It should be a/an String', code: 'missing_field' });
    }
    if (body.priority !== undefined && ![1, 2, 3, 4].includes(body.priority as number)) {
      errors.push({ field: 'priority', message: 'It should be one of these values: 1,2,3,4', code: 'invalid_value' });
    }
    if (errors.length > 0) return validationFailed(reply, errors);
    const ticket = store.create({
      subject: body.subject as string,
      description: sanitizeHtml(body.description as string),
      ...(typeof body.priority === 'number' ? { priority: body.priority } : {}),
      ...(typeof body.status === 'number' ? { status: body.status } : {}),
      attachments: filesOf(req.body),
    });
    deps.onChange?.({ kind: 'created', ticket });
    return reply
      .code(201)
      .header('location', `/api/v2/tickets/${ticket.id}`)
      .send(withFiles(req, ticketView(ticket)));
  });

  app.put<{ Params: Params }>('/api/v2/tickets/:id', async (req, reply) => {
    const id = ticketIdOf(req.params.id);
    if (id === undefined) return reply.code(404).send();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (body.status !== undefined && !(typeof body.status === 'number' && body.status in FRESHDESK_STATUS_LABELS)) {
      errors.push({ field: 'status', message: 'It should be one of these values: 2,3,4,5', code: 'invalid_value' });
    }
    if (body.subject !== undefined && (typeof body.subject !== 'string' || body.subject === '')) {
      errors.push({ field: 'subject', message: 'It should be a/an String', code: 'datatype_mismatch' });
    }
    if (body.priority !== undefined && ![1, 2, 3, 4].includes(body.priority as number)) {
      errors.push({ field: 'priority', message: 'It should be one of these values: 1,2,3,4', code: 'invalid_value' });
    }
    if (errors.length > 0) return validationFailed(reply, errors);
    const ticket = store.ticket(id);
    const changes: FreshdeskChange[] = [];
    if (typeof body.status === 'number' && body.status !== ticket.status) {
      changes.push({ kind: 'status', ticket, previous: ticket.status });
      ticket.status = body.status;
    }
    if (typeof body.subject === 'string' && body.subject !== ticket.subject) {
      changes.push({ kind: 'subject', ticket, previous: ticket.subject });
      ticket.subject = body.subject;
    }
    if (typeof body.priority === 'number') ticket.priority = body.priority;
    ticket.updated_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const change of changes) deps.onChange?.(change);
    return ticketView(ticket);
  });

  app.get<{ Params: Params }>('/api/v2/tickets/:id', async (req, reply) => {
    const id = ticketIdOf(req.params.id);
    if (id === undefined) return reply.code(404).send();
    return withFiles(req, ticketView(store.ticket(id)));
  });

  app.post<{ Params: Params }>('/api/v2/tickets/:id/notes', async (req, reply) => {
    const id = ticketIdOf(req.params.id);
    if (id === undefined) return reply.code(404).send();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    for (const key of Object.keys(body)) {
      if (!NOTE_FIELDS.has(key))
        errors.push({ field: key, message: 'Unexpected/invalid field in request', code: 'invalid_field' });
    }
    if (typeof body.body !== 'string' || body.body.trim() === '') {
      errors.push({ field: 'body', message: 'It should be a/an String', code: 'missing_field' });
    }
    for (const flag of ['private', 'incoming']) {
      if (body[flag] !== undefined && typeof body[flag] !== 'boolean') {
        errors.push({ field: flag, message: 'It should be a/an Boolean', code: 'datatype_mismatch' });
      }
    }
    if (errors.length > 0) return validationFailed(reply, errors);
    const html = sanitizeHtml(body.body as string);
    const note = store.addNote(
      store.ticket(id),
      {
        body: html,
        body_text: htmlToText(html),
        // Notes are private unless said otherwise.
        private: body.private !== false,
        incoming: body.incoming === true,
      },
      { attachments: filesOf(req.body) },
    );
    if (note.attachments.length > 0) deps.onChange?.({ kind: 'attachment', ticket: store.ticket(id) });
    return reply.code(201).send(withFiles(req, noteView(note)));
  });

  // A public reply from the agent, attachments allowed (`POST /tickets/{id}/reply`).
  app.post<{ Params: Params }>('/api/v2/tickets/:id/reply', async (req, reply) => {
    const id = ticketIdOf(req.params.id);
    if (id === undefined) return reply.code(404).send();
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.body !== 'string' || body.body.trim() === '') {
      return validationFailed(reply, [{ field: 'body', message: 'It should be a/an String', code: 'missing_field' }]);
    }
    const html = sanitizeHtml(body.body);
    const conversation = store.addNote(
      store.ticket(id),
      { body: html, body_text: htmlToText(html), private: false, incoming: false },
      { attachments: filesOf(req.body), source: 0 },
    );
    if (conversation.attachments.length > 0) deps.onChange?.({ kind: 'attachment', ticket: store.ticket(id) });
    return reply.code(201).send(withFiles(req, noteView(conversation)));
  });

  app.get<{ Params: Params; Querystring: { page?: string; per_page?: string } }>(
    '/api/v2/tickets/:id/conversations',
    async (req: FastifyRequest<{ Params: Params; Querystring: { page?: string; per_page?: string } }>, reply) => {
      const id = ticketIdOf(req.params.id);
      if (id === undefined) return reply.code(404).send();
      const perPage = req.query.per_page === undefined ? 30 : Number(req.query.per_page);
      const page = req.query.page === undefined ? 1 : Number(req.query.page);
      const errors: FieldError[] = [];
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > PER_PAGE_MAX) {
        errors.push({
          field: 'per_page',
          message: `It should be a Positive Integer less than or equal to ${PER_PAGE_MAX}`,
          code: 'invalid_value',
        });
      }
      if (!Number.isInteger(page) || page < 1) {
        errors.push({ field: 'page', message: 'It should be a Positive Integer', code: 'invalid_value' });
      }
      if (errors.length > 0) return validationFailed(reply, errors);
      const all = store.ticket(id).conversations;
      const items = all.slice((page - 1) * perPage, page * perPage);
      if (page * perPage < all.length) {
        const next = `${req.protocol}://${req.host}/api/v2/tickets/${id}/conversations?page=${page + 1}&per_page=${perPage}`;
        reply.header('link', `<${next}>; rel="next"`);
      }
      return items.map((c) => withFiles(req, c));
    },
  );

  // Freshdesk's answers to unknown paths carry no body worth parsing.
  // Agents API: the agent the API key belongs to (only agents have API keys that add notes).
  app.get('/api/v2/agents/me', async () => ({
    id: AGENT_USER_ID,
    available: true,
    occasional: false,
    ticket_scope: 1,
    type: 'support_agent',
    contact: { name: 'Simulated Agent', email: 'agent@freshdesk.test', active: true },
  }));

  app.setNotFoundHandler((_req, reply) => reply.code(404).send());
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.statusCode === 400 || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return reply.code(400).send({ code: 'invalid_json', message: 'Request body has invalid json format' });
    }
    if (err.statusCode === 415) {
      return reply
        .code(415)
        .send({ code: 'invalid_content_type', message: "Content-Type header should have 'application/json'" });
    }
    if (err.statusCode === 413)
      return reply.code(413).send({ code: 'payload_too_large', message: 'Request too large' });
    req.log.error({ err }, 'freshdesk simulator: unexpected error');
    return reply
      .code(500)
      .send({ code: 'internal_error', message: 'We are facing some issues. Please try again later.' });
  });
  return app;
}
