import { basicAuthHeader } from '@ticket-rooms/core';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsServer, startMetricsServer } from './server';

describe('the worker metrics port', () => {
  const registry = new Registry();
  new Counter({ name: 'ticket_rooms_test_total', help: 'a test counter', registers: [registry] }).inc(3);
  let open: MetricsServer;
  let guarded: MetricsServer;

  beforeAll(async () => {
    open = await startMetricsServer(registry, { port: 0, host: '127.0.0.1' });
    guarded = await startMetricsServer(registry, {
      port: 0,
      host: '127.0.0.1',
      credentials: { user: 'prometheus', password: 'scrape-secret' },
    });
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
  });

  it('serves metrics to anyone when no credentials are configured', async () => {
    const res = await fetch(`${open.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('ticket_rooms_test_total 3');
  });

  it('asks for the credentials when they are configured, and serves them to whoever has them', async () => {
    const none = await fetch(`${guarded.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic');
    expect(await none.text()).not.toContain('scrape-secret');
    const wrong = await fetch(`${guarded.url}/metrics`, {
      headers: { authorization: basicAuthHeader('prometheus', 'guess') },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${guarded.url}/metrics`, {
      headers: { authorization: basicAuthHeader('prometheus', 'scrape-secret') },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('ticket_rooms_test_total 3');
  });

  it('keeps /healthz open for liveness probes', async () => {
    expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
  });
});
