import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { DashboardCredentials } from '../config/config';
import { requireBasicAuth } from './basic-auth';

export const DASHBOARD_PATH = '/admin/queues';

export interface DashboardOptions {
  queues: readonly Queue[];
  credentials: DashboardCredentials;
  readOnly: boolean;
}

/**
 * Bull Board for every queue the service uses, behind basic auth. Registered as its own
 * encapsulated plugin so the auth hook covers the dashboard and nothing else. Read-only mode is
 * enforced by Bull Board's API (405 on every write), not just by hidden buttons.
 */
export const dashboard: FastifyPluginAsync<DashboardOptions> = async (app, { queues, credentials, readOnly }) => {
  await requireBasicAuth(app, credentials);
  // Loaded only when the dashboard is on: a receiver without it saves the memory.
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  const serverAdapter = new FastifyAdapter();
  // The base path and the registration prefix must match, or the board's assets 404.
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: readOnly })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Ticket Rooms' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
};
