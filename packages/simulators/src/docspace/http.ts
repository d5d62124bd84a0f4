import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DocspaceException, notConvertible, required, tooLong, ValidationFailure } from './errors';

/**
 * Request reading and response writing in DocSpace's manner: case-insensitive JSON properties,
 * numbers accepted as strings, ASP.NET's validation messages, and the `{response, count, links,
 * status, statusCode}` envelope.
 */

export function portalUrlOf(req: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}

/** Writes the success envelope. `count` is the list length for arrays, 0 for nothing, else 1. */
export function ok(
  req: FastifyRequest,
  reply: FastifyReply,
  publicUrl: string | undefined,
  response: unknown,
  paging: { count?: number; total?: number } = {},
) {
  const count = paging.count ?? (Array.isArray(response) ? response.length : response === undefined ? 0 : 1);
  return reply.code(200).send({
    ...(response === undefined ? {} : { response }),
    count,
    ...(paging.total === undefined ? {} : { total: paging.total }),
    links: [{ href: `${portalUrlOf(req, publicUrl)}${req.url}`, action: req.method }],
    status: 0,
    statusCode: 200,
  });
}

/** A validation failure inside the success envelope, with `status: 1` and statusCode 400. */
export function validationBody(req: FastifyRequest, publicUrl: string | undefined, failure: ValidationFailure) {
  return {
    response: {
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: failure.message,
      status: 400,
      errors: failure.errors,
      traceId: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`,
    },
    count: 1,
    links: [{ href: `${portalUrlOf(req, publicUrl)}${req.url}`, action: req.method }],
    status: 1,
    statusCode: 400,
  };
}

type Body = Record<string, unknown>;

/** The JSON body as an object; a missing body fails as ASP.NET fails it. */
export function bodyOf(req: FastifyRequest): Body {
  const body = req.body;
  // ASP.NET binds `[FromBody]` from JSON only; any other media type is refused before validation.
  const type = req.headers['content-type'];
  if (body !== undefined && type !== undefined && !/[/+]json\b/i.test(type)) {
    throw new DocspaceException('NotSupported', 'Unsupported Media Type');
  }
  if (body === undefined || body === null || body === '')
    throw new ValidationFailure({ '': ['A non-empty request body is required.'] });
  if (typeof body !== 'object' || Array.isArray(body)) throw notConvertible('$', 'the request type');
  return body as Body;
}

/** Property lookup the way System.Text.Json reads with case-insensitive names. */
export function field(body: Body, name: string): unknown {
  if (name in body) return body[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

export function readString(
  body: Body,
  name: string,
  opts: { required?: boolean; max?: number } = {},
): string | undefined {
  const value = field(body, name);
  if (value === undefined || value === null) {
    if (opts.required) throw required(pascal(name));
    return undefined;
  }
  if (typeof value !== 'string') throw notConvertible(`$.${name}`, 'System.String');
  if (opts.max !== undefined && value.length > opts.max) throw tooLong(pascal(name), opts.max);
  return value;
}

export function readBoolean(body: Body, name: string): boolean | undefined {
  const value = field(body, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw notConvertible(`$.${name}`, 'System.Boolean');
  return value;
}

export function readStringArray(body: Body, name: string, opts: { required?: boolean } = {}): string[] | undefined {
  const value = field(body, name);
  if (value === undefined || value === null) {
    if (opts.required) throw required(pascal(name));
    return undefined;
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw notConvertible(`$.${name}`, 'System.Collections.Generic.IEnumerable`1[System.String]');
  }
  return value as string[];
}

/** A number property; `integer` refuses fractions, as `int`/`long` properties do. */
export function readNumber(
  body: Body,
  name: string,
  typeName: string,
  opts: { integer?: boolean } = {},
): number | undefined {
  const value = field(body, name);
  if (value === undefined || value === null) return undefined;
  // `NumberHandling = AllowReadingFromString`.
  const n = typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) {
    throw notConvertible(`$.${name}`, typeName);
  }
  return n;
}

