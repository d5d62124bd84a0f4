import type { InboundRequest } from './types';

/**
 * The value of one header, trimmed; `undefined` when absent or empty. Node lower-cases incoming
 * header names, but programmatic callers may not, so other spellings are found too. A repeated
 * header arrives as an array; its first value counts.
 */
export function header(req: Pick<InboundRequest, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value = req.headers[lower];
  if (value === undefined) {
    for (const [key, v] of Object.entries(req.headers)) {
      if (key.toLowerCase() === lower) {
        value = v;
        break;
      }
    }
  }
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') return undefined;
  const trimmed = first.trim();
  return trimmed === '' ? undefined : trimmed;
}
