import type { EventEmitter } from 'node:events';
import { createRedis, QUEUE_NAMES, type RoomJobData } from '@ticket-rooms/core';
import { signStandardWebhook } from '@ticket-rooms/helpdesk';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp } from '../../src/app';
import { loadReceiverConfig } from '../../src/config/config';
import { createReceiverLogger } from '../../src/observability/logger';

/** Credentials the test receivers are configured with; none may ever appear in a log line. */
export const SECRETS = {
  zendesk: 'zd-signing-secret-5d1c0a',
  freshdesk: 'fd-shared-token-91be44',
  jira: 'jira-hub-secret-0c7f19',
  // Standard Webhooks secret: `whsec_` + base64.
  generic: `whsec_${Buffer.from('generic-signing-key-6a2e3f').toString('base64')}`,
  genericToken: 'generic-token-77aa10',
  dashboardPassword: 'dash-password-e4b2c9',
} as const;

export const DASHBOARD_USER = 'ops';

export interface ReceiverUnderTest {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  url: string;
  prefix: string;
  /** The producer connection the app uses. */
  redis: Redis;
  /** The rooms queue, for looking at jobs. */
  rooms: Queue<RoomJobData>;
  /** Every log line the app wrote, as raw text. */
  logs: string[];
  /** Jobs in any state plus "seen" markers: what a rejected delivery must not leave behind. */
  traces(): Promise<{ jobs: number; markers: number }>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  redisUrl?: string;
  clock?: () => number;
}

/** A real receiver on a real port, on its own key prefix, with every helpdesk configured. */
export async function startReceiverUnderTest(opts: StartOptions = {}): Promise<ReceiverUnderTest> {
  const prefix = testPrefix('rcv');
  const redisUrl = opts.redisUrl ?? testRedisUrl();
  const config = loadReceiverConfig({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'trace',
    ZENDESK_WEBHOOK_SECRET: SECRETS.zendesk,
    FRESHDESK_WEBHOOK_TOKEN: SECRETS.freshdesk,
    JIRA_WEBHOOK_SECRET: SECRETS.jira,
    GENERIC_WEBHOOK_SECRET: SECRETS.generic,
    GENERIC_WEBHOOK_TOKEN: SECRETS.genericToken,
    DASHBOARD_USER,
    DASHBOARD_PASSWORD: SECRETS.dashboardPassword,
    ...opts.env,
  });
  const logs: string[] = [];
  const logger = createReceiverLogger({
    name: 'receiver',
    level: 'trace',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const redis = createRedis(redisUrl, { role: 'producer' });
  redis.on('error', () => {});
  await nextEvent(redis, 'ready');
  const app = buildApp({ config, redis, logger, ...(opts.clock ? { clock: opts.clock } : {}) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const rooms = new Queue<RoomJobData>(QUEUE_NAMES.rooms, { connection: redis, prefix });

  return {
    app,
    url: `http://127.0.0.1:${port}`,
    prefix,
    redis,
    rooms,
    logs,
    async traces() {
      const jobs = await rooms.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
      const markers = (await redis.keys(`${prefix}:seen:*`)).length;
      return { jobs, markers };
    },
    async close() {
      await app.close();
      if (redis.status === 'ready') await rooms.obliterate({ force: true }).catch(() => {});
      await rooms.close();
      redis.disconnect();
    },
  };
}

/** POSTs with fetch and returns status, headers and the parsed JSON body. */
export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers, body, ...(signal ? { signal } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Headers of a generic delivery with a valid Standard Webhooks signature over exactly `body`. */
export function signedGeneric(body: string, extra: Record<string, string> = {}): Record<string, string> {
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signStandardWebhook(id, ts, body, SECRETS.generic),
    ...extra,
  };
}

/** Sends a signed generic delivery of one ticket. */
export function sendGeneric(baseUrl: string, ticketId: string, subject = `Ticket ${ticketId}`, signal?: AbortSignal) {
  const body = JSON.stringify({ ticketId, subject });
  return post(`${baseUrl}/webhooks/generic`, body, signedGeneric(body), signal);
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * Resolves on the next `name` event. Unlike `events.once` it does not reject on `error`: a Redis
 * client reports every failed reconnect attempt as an error before it is `ready` again.
 */
export function nextEvent(emitter: EventEmitter, name: string): Promise<void> {
  return new Promise((resolve) => emitter.once(name, () => resolve()));
}
