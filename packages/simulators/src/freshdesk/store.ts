/** In-memory Freshdesk tickets and conversations. Maps and arrays only, so 100k tickets stay cheap. */

export interface FreshdeskConversation {
  id: number;
  body: string;
  body_text: string;
  incoming: boolean;
  private: boolean;
  user_id: number;
  support_email: string | null;
  /** 0 = reply, 2 = note. */
  source: number;
  category: number;
  ticket_id: number;
  to_emails: string[];
  from_email: string | null;
  cc_emails: string[];
  bcc_emails: string[];
  /** Ids of `SimAttachments`; routes show them with fresh URLs. */
  attachments: number[];
  created_at: string;
  updated_at: string;
}

export interface FreshdeskTicket {
  id: number;
  subject: string;
  description: string;
  description_text: string;
  /** 1 Low … 4 Urgent. */
  priority: number;
  /** 2 Open, 3 Pending, 4 Resolved, 5 Closed. */
  status: number;
  source: number;
  requester_id: number;
  responder_id: number | null;
  group_id: number | null;
  type: string | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  /** Ids of the files that came with the ticket (`SimAttachments`). */
  attachments: number[];
  created_at: string;
  updated_at: string;
  conversations: FreshdeskConversation[];
}

export const AGENT_USER_ID = 43_000_000_001;
export const REQUESTER_ID = 43_000_000_002;

export class FreshdeskStore {
  readonly tickets = new Map<number, FreshdeskTicket>();
  private nextTicketId = 1;
  private nextConversationId = 44_000_000_001;

  /** The ticket, created the first time an id is used, so a note can follow a delivery without setup. */
  ticket(id: number): FreshdeskTicket {
    return this.tickets.get(id) ?? this.create({ id, subject: `Ticket ${id}`, description: '' });
  }

  create(input: {
    id?: number;
    subject: string;
    description: string;
    priority?: number;
    status?: number;
    attachments?: number[];
  }): FreshdeskTicket {
    const id = input.id ?? this.nextTicketId;
    this.nextTicketId = Math.max(this.nextTicketId, id + 1);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ticket: FreshdeskTicket = {
      id,
      subject: input.subject,
      description: input.description,
      description_text: input.description.replace(/<[^>]*>/g, ''),
      priority: input.priority ?? 1,
      status: input.status ?? 2,
      source: 2,
      requester_id: REQUESTER_ID,
      responder_id: null,
      group_id: null,
      type: null,
      tags: [],
      custom_fields: {},
      attachments: input.attachments ?? [],
      created_at: now,
      updated_at: now,
      conversations: [],
    };
    this.tickets.set(id, ticket);
    return ticket;
  }

  /** A note (source 2), or with `source: 0` a reply; `attachments` are `SimAttachments` ids. */
  addNote(
    ticket: FreshdeskTicket,
    input: { body: string; body_text: string; private: boolean; incoming: boolean },
    extra: { attachments?: number[]; source?: number } = {},
  ) {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const note: FreshdeskConversation = {
      id: this.nextConversationId++,
      ...input,
      user_id: AGENT_USER_ID,
      support_email: null,
      source: extra.source ?? 2,
      category: 2,
      ticket_id: ticket.id,
      to_emails: [],
      from_email: null,
      cc_emails: [],
      bcc_emails: [],
      attachments: extra.attachments ?? [],
      created_at: now,
      updated_at: now,
    };
    ticket.conversations.push(note);
    ticket.updated_at = now;
    return note;
  }
}

export function ticketView(ticket: FreshdeskTicket): Omit<FreshdeskTicket, 'conversations'> {
  const { conversations: _conversations, ...view } = ticket;
  return view;
}

/** A note as `POST /notes` returns it: the conversation fields that apply to notes. */
export function noteView(note: FreshdeskConversation) {
  const { source: _s, category: _c, to_emails: _t, from_email: _f, cc_emails: _cc, bcc_emails: _b, ...view } = note;
  return { ...view, notified_to: [] as string[] };
}
