// The minimal correct receiver, the reference `bench/receiver.ts` measures ours against:
// `tsx bench/minimal-receiver.ts <port> <redis url> <zendesk secret> <queue prefix>`.
// Fastify; the Zendesk HMAC checked over the raw body; `JSON.parse`; one BullMQ `add` keyed by
// ticket; nothing else (no dedupe marker, no desired state, no zod, no logs, no metrics).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { QUEUE_NAMES } from '@ticket-rooms/core';
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const [port, redisUrl, secret, prefix] = process.argv.slice(2) as [string, string, string, string];
const queue = new Queue(QUEUE_NAMES.rooms, { connection: new Redis(redisUrl, { maxRetriesPerRequest: 1 }), prefix });
const app = Fastify();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/webhooks/zendesk', async (req, reply) => {
  const raw = req.body as Buffer;
  const signature = Buffer.from(String(req.headers['x-zendesk-webhook-signature'] ?? ''), 'base64');
  const timestamp = String(req.headers['x-zendesk-webhook-signature-timestamp'] ?? '');
  const expected = createHmac('sha256', secret).update(timestamp).update(raw).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return reply.code(401).send({ code: 'SIGNATURE_INVALID' });
  }
  const event = JSON.parse(raw.toString('utf8')) as { account_id: unknown; detail: { id: unknown } };
  const jobId = `zendesk-${String(event.account_id)}-${String(event.detail.id)}`;
  try {
    await queue.add('ticket.created', event, { jobId });
  } catch {
    return reply.code(503).send({ code: 'NOT_DURABLE' });
  }
  return reply.code(202).send({ status: 'accepted', jobId, duplicate: false });
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('ready\n');
