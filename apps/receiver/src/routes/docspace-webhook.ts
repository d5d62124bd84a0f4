import {
  DocspaceWebhookPayload,
  ROOM_FILE_JOB_NAME,
  ROOM_FILE_TRIGGERS,
  type RoomFileJobData,
  roomFileJobId,
  roomFileJobOptions,
  verifyDocspaceSignature,
} from '@ticket-rooms/core';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { ReceiverConfig } from '../config/config';
import { ReceiverError } from '../http/errors';

export const DOCSPACE_WEBHOOK_PATH = '/webhooks/docspace';

export interface DocspaceWebhookOptions {
  config: Pick<ReceiverConfig, 'bodyLimitBytes' | 'docspaceWebhook'>;
  queue: Queue<RoomFileJobData>;
  clock: () => number;
}

const NOT_JSON = 'The Content-Type must be application/json; send the delivery as JSON.';

/**
 * DocSpace's own webhook deliveries (`ASC.Webhooks`): verified by `x-docspace-signature-256`
 * over the raw body, then queued as a `room.file_added` job, one per DocSpace event id. Which
 * ticket the file belongs to, if any, is for the worker to find out: the payload names only the
 * file's folder.
 */
export const docspaceWebhookRoute: FastifyPluginAsync<DocspaceWebhookOptions> = async (app, opts) => {
  const { config, queue, clock } = opts;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );

  app.post(DOCSPACE_WEBHOOK_PATH, { bodyLimit: config.bodyLimitBytes }, async (req, reply) => {
    const settings = config.docspaceWebhook;
    if (!settings) {
      throw ReceiverError.of('NOT_FOUND', 'DocSpace deliveries are off; set DOCSPACE_WEBHOOK_SECRET to take them.');
    }
    // 1. Cheap checks first.
    if (!Buffer.isBuffer(req.body)) throw ReceiverError.of('UNSUPPORTED_MEDIA_TYPE', NOT_JSON);
    const header = req.headers['x-docspace-signature-256'];
    if (typeof header !== 'string') {
      throw ReceiverError.of('BAD_REQUEST', 'The x-docspace-signature-256 header is missing.');
    }
    // 2. The signature, then the body it covers.
    if (!verifyDocspaceSignature(req.body, header, settings.secrets)) {
      throw ReceiverError.of('UNAUTHORIZED', 'The x-docspace-signature-256 signature does not match this webhook.');
    }
    let json: unknown;
    try {
      json = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw ReceiverError.of('JSON_INVALID', 'The body is not valid JSON.');
    }
    const parsed = DocspaceWebhookPayload.safeParse(json);
    if (!parsed.success) {
      const trigger = (json as { event?: { trigger?: unknown } } | null)?.event?.trigger;
      if (typeof trigger === 'string' && !(ROOM_FILE_TRIGGERS as readonly string[]).includes(trigger)) {
        return reply.code(202).send({ status: 'ignored', reason: `trigger ${trigger} is not a new file` });
      }
      throw ReceiverError.of('BAD_REQUEST', 'The body is not a DocSpace webhook payload with event and file.');
    }
    const { event, payload } = parsed.data;
    const trigger = ROOM_FILE_TRIGGERS.find((t) => t === event.trigger);
    if (!trigger)
      return reply.code(202).send({ status: 'ignored', reason: `trigger ${event.trigger} is not a new file` });
    // A replay of an old, once-valid delivery is refused like a bad signature.
    const created = Date.parse(
      event.createOn.endsWith('Z') || /[+-]\d\d:\d\d$/.test(event.createOn) ? event.createOn : `${event.createOn}Z`,
    );
    if (Number.isNaN(created) || clock() - created > settings.maxAgeSeconds * 1000) {
      throw ReceiverError.of(
        'UNAUTHORIZED',
        'The DocSpace event is older than DOCSPACE_WEBHOOK_MAX_AGE_SECONDS allows.',
      );
    }

    // 3. One job per DocSpace event: a retry or duplicate finds the job already there.
    const receivedAt = new Date(clock()).toISOString();
    const data: RoomFileJobData = {
      eventId: event.id,
      trigger,
      createdOn: event.createOn,
      file: {
        id: payload.id,
        title: payload.title,
        folderId: payload.parentId,
        ...(payload.createBy === undefined ? {} : { createdBy: payload.createBy }),
      },
      receivedAt,
    };
    const jobId = roomFileJobId(event.id);
    const job = await queue.add(ROOM_FILE_JOB_NAME, data, { ...roomFileJobOptions(), jobId });
    const duplicate = job.data.receivedAt !== receivedAt;
    req.log.info(
      { reqId: req.id, eventId: event.id, fileId: payload.id, jobId, duplicate },
      'docspace delivery accepted',
    );
    return reply.code(202).send({ status: 'accepted', jobId, duplicate });
  });
};
