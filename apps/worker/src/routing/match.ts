import { Source } from '@ticket-rooms/core';

/** What a rule can look at: the normalized ticket event has all of it. */
export interface RoutableTicket {
  source: string;
  tenant: string;
  subject: string;
  priority?: string | undefined;
  brand?: string | undefined;
  group?: string | undefined;
  ticketType?: string | undefined;
  tags?: readonly string[] | undefined;
}

/** The single-valued fields a rule compares, each with any of a list of values. */
export const VALUE_FIELDS = ['source', 'tenant', 'priority', 'brand', 'group', 'ticketType'] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

/**
 * A rule's conditions, every one of which must hold. Values are kept lower case and compared
 * with the ticket's lower-cased value, so `Urgent`, `URGENT` and `urgent` are one priority.
 */
export interface RuleMatch {
  values: Partial<Record<ValueField, readonly string[]>>;
  tags?: { any?: readonly string[]; all?: readonly string[] };
  subject?: RegExp;
}

/** The conditions as the routing file states them, after its schema. */
export interface RuleMatchInput {
  source?: string[] | undefined;
  tenant?: string[] | undefined;
  priority?: string[] | undefined;
  brand?: string[] | undefined;
  group?: string[] | undefined;
  ticketType?: string[] | undefined;
  tags?: { any?: string[] | undefined; all?: string[] | undefined } | undefined;
  subject?: string | undefined;
}

/** A problem with one condition: the field under `match` and what is wrong, in words. */
export interface MatchProblem {
  field: string;
  message: string;
}

/** Checks and compiles a rule's conditions: known sources and a subject pattern that compiles. */
export function compileMatch(input: RuleMatchInput): { match: RuleMatch; problems: MatchProblem[] } {
  const problems: MatchProblem[] = [];
  const match: RuleMatch = { values: {} };
  for (const field of VALUE_FIELDS) {
    const values = input[field];
    if (values !== undefined) match.values[field] = values.map((v) => v.trim().toLowerCase());
  }
  for (const source of match.values.source ?? []) {
    if (!(Source.options as readonly string[]).includes(source)) {
      problems.push({
        field: 'source',
        message: `${JSON.stringify(source)} is not a source; use ${Source.options.join(', ')}`,
      });
    }
  }
  if (input.tags) {
    const lower = (list: string[] | undefined) => list?.map((t) => t.trim().toLowerCase());
    const any = lower(input.tags.any);
    const all = lower(input.tags.all);
    match.tags = { ...(any ? { any } : {}), ...(all ? { all } : {}) };
  }
  if (input.subject !== undefined) {
    try {
      // Case-insensitive: how a customer capitalised a subject says nothing about what it is about.
      match.subject = new RegExp(input.subject, 'i');
    } catch (err) {
      problems.push({
        field: 'subject',
        message: `is not a valid regular expression (${(err as Error).message.replace(/^Invalid regular expression: /, '')})`,
      });
    }
  }
  return { match, problems };
}

function lowerOf(value: string | undefined): string | undefined {
  const v = value?.trim().toLowerCase();
  return v === '' ? undefined : v;
}

/** Whether a ticket meets every condition of a rule; a condition on a field the ticket lacks fails. */
export function matches(match: RuleMatch, ticket: RoutableTicket): boolean {
  for (const field of VALUE_FIELDS) {
    const wanted = match.values[field];
    if (wanted === undefined) continue;
    const value = lowerOf(ticket[field]);
    if (value === undefined || !wanted.includes(value)) return false;
  }
  if (match.tags) {
    const tags = new Set((ticket.tags ?? []).map((t) => t.trim().toLowerCase()));
    if (match.tags.any && !match.tags.any.some((t) => tags.has(t))) return false;
    if (match.tags.all && !match.tags.all.every((t) => tags.has(t))) return false;
  }
  if (match.subject && !match.subject.test(ticket.subject)) return false;
  return true;
}