/** A nested object property, as a plain record read with the same case-insensitive rules. */
export function readObject(body: Body, name: string, typeName: string): Body | undefined {
  const value = field(body, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw notConvertible(`$.${name}`, typeName);
  return value as Body;
}

/** An enum property: a number, a numeric string (`AllowReadingFromString`) or a case-insensitive name. */
export function readEnum(
  body: Body,
  name: string,
  names: ReadonlyMap<string, number>,
  typeName: string,
  opts: { required?: boolean } = {},
): number | undefined {
  const value = field(body, name);
  if (value === undefined || value === null) {
    if (opts.required) throw required(pascal(name));
    return undefined;
  }
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    if (/^-?\d+$/.test(value.trim())) return Number(value.trim());
    const found = names.get(value.trim().toLowerCase());
    if (found !== undefined) return found;
  }
  throw notConvertible(`$.${name}`, typeName);
}

type Query = Record<string, string | string[] | undefined>;

export function queryOf(req: FastifyRequest): Query {
  return (req.query ?? {}) as Query;
}

function single(q: Query, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(q)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

export function queryString(q: Query, name: string): string | undefined {
  const v = single(q, name);
  return v === undefined || v === '' ? undefined : v;
}

export function queryAll(q: Query, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (k.toLowerCase() !== lower || v === undefined) continue;
    out.push(...(Array.isArray(v) ? v : [v]));
  }
  return out.filter((s) => s !== '');
}

export function queryInt(q: Query, name: string, def: number, range?: { min: number; max: number }): number {
  const raw = queryString(q, name);
  if (raw === undefined) return def;
  if (!/^-?\d+$/.test(raw.trim()))
    throw new ValidationFailure({ [name]: [`The value '${raw}' is not valid for ${pascal(name)}.`] });
  const n = Number(raw);
  if (range && (n < range.min || n > range.max)) {
    throw new ValidationFailure({
      [pascal(name)]: [`The field ${pascal(name)} must be between ${range.min} and ${range.max}.`],
    });
  }
  return n;
}

/**
 * An enum in the query, as ASP.NET's `EnumTypeModelBinder` reads it: a defined number or a name
 * (case-insensitive); anything else is a model-state error and so a 400.
 */
export function queryEnum(raw: string, name: string, names: ReadonlyMap<string, number>, typeName: string): number {
  const trimmed = raw.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : names.get(trimmed.toLowerCase());
  if (n === undefined || ![...names.values()].includes(n)) {
    throw new ValidationFailure({ [name]: [`The value '${raw}' is not valid for ${typeName}.`] });
  }
  return n;
}

export function queryBool(q: Query, name: string, def: boolean): boolean {
  const raw = queryString(q, name);
  if (raw === undefined) return def;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw new ValidationFailure({ [name]: [`The value '${raw}' is not valid for ${pascal(name)}.`] });
}

/** `sortOrder`: `ascending`/`descending` or 0/1. */
export function querySortDescending(q: Query, def: boolean): boolean {
  const raw = queryString(q, 'sortOrder');
  if (raw === undefined) return def;
  if (/^(1|descending)$/i.test(raw)) return true;
  if (/^(0|ascending)$/i.test(raw)) return false;
  throw new ValidationFailure({ sortOrder: [`The value '${raw}' is not valid for SortOrder.`] });
}

/** `tags=["a","b"]`: parsed as JSON the way the server does, so anything else is a 500. */
export function queryJsonArray(q: Query, name: string): string[] | undefined {
  const raw = queryString(q, name);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new DocspaceException(
      'Internal',
      `'${raw.charAt(0)}' is an invalid start of a value. Path: $ | LineNumber: 0 | BytePositionInLine: 0.`,
      'System.Text.Json.JsonException',
    );
  }
  if (!Array.isArray(parsed)) {
    throw new DocspaceException(
      'Internal',
      'The JSON value could not be converted to System.Collections.Generic.IEnumerable`1[System.String]. Path: $ | LineNumber: 0 | BytePositionInLine: 1.',
      'System.Text.Json.JsonException',
    );
  }
  return parsed.filter((t): t is string => typeof t === 'string');
}

export function routeId(req: FastifyRequest): number {
  return Number((req.params as { id: string }).id);
}
