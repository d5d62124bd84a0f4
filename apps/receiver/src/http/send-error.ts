import type { FastifyReply, FastifyRequest } from 'fastify';
import { RETRY_AFTER_SECONDS, type ReceiverError } from './errors';
import './delivery-log';

/**
 * Answers with a catalogue error and remembers it for the request's log line. Used by the error
 * handler and by hooks that must answer themselves (inside Bull Board, whose plugin has its own
 * error handler).
 */
export function sendError(
  req: FastifyRequest,
  reply: FastifyReply,
  error: ReceiverError,
  cause?: unknown,
): FastifyReply {
  req.failure = { code: error.code, err: cause ?? error.cause ?? error };
  if (error.statusCode === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(error.statusCode).send(error.toBody());
}
