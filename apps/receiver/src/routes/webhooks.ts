import type { Source } from '@ticket-rooms/core';
import { HELPDESK_ROUTES, parseDelivery } from '@ticket-rooms/helpdesk';
import type { FastifyPluginAsync } from 'fastify';
import type { ReceiverConfig } from '../config/config';
import { ReceiverError, wireCode } from '../http/errors';
import type { TicketIntake } from '../intake/ticket-intake';
import type { ReceiverMetrics } from '../observability/metrics';

/** Each delivery route and the source its payloads are parsed as, from the helpdesk registry. */
export const WEBHOOK_ROUTES: ReadonlyArray<{ url: string; source: Source }> = HELPDESK_ROUTES;

export interface WebhookRoutesOptions {
  config: Pick<ReceiverConfig, 'bodyLimitBytes' | 'inbound'>;
  intake: TicketIntake;
  metrics: ReceiverMetrics;
  clock: () => number;
}

const NOT_JSON = 'The Content-Type must be application/json; send the delivery as JSON.';

/**
 * The delivery routes, in their own encapsulated context: only here is a JSON body kept as raw
 * bytes (signatures are computed over them), and only JSON is accepted. Every other route keeps
 * Fastify's parsers.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, opts) => {
  const { config, intake, metrics, clock } = opts;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );

  for (const { url, source } of WEBHOOK_ROUTES) {
    app.post(url, { bodyLimit: config.bodyLimitBytes, config: { source } }, async (req, reply) => {
      const record = req.delivery ?? { source };
      // 1. Cheap checks first: a POST without a JSON body never reaches signature verification.
      if (!Buffer.isBuffer(req.body)) throw ReceiverError.of('UNSUPPORTED_MEDIA_TYPE', NOT_JSON);

      // 2. Verify and normalize (pure, never throws; a parser's own bug comes back as `failed`).
      const outcome = parseDelivery(
        source,
        { headers: req.headers, rawBody: req.body, nowMs: clock() },
        config.inbound,
      );
      if (outcome.kind === 'failed') throw ReceiverError.of('PARSER_FAILED', outcome.message, outcome.cause);
      if (outcome.kind === 'rejected') {
        throw new ReceiverError(wireCode(outcome.code), outcome.status, outcome.message, { retryable: false });
      }
      if (outcome.kind === 'ignored') {
        record.outcome = 'ignored';
        record.reason = outcome.reason;
        if (outcome.deliveryId !== undefined) record.deliveryId = outcome.deliveryId;
        return reply.code(202).send({ status: 'ignored', reason: outcome.reason });
      }

      // 3. Enqueue, and answer only once Redis holds the job.
      const event = { ...outcome.event, receivedAt: new Date(clock()).toISOString() };
      record.tenant = event.tenant;
      record.ticketId = event.ticketId;
      record.deliveryId = event.deliveryId;
      const started = performance.now();
      const result = await intake.accept(event);
      metrics.enqueueSeconds((performance.now() - started) / 1000);
      record.jobId = result.jobId;
      record.outcome = result.duplicate ? 'duplicate' : 'accepted';
      if (result.repaired) record.repaired = true;
      return reply.code(202).send({ status: 'accepted', jobId: result.jobId, duplicate: result.duplicate });
    });
  }
};
