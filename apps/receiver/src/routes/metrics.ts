import type { FastifyPluginAsync } from 'fastify';
import type { DashboardCredentials } from '../config/config';
import type { ReceiverMetrics } from '../observability/metrics';
import { requireBasicAuth } from './basic-auth';

export interface MetricsRouteOptions {
  metrics: ReceiverMetrics;
  /** When set, `/metrics` asks for these (the dashboard's) credentials. */
  credentials: DashboardCredentials | undefined;
}

/** `GET /metrics` in the Prometheus text format. */
export const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (app, { metrics, credentials }) => {
  if (credentials) await requireBasicAuth(app, credentials);
  app.get('/metrics', async (_req, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
};
