/**
 * How a ticket's ledger is laid out in its Redis hash, in one place for every reader and writer:
 * the worker writes it, the receiver's ticket lookup and the operator tools read it. One field
 * per stage state and reason, and one JSON field per stage result (named by the stage's `field`).
 */
export const LEDGER_FIELDS = {
  key: 'key',
  source: 'source',
  tenant: 'tenant',
  ticketId: 'ticketId',
  state: 'state',
  lastError: 'lastError',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
} as const;

const STAGE_PREFIX = 'stage:';
const REASON_PREFIX = 'reason:';
const WANT_PREFIX = 'want:';

export function stageField(stage: string): string {
  return `${STAGE_PREFIX}${stage}`;
}

export function reasonField(stage: string): string {
  return `${REASON_PREFIX}${stage}`;
}

/** What kind of field a hash field is, read without knowing the stages (the ticket lookup). */
export function fieldKind(
  field: string,
): { kind: 'identity' } | { kind: 'stage' | 'reason' | 'want' | 'result'; name: string } {
  if ((Object.values(LEDGER_FIELDS) as string[]).includes(field)) return { kind: 'identity' };
  if (field.startsWith(STAGE_PREFIX)) return { kind: 'stage', name: field.slice(STAGE_PREFIX.length) };
  if (field.startsWith(REASON_PREFIX)) return { kind: 'reason', name: field.slice(REASON_PREFIX.length) };
  if (field.startsWith(WANT_PREFIX)) return { kind: 'want', name: field.slice(WANT_PREFIX.length) };
  return { kind: 'result', name: field };
}
