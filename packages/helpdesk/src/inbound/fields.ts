import { z } from 'zod';

/**
 * Field schemas shared by the vendor payloads. Every check carries a phrase that completes "The
 * field X …", so rejections name the field without echoing its value.
 */

/** An id that may arrive as a string or a number (Zendesk and Jira use both), as a trimmed string. */
export const IdField = z
  .custom<string | number>(
    (v) => (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isSafeInteger(v)),
    { error: 'must be a non-empty string or a whole number' },
  )
  .transform((v) => String(v).trim());

/** Optional free text: strings and numbers are kept, `null` or absence mean "not given". */
export const OptionalText = z
  .custom<string | number | null | undefined>(
    (v) => v === undefined || v === null || typeof v === 'string' || typeof v === 'number',
    { error: 'must be a string' },
  )
  .transform((v) => (v === undefined || v === null ? undefined : String(v)))
  .optional();

/** An optional nested object; `null` counts as absent. */
export function optionalObject<S extends z.ZodRawShape>(shape: S) {
  return z.object(shape, { error: 'must be an object' }).nullish();
}

export function requiredObject<S extends z.ZodRawShape>(shape: S) {
  return z.object(shape, { error: 'must be an object' });
}

/** Tags: a list of strings (numbers kept as text), or one string a template rendered them into. */
export const TagsField = z
  .custom<string | ReadonlyArray<string | number> | null | undefined>(
    (v) =>
      v === undefined ||
      v === null ||
      typeof v === 'string' ||
      (Array.isArray(v) && v.every((t) => typeof t === 'string' || typeof t === 'number')),
    { error: 'must be a list of strings' },
  )
  .transform((v) => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : v.map(String)))
  .optional();
