import {
  type FoundTicket,
  findTickets,
  jobSpecOf,
  QUEUE_NAMES,
  type RedisClient,
  repairEvent,
  Source,
  ticketJobs,
} from '@ticket-rooms/core';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { DashboardCredentials } from '../config/config';
import { ReceiverError } from '../http/errors';
import { requireBasicAuth } from './basic-auth';
import { DASHBOARD_PATH } from './dashboard';

export const TICKETS_PATH = '/admin/tickets';

export interface TicketRoutesOptions {
  redis: RedisClient;
  /** Every shard's prefix, current and former layouts: a ticket may live under any. */
  prefixes: readonly string[];
  queues: readonly Queue[];
  credentials: DashboardCredentials;
  readOnly: boolean;
}

type Params = { source: string; ticketId: string };
type Query = { tenant?: string };

/**
 * The ticket lookup and repair, behind the dashboard's credentials: what happened to one ticket
 * (its ledger and its jobs), and a repair that checks its room against DocSpace. The receiver
 * never calls DocSpace itself: a repair is a `ticket.repair` job the worker runs.
 */
export const ticketRoutes: FastifyPluginAsync<TicketRoutesOptions> = async (app, opts) => {
  await requireBasicAuth(app, opts.credentials);
  const queuesOf = (prefix: string) => opts.queues.filter((q) => q.opts.prefix === prefix);

  async function findOne(params: Params, query: Query): Promise<FoundTicket> {
    const source = Source.safeParse(params.source);
    if (!source.success) {
      throw ReceiverError.of(
        'TICKET_NOT_FOUND',
        `There is no source ${JSON.stringify(params.source)}; use one of ${Source.options.join(', ')}.`,
      );
    }
    const tenant = query.tenant?.trim() || undefined;
    const found = await findTickets(opts.redis, opts.prefixes, {
      source: source.data,
      ticketId: params.ticketId,
      ...(tenant === undefined ? {} : { tenant }),
    });
    const where = `${source.data} ticket ${params.ticketId}${tenant === undefined ? '' : ` of tenant ${tenant}`}`;
    if (found.length === 0) {
      throw ReceiverError.of(
        'TICKET_NOT_FOUND',
        `No ${where} is in the ledger: it was never delivered, or its delivery is still queued before its first stage.`,
      );
    }
    if (found.length > 1) {
      const tenants = found.map((f) => f.record.tenant).join(', ');
      throw ReceiverError.of(
        'TICKET_AMBIGUOUS',
        `The ${where} exists under several tenants (${tenants}); add ?tenant=.`,
      );
    }
    return found[0] as FoundTicket;
  }

  app.get<{ Params: Params; Querystring: Query }>(`${TICKETS_PATH}/:source/:ticketId`, async (req) => {
    const { prefix, record } = await findOne(req.params, req.query);
    const jobs = await ticketJobs(opts.redis, queuesOf(prefix), record.key, DASHBOARD_PATH);
    return { ticket: record, jobs };
  });

  app.post<{ Params: Params; Querystring: Query }>(`${TICKETS_PATH}/:source/:ticketId/repair`, async (req, reply) => {
    if (opts.readOnly) {
      throw ReceiverError.of(
        'READ_ONLY',
        'Repairs are writes, and DASHBOARD_READ_ONLY is on; use `pnpm ticket --repair`.',
      );
    }
    const { prefix, record } = await findOne(req.params, req.query);
    const rooms = queuesOf(prefix).find((q) => q.name === QUEUE_NAMES.rooms);
    if (!rooms) throw new Error(`no rooms queue under prefix ${prefix}`);
    const event = repairEvent(record);
    const spec = jobSpecOf(event.kind);
    const jobId = spec.jobId(event);
    await rooms.add(event.kind, { event }, { ...spec.options(), jobId });
    return reply.code(202).send({
      status: 'accepted',
      jobId,
      dashboardPath: `${DASHBOARD_PATH}/queue/${QUEUE_NAMES.rooms}/${encodeURIComponent(jobId)}`,
    });
  });
};
