import type { FastifyInstance } from 'fastify';
import type { Faults, RequestStats } from '../faults';

/** What every simulator handle offers besides its own state: the app, its faults and stats, and its lifecycle. */
export interface SimulatorServer {
  readonly app: FastifyInstance;
  readonly faults: Faults;
  readonly stats: RequestStats;
  /** Set once `listen` has returned. */
  readonly baseUrl: string | undefined;
  listen(opts?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * Adds `baseUrl`, `listen` and `close` to a ready app's handle. `beforeClose` releases state the
 * app does not own (timers) before the server stops. `baseUrl` stays a live getter, so the fields
 * are defined rather than spread.
 */
export function withLifecycle<T extends { app: FastifyInstance }>(
  handle: T,
  beforeClose?: () => void,
): T & Pick<SimulatorServer, 'baseUrl' | 'listen' | 'close'> {
  const { app } = handle;
  let baseUrl: string | undefined;
  const lifecycle: Pick<SimulatorServer, 'baseUrl' | 'listen' | 'close'> = {
    get baseUrl() {
      return baseUrl;
    },
    async listen({ port = 0, host = '127.0.0.1' } = {}) {
      await app.listen({ port, host });
      baseUrl = baseUrlOf(app);
      return baseUrl;
    },
    async close() {
      beforeClose?.();
      await app.close();
    },
  };
  return Object.defineProperties(handle, Object.getOwnPropertyDescriptors(lifecycle)) as T &
    Pick<SimulatorServer, 'baseUrl' | 'listen' | 'close'>;
}

function baseUrlOf(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the simulator is not listening on TCP');
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}
