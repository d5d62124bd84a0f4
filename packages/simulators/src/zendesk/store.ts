/** In-memory Zendesk tickets and comments. Maps and arrays only, so 100k tickets stay cheap. */

import type { ZendeskAttachmentView } from './attachments';

export interface ZendeskComment {
  id: number;
  type: 'Comment';
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  attachments: ZendeskAttachmentView[];
  audit_id: number;
  via: { channel: string; source: { from: Record<string, never>; to: Record<string, never>; rel: null } };
  created_at: string;
  metadata: { system: Record<string, never>; custom: Record<string, never> };
}

export interface ZendeskTicket {
  id: number;
  url: string;
  subject: string;
  raw_subject: string;
  description: string;
  priority: string | null;
  status: string;
  type: string | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  tags: string[];
  /** Set on creation; later comments inherit it unless `public` is given (Zendesk's documented quirk). */
  is_public: boolean;
  created_at: string;
  updated_at: string;
  comments: ZendeskComment[];
}

export const AGENT_ID = 900_000_000_001;
export const MAX_COMMENTS = 5_000;

export class ZendeskStore {
  readonly tickets = new Map<number, ZendeskTicket>();
  private nextTicketId = 1;
  private nextCommentId = 10_000_000_001;
  private nextAuditId = 20_000_000_001;

  /** The ticket, created empty the first time an id is used, so a note can follow a delivery without setup. */
  ticket(id: number, baseUrl: string): ZendeskTicket {
    const existing = this.tickets.get(id);
    if (existing) return existing;
    return this.create({ id, subject: `Ticket ${id}`, description: '', isPublic: true, baseUrl });
  }

  create(input: {
    id?: number;
    subject: string;
    description: string;
    descriptionHtml?: string;
    priority?: string | null;
    requesterId?: number;
    isPublic: boolean;
    baseUrl: string;
  }): ZendeskTicket {
    const id = input.id ?? this.nextTicketId;
    this.nextTicketId = Math.max(this.nextTicketId, id + 1);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ticket: ZendeskTicket = {
      id,
      url: `${input.baseUrl}/api/v2/tickets/${id}.json`,
      subject: input.subject,
      raw_subject: input.subject,
      description: input.description,
      priority: input.priority ?? null,
      status: 'new',
      type: null,
      requester_id: input.requesterId ?? AGENT_ID,
      submitter_id: AGENT_ID,
      assignee_id: null,
      tags: [],
      is_public: input.isPublic,
      created_at: now,
      updated_at: now,
      comments: [],
    };
    this.tickets.set(id, ticket);
    return ticket;
  }

  addComment(
    ticket: ZendeskTicket,
    input: { body: string; html_body: string; plain_body: string; public: boolean },
    attachments: ZendeskAttachmentView[] = [],
  ): ZendeskComment {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const comment: ZendeskComment = {
      id: this.nextCommentId++,
      type: 'Comment',
      author_id: AGENT_ID,
      ...input,
      attachments,
      audit_id: this.nextAuditId++,
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      created_at: now,
      metadata: { system: {}, custom: {} },
    };
    ticket.comments.push(comment);
    ticket.updated_at = now;
    return comment;
  }
}

/** The ticket as the API shows it: everything but the comment list. */
export function ticketView(ticket: ZendeskTicket): Omit<ZendeskTicket, 'comments'> {
  const { comments: _comments, ...view } = ticket;
  return view;
}
