import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBasicAuth, safeEqual } from '@ticket-rooms/core';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A small HTTP port for Prometheus: `GET /metrics`, and `GET /healthz` for liveness probes. Plain
 * `node:http`: the worker has no other reason to carry a web framework. With `credentials`,
 * `/metrics` asks for them (basic auth, compared in constant time); `/healthz` stays open.
 */
export async function startMetricsServer(
  registry: Registry,
  opts: { port: number; host?: string; credentials?: { user: string; password: string } },
): Promise<MetricsServer> {
  const authorized = (header: string | undefined): boolean => {
    if (!opts.credentials) return true;
    const given = parseBasicAuth(header);
    // Both compared, always: which one was wrong does not show in the timing.
    const user = safeEqual(given?.username ?? '', opts.credentials.user);
    const password = safeEqual(given?.password ?? '', opts.credentials.password);
    return given !== undefined && user && password;
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/metrics') {
      if (!authorized(req.headers.authorization)) {
        res
          .writeHead(401, {
            'www-authenticate': 'Basic realm="ticket-rooms worker metrics"',
            'content-type': 'text/plain',
          })
          .end('/metrics needs the WORKER_METRICS_USER and WORKER_METRICS_PASSWORD credentials');
        return;
      }
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const host = opts.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
