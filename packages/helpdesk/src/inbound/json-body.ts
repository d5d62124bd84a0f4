import type { z } from 'zod';
import { reject } from './outcome';
import type { Rejection } from './types';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as text; a UTF-8 byte order mark, which some senders prepend, is dropped. */
export function bodyText(raw: Buffer): string {
  const text = raw.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses the body as a JSON object. Runs only after the delivery was found authentic. */
export function parseJsonObject(raw: Buffer): JsonObject | Rejection {
  return parseJsonText(bodyText(raw));
}

/** `parseJsonObject` for a body already read as text (`bodyText`), so it is not decoded twice. */
export function parseJsonText(text: string): JsonObject | Rejection {
  if (text.trim() === '') return reject('JSON_INVALID', 'The body is empty; a JSON object was expected.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's own message quotes the body, which is the sender's data: keep it out.
    return reject('JSON_INVALID', 'The body is not valid JSON.');
  }
  if (!isJsonObject(value)) return reject('PAYLOAD_INVALID', 'The body must be a JSON object.');
  return value;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function pathName(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
}

/**
 * One sentence naming the first invalid field, e.g. "The field detail.id is missing.". The schemas
 * give every check a phrase ("must be a string"), so the sentence never quotes the sender's data.
 */
export function describeInvalidPayload(error: z.ZodError, data: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'The payload is invalid.';
  const name = pathName(issue.path);
  const value = valueAt(data, issue.path);
  if (name === '') return `The payload ${issue.message}.`;
  if (value === undefined || value === null) return `The field ${name} is missing.`;
  return `The field ${name} ${issue.message}.`;
}

/** Parses `data` with a payload schema, or names the first invalid field. */
export function parsePayload<S extends z.ZodType>(schema: S, data: unknown): z.output<S> | Rejection {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  return reject('PAYLOAD_INVALID', describeInvalidPayload(parsed.error, data));
}
