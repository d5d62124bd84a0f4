import {
  type Env,
  jobSpecOf,
  NOTE_JOB_NAME,
  type NotesQueueName,
  notesQueueFor,
  QUEUE_NAMES,
  ROOM_JOB_NAME,
  type RoomJobData,
  recordDesired,
  roomJobOptions,
  roomTag,
  type Source,
  type TicketEvent,
  type TicketStatus,
  ticketKey,
} from '@ticket-rooms/core';
import { createDocspaceClient, type DocspaceClient, type Folder, type Room } from '@ticket-rooms/docspace-client';
import { createDocspaceSimulator, type DocspaceSimulator } from '@ticket-rooms/simulators';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadWorkerConfig, type WorkerConfig } from '../../src/config/config';
import type { LedgerEntry } from '../../src/ledger/entry';
import { Ledger } from '../../src/ledger/ledger';
import { noteJobId } from '../../src/pipeline/room-processor';
import { type RunningWorker, type StartWorkerOptions, startWorker } from '../../src/worker';

/** Short delays so retries happen within a test; the shape of the policy is unchanged. */
export const FAST_RETRIES: StartWorkerOptions['retryPolicy'] = {
  baseMs: 200,
  capMs: 1_000,
  rateLimitBaseMs: 100,
  rateLimitCapMs: 500,
};

let ticketCounter = 0;

/** A ticket id unique to this run, in the vendor's shape: a number, or a Jira issue key. */
export function newTicketId(source: Source): string {
  ticketCounter += 1;
  const n = String((Date.now() % 100_000_000) * 100 + (ticketCounter % 100));
  return source === 'jira' ? `SD-${n}` : n;
}

/** A normalized ticket event as the receiver would enqueue it, unique per call. */
export function ticketEvent(source: Source, over: Partial<TicketEvent> = {}): TicketEvent {
  const ticketId = over.ticketId ?? newTicketId(source);
  return {
    kind: 'ticket.created',
    source,
    tenant: source === 'generic' ? 'default' : `${source}-tenant`,
    ticketId,
    subject: `Printer on fire ${ticketId}`,
    deliveryId: `delivery-${ticketId}`,
    receivedAt: new Date().toISOString(),
    ...over,
  };
}

let updateCounter = 0;

/** A later event of the same ticket: a status change, at the given vendor time. */
export function statusEvent(ticket: TicketEvent, status: TicketStatus | string, at: string): TicketEvent {
  updateCounter += 1;
  return {
    ...ticket,
    kind: status === 'deleted' ? 'ticket.deleted' : 'ticket.status_changed',
    status,
    changed: ['status'],
    occurredAt: at,
    deliveryId: `status-${ticket.ticketId}-${updateCounter}`,
    receivedAt: new Date().toISOString(),
  };
}

/** A later event of the same ticket: a subject change, at the given vendor time. */
export function subjectEvent(ticket: TicketEvent, subject: string, at: string): TicketEvent {
  updateCounter += 1;
  return {
    ...ticket,
    kind: 'ticket.subject_changed',
    subject,
    changed: ['subject'],
    occurredAt: at,
    deliveryId: `subject-${ticket.ticketId}-${updateCounter}`,
    receivedAt: new Date().toISOString(),
  };
}

/**
 * One test's view of the pipeline: its own queue prefix on the run's Redis, producer-side queues
 * and queue events, the ledger, and a DocSpace client to read the simulator back.
 */
export class Pipeline {
  readonly prefix: string;
  readonly redis: Redis;
  readonly rooms: Queue<RoomJobData>;
  readonly roomEvents: QueueEvents;
  readonly notes: Record<NotesQueueName, Queue>;
  readonly noteEvents: Record<NotesQueueName, QueueEvents>;
  readonly ledger: Ledger;
  private readonly workers: RunningWorker[] = [];
  private readonly readers: DocspaceClient[] = [];

  constructor(label = 'worker') {
    this.prefix = testPrefix(label);
    const connection = { url: testRedisUrl() };
    this.redis = new Redis(testRedisUrl());
    this.rooms = new Queue(QUEUE_NAMES.rooms, { connection, prefix: this.prefix });
    // Tests add many jobs at once; each waits on the queue's readiness.
    this.rooms.setMaxListeners(1_000);
    this.roomEvents = new QueueEvents(QUEUE_NAMES.rooms, { connection, prefix: this.prefix });
    this.notes = {} as Record<NotesQueueName, Queue>;
    this.noteEvents = {} as Record<NotesQueueName, QueueEvents>;
    for (const name of Object.values(QUEUE_NAMES.notes)) {
      this.notes[name] = new Queue(name, { connection, prefix: this.prefix });
      this.noteEvents[name] = new QueueEvents(name, { connection, prefix: this.prefix });
    }
    this.ledger = new Ledger(this.redis, this.prefix);
  }

  async ready(): Promise<this> {
    await Promise.all([this.roomEvents, ...Object.values(this.noteEvents)].map((e) => e.waitUntilReady()));
    return this;
  }

  /** The worker's environment for these simulators and this prefix. */
  env(docspace: DocspaceSimulator, extra: Env = {}): Env {
    return {
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: this.prefix,
      DOCSPACE_URL: docspace.baseUrl,
      DOCSPACE_API_KEY: docspace.apiKey,
      DOCSPACE_TIMEOUT_MS: '1000',
      WORKER_METRICS_PORT: '0',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'silent',
      ...extra,
    };
  }

