import { NOTE_JOB_NAME, QUEUE_NAMES, roomJobOptions, ticketKey } from '@ticket-rooms/core';
import { createZendeskWriter } from '@ticket-rooms/helpdesk';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { testRedisUrl } from '@ticket-rooms/testkit';
import { Job, type Queue, Worker } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerMetrics } from '../src/metrics/metrics';
import { createNoteProcessor } from '../src/pipeline/note-processor';
import { DEFAULT_RETRY_POLICY } from '../src/pipeline/retry-policy';
import { createRoomProcessor } from '../src/pipeline/room-processor';
import type { RunnerDeps } from '../src/pipeline/runner';
import { routingOf } from '../src/routing/routing';
import type { DocspacePort, RoomSettings } from '../src/stages/context';
import { Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';
import { type Helpdesks, notesOn, startHelpdesks } from './support/helpdesks';

const SETTINGS: RoomSettings = {
  type: 2,
  titleTemplate: '{subject}',
  folders: [],
  share: [],
  options: {},
  lifecycle: { archiveOn: new Set(), rename: false, onDeleted: 'keep', createOnUpdate: false },
};

/** What a lane's processor needs, for calling it by hand on a job another worker object holds. */
function laneDeps(pipeline: Pipeline, queue: Queue, over: Partial<RunnerDeps> & Pick<RunnerDeps, 'queueOf'>) {
  return {
    queue: queue.name,
    ledger: pipeline.ledger,
    metrics: new WorkerMetrics({ defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
    policy: DEFAULT_RETRY_POLICY,
    rateLimit: async () => {},
    docspace: {} as DocspacePort,
    routing: routingOf(SETTINGS),
    helpdeskOf: () => undefined,
    stopping: () => false,
    lockDurationMs: 5_000,
    jobKeys: (id: string) => ({
      job: queue.toKey(id),
      events: queue.keys.events as string,
      meta: queue.keys.meta as string,
      stalled: queue.keys.stalled as string,
    }),
    ...over,
  } satisfies RunnerDeps;
}

describe('pipelines by job kind, over a typed ledger', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('pipelines').ready();
    await pipeline.startWorker(pipeline.config(docspace));
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('fails a ticket whose ledger is corrupt with a reason naming the field, and goes on with others', async () => {
    const broken = ticketEvent('generic');
    // A hand edit left the room field as something the room stage never writes.
    await pipeline.redis.hset(pipeline.ledger.keyOf(broken), {
      key: ticketKey(broken),
      source: 'generic',
      tenant: broken.tenant,
      ticketId: broken.ticketId,
      'stage:room': 'done',
      room: JSON.stringify({ id: 'one thousand', title: 'x' }),
    });
    await expect(pipeline.ledger.read(broken)).rejects.toThrow(/field room does not match its schema at id/);
    await pipeline.add(broken);
    await expect(pipeline.finished(broken)).rejects.toThrow(/ledger of ticket .* is corrupt: field room/);
    const job = await Job.fromId(pipeline.rooms, ticketKey(broken));
    expect(job?.attemptsMade).toBe(1);
    expect((await roomsOf(pipeline.reader(docspace), broken)).rooms).toHaveLength(0);

    // The worker itself is fine: the next ticket gets its room.
    const healthy = ticketEvent('generic');
    await pipeline.add(healthy);
    await pipeline.finished(healthy);
    expect((await roomsOf(pipeline.reader(docspace), healthy)).rooms).toHaveLength(1);
  });

  it('dispatches on the job name and fails a kind it has no pipeline for, naming it', async () => {
    const event = ticketEvent('generic');
    await pipeline.rooms.add(
      'ticket.teleported' as 'ticket.created',
      { event },
      { ...roomJobOptions(), jobId: 'odd-kind-1' },
    );
    const job = await Job.fromId(pipeline.rooms, 'odd-kind-1');
    await expect(job?.waitUntilFinished(pipeline.roomEvents, 30_000)).rejects.toThrow(
      'no pipeline for job kind "ticket.teleported" in this worker',
    );
    expect((await roomsOf(pipeline.reader(docspace), event)).rooms).toHaveLength(0);
  });

  it('shows each stage as step N of the pipeline in Bull Board', async () => {
    const event = ticketEvent('generic');
    await pipeline.add(event);
    await pipeline.finished(event);
    const job = await Job.fromId(pipeline.rooms, ticketKey(event));
    // A generic ticket has no notes queue, so its note stage (skipped) ran last in this job.
    expect(job?.progress).toEqual({
      stage: 'helpdesk',
      step: 8,
      of: 8,
      done: ['route', 'room', 'folders', 'share', 'link'],
    });
  });
});

describe('the note stage without its lock', () => {
  let helpdesks: Helpdesks;
  let pipeline: Pipeline;

  beforeAll(async () => {
    helpdesks = await startHelpdesks();
    pipeline = await new Pipeline('note-lock').ready();
  });
  afterAll(async () => {
    await pipeline.close();
    await helpdesks.close();
  });

  it('posts nothing when the worker no longer owns the job', async () => {
    const event = ticketEvent('zendesk');
    const queue = QUEUE_NAMES.notes.zendesk;
    const env = helpdesks.env();
    const writer = createZendeskWriter({
      baseUrl: env.ZENDESK_URL as string,
      email: env.ZENDESK_EMAIL as string,
      apiToken: env.ZENDESK_API_TOKEN as string,
    });
    const process = createNoteProcessor(
      laneDeps(pipeline, pipeline.notes[queue], {
        helpdeskOf: () => ({ vendor: 'zendesk', writer, variables: [] }),
        queueOf: (lane) => (lane === 'docspace' ? QUEUE_NAMES.rooms : queue),
      }),
    );
    await pipeline.notes[queue].add(
      NOTE_JOB_NAME,
      { key: ticketKey(event), event, room: { id: 1, title: 'Room', url: 'https://portal.test/r/1' } },
      { ...roomJobOptions(), jobId: 'lock-lost-1' },
    );
    // Another worker holds the job's lock: this one's token is not the owner's.
    const owner = new Worker(queue, null, {
      connection: { url: testRedisUrl() },
      prefix: pipeline.prefix,
      autorun: false,
    });
    try {
      const job = await owner.getNextJob('the-owners-token');
      if (!job) throw new Error('no note job to take');
      await expect(process(job, 'a-stale-token')).rejects.toThrow(/lost the lock of job lock-lost-1/);
      expect(await notesOn(helpdesks, 'zendesk', event.ticketId).catch(() => [])).toHaveLength(0);
      // With the owner's token the same job posts its one note.
      await process(job, 'the-owners-token');
      expect(await notesOn(helpdesks, 'zendesk', event.ticketId)).toHaveLength(1);
    } finally {
      await owner.close();
      await writer.close();
    }
  });
});

describe('the room lane losing its lock between two stages', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('room-lock').ready();
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('creates no folder once another worker holds the job, though the room was made under its lock', async () => {
    const event = ticketEvent('generic');
    const queue = pipeline.rooms;
    const client = pipeline.reader(docspace);
    const jobId = ticketKey(event);
    // Right after DocSpace made the room, another worker takes the job over (its lock changes hands).
    const port: DocspacePort = Object.assign(Object.create(client) as DocspacePort, {
      createRoom: async (input: Parameters<DocspacePort['createRoom']>[0]) => {
        const room = await client.createRoom(input);
        await pipeline.redis.set(`${queue.toKey(jobId)}:lock`, 'another-workers-token', 'PX', 5_000);
        return room;
      },
    });
    const process = createRoomProcessor({
      ...laneDeps(pipeline, queue, {
        docspace: port,
        queueOf: (lane) => (lane === 'docspace' ? QUEUE_NAMES.rooms : undefined),
      }),
      routing: routingOf({ ...SETTINGS, folders: [{ path: 'Logs', title: 'Logs', parent: undefined }] }),
      notesQueues: pipeline.notes,
    });
    await pipeline.add(event);
    const owner = new Worker(QUEUE_NAMES.rooms, null, {
      connection: { url: testRedisUrl() },
      prefix: pipeline.prefix,
      autorun: false,
    });
    try {
      const job = await owner.getNextJob('the-first-owners-token');
      if (!job) throw new Error('no room job to take');
      await expect(process(job, 'the-first-owners-token')).rejects.toThrow(/lost the lock of job/);
      // The room exists (it was made under the lock), and nothing was made in it after the lock was gone.
      const { rooms, folders } = await roomsOf(client, event);
      expect(rooms).toHaveLength(1);
      expect(folders).toEqual([]);
      expect((await pipeline.ledgerOf(event))?.room?.origin).toBe('created');
    } finally {
      await owner.close();
    }
  });
});
