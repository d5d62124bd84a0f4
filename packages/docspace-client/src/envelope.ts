import type { z } from 'zod';
import { DocspaceError, type RequestInfo, type ResponseInfo, toDocspaceError } from './errors';
import { describeIssues, Envelope } from './schemas';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(req: RequestInfo, res: ResponseInfo, what: string): DocspaceError {
  return new DocspaceError({
    code: 'INVALID_RESPONSE',
    statusCode: res.status,
    message: `DocSpace sent an unexpected answer to ${req.method} ${req.path} (${res.status}): ${what}`,
    method: req.method,
    path: req.path,
  });
}

/**
 * Takes DocSpace's answer apart: an error status or `status: 1` in the body (DocSpace does not
 * always use the HTTP status) becomes a `DocspaceError`; otherwise the envelope's `response` is
 * validated with `schema` and returned with the envelope's paging numbers.
 */
export function unwrap<T>(
  req: RequestInfo,
  res: ResponseInfo,
  schema: z.ZodType<T>,
): { response: T; count: number | undefined; total: number | undefined } {
  if (res.status >= 400 || (isRecord(res.json) && res.json.status === 1)) throw toDocspaceError(req, res);
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('location');
    throw invalid(req, res, `a redirect${location ? ` to ${location}` : ''}; the DocSpace base URL is probably wrong`);
  }
  if (res.status < 200 || res.status >= 300) throw invalid(req, res, 'not a success status');
  if (!isRecord(res.json)) throw invalid(req, res, 'the body is not DocSpace JSON');
  const envelope = Envelope.safeParse(res.json);
  if (!envelope.success) throw invalid(req, res, describeIssues(envelope.error));
  const parsed = schema.safeParse(envelope.data.response);
  if (!parsed.success) throw invalid(req, res, describeIssues(parsed.error));
  return { response: parsed.data, count: envelope.data.count, total: envelope.data.total };
}