  config(docspace: DocspaceSimulator, extra: Env = {}): Readonly<WorkerConfig> {
    return loadWorkerConfig(this.env(docspace, extra));
  }

  async startWorker(config: Readonly<WorkerConfig>, opts: StartWorkerOptions = {}): Promise<RunningWorker> {
    const worker = await startWorker(config, {
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      retryPolicy: FAST_RETRIES,
      metricsServer: false,
      helpdeskTimeoutMs: 1_000,
      ...opts,
    });
    this.workers.push(worker);
    return worker;
  }

  /** Adds the room job exactly as the receiver does. */
  async add(event: TicketEvent): Promise<Job<RoomJobData>> {
    return this.rooms.add(ROOM_JOB_NAME, { event }, { ...roomJobOptions(), jobId: ticketKey(event) });
  }

  /**
   * Sends any event of a ticket as the receiver does: what it says is recorded in the ledger, then
   * its job is added under the catalogue's name and id for its kind.
   */
  async send(event: TicketEvent): Promise<Job<RoomJobData>> {
    const spec = jobSpecOf(event.kind);
    if (event.changed?.length) await recordDesired(this.redis, this.prefix, event);
    return this.rooms.add(event.kind, { event }, { ...spec.options(), jobId: spec.jobId(event) });
  }

  /** Sends the event and waits for its job to finish; rejects with its failed reason if it failed. */
  async sendAndWait(event: TicketEvent, ttlMs = 30_000): Promise<unknown> {
    const job = await this.send(event);
    return job.waitUntilFinished(this.roomEvents, ttlMs);
  }

  /** Waits for the room job to finish; rejects with its failed reason if it failed. */
  async finished(event: TicketEvent, ttlMs = 30_000): Promise<unknown> {
    const job = await Job.fromId(this.rooms, ticketKey(event));
    if (!job) throw new Error(`no room job for ${ticketKey(event)}`);
    return job.waitUntilFinished(this.roomEvents, ttlMs);
  }

  /** Waits for the room job, then for the note job it queued. */
  async noteFinished(event: TicketEvent, ttlMs = 30_000): Promise<unknown> {
    await this.finished(event, ttlMs);
    const name = notesQueueFor(event.source);
    if (!name) throw new Error(`${event.source} tickets have no notes queue`);
    const job = await Job.fromId(this.notes[name], noteJobId(ticketKey(event)));
    if (!job) throw new Error(`no note job for ${ticketKey(event)}`);
    return job.waitUntilFinished(this.noteEvents[name], ttlMs);
  }

  /** Adds a note job directly, as the rooms worker would have (`roomMadeIn`: it made the room then). */
  async addNote(
    event: TicketEvent,
    room: { id: number; title: string; url: string },
    roomMadeIn?: string,
  ): Promise<Job> {
    const name = notesQueueFor(event.source);
    if (!name) throw new Error(`${event.source} tickets have no notes queue`);
    const key = ticketKey(event);
    const data = { key, event, room, ...(roomMadeIn === undefined ? {} : { roomMadeIn }) };
    return this.notes[name].add(NOTE_JOB_NAME, data, { ...roomJobOptions(), jobId: noteJobId(key) });
  }

  async ledgerOf(event: TicketEvent): Promise<LedgerEntry | undefined> {
    return this.ledger.read(event);
  }

  /** A DocSpace client for reading the simulator back through its own API. */
  reader(docspace: DocspaceSimulator): DocspaceClient {
    const client = createDocspaceClient({ baseUrl: docspace.baseUrl as string, apiKey: docspace.apiKey });
    this.readers.push(client);
    return client;
  }

  /** Stops the in-process workers this pipeline started, keeping its queues. */
  async closeWorkers(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.close()));
  }

  async close(): Promise<void> {
    await this.closeWorkers();
    await Promise.all(this.readers.map((r) => r.close()));
    await Promise.all([this.rooms, ...Object.values(this.notes)].map((q) => q.close()));
    await Promise.all([this.roomEvents, ...Object.values(this.noteEvents)].map((e) => e.close()));
    await this.redis.quit();
  }
}

export async function startDocspace(opts: Parameters<typeof createDocspaceSimulator>[0] = {}) {
  const sim = await createDocspaceSimulator(opts);
  await sim.listen({ port: 0, host: '127.0.0.1' });
  return sim;
}

/** What DocSpace holds for a ticket, read through its API: the rooms with its tag and their folders. */
export async function roomsOf(
  reader: DocspaceClient,
  event: TicketEvent,
): Promise<{ rooms: Room[]; folders: Folder[]; byTitle: Room[] }> {
  const rooms = await reader.findRoomsByTag(roomTag(event), { includeArchived: true });
  const folders = rooms[0] ? await reader.listFolders(rooms[0].id) : [];
  const byTitle = rooms[0] ? await reader.findRoomsByTitle(rooms[0].title) : [];
  return { rooms, folders, byTitle };
}

/** Who DocSpace says is in a room, read through its own API: subject id → access. */
export async function membersOf(docspace: DocspaceSimulator, roomId: number): Promise<Record<string, number>> {
  const res = await fetch(`${docspace.baseUrl}/api/2.0/files/rooms/${roomId}/share`, {
    headers: { authorization: `Bearer ${docspace.apiKey}` },
  });
  const body = (await res.json()) as { response: Array<{ access: number; sharedTo: { id: string } }> };
  return Object.fromEntries(body.response.map((m) => [m.sharedTo.id, m.access]));
}
