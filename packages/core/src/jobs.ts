import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ROOM_FILES_QUEUE } from './room-file';
import { type EventKind, type Source, TicketEvent, WriteBackSource } from './ticket-event';
import { ticketKey } from './ticket-key';

/**
 * The job catalogue shared by the receiver (producer) and the worker (consumer).
 *
 * DocSpace work and helpdesk write-backs are separate queues so that a 429 or an outage at one
 * never holds up the other: BullMQ rate limits are per queue.
 */
export const QUEUE_NAMES = {
  /** DocSpace stages: room, folders, share, link. */
  rooms: 'rooms',
  /** Helpdesk write-backs, one queue per vendor so one vendor's 429 does not hold up another. */
  notes: Object.fromEntries(WriteBackSource.options.map((source) => [source, `notes-${source}`])) as {
    readonly [S in WriteBackSource]: `notes-${S}`;
  },
  /**
   * Copies of ticket attachments into rooms: one small job per file (and one job per event that
   * lists what is new), so a ticket with a hundred files never holds a rooms worker for minutes.
   */
  attachments: 'attachments',
  /** DocSpace's own deliveries of files added to rooms: findings to note on their tickets. */
  roomFiles: ROOM_FILES_QUEUE,
} as const;
export type NotesQueueName = (typeof QUEUE_NAMES.notes)[keyof typeof QUEUE_NAMES.notes];
export type QueueName =
  | typeof QUEUE_NAMES.rooms
  | NotesQueueName
  | typeof QUEUE_NAMES.attachments
  | typeof QUEUE_NAMES.roomFiles;

/** Every queue the service uses, for the dashboard and the metrics. */
export const ALL_QUEUE_NAMES: readonly QueueName[] = [
  QUEUE_NAMES.rooms,
  ...Object.values(QUEUE_NAMES.notes),
  QUEUE_NAMES.attachments,
  QUEUE_NAMES.roomFiles,
];

/** The write-back queue of a source; `undefined` for a source with no helpdesk to write back to. */
export function notesQueueFor(source: Source): NotesQueueName | undefined {
  const parsed = WriteBackSource.safeParse(source);
  return parsed.success ? QUEUE_NAMES.notes[parsed.data] : undefined;
}

/** Default key prefix. Wrapped in `{…}` it becomes a Redis Cluster hash tag. */
export const DEFAULT_QUEUE_PREFIX = 'ticket-rooms';

export const RoomJobData = z.object({ event: TicketEvent });
export type RoomJobData = z.infer<typeof RoomJobData>;
/** The rooms-queue job name of a ticket's creation; every job's name is its event kind. */
export const ROOM_JOB_NAME = 'ticket.created' satisfies EventKind;

export const NoteJobData = z.object({
  key: z.string(),
  event: TicketEvent,
  room: z.object({ id: z.number(), title: z.string(), url: z.string() }),
  /**
   * Set when the room job that queued this note created the room itself, in the same run: the
   * Redis server's run id at the time. While Redis still runs as that server (nothing it held was
   * lost since), the note job's first start cannot follow an earlier attempt that posted.
   */
  roomMadeIn: z.string().optional(),
});
export type NoteJobData = z.infer<typeof NoteJobData>;
export const NOTE_JOB_NAME = 'note.post';

/** Lists the ticket's attachments and queues a copy of each one not in its room yet. */
export const AttachmentSyncJobData = z.object({ key: z.string(), event: TicketEvent });
export type AttachmentSyncJobData = z.infer<typeof AttachmentSyncJobData>;
export const ATTACHMENT_SYNC_JOB_NAME = 'attachments.sync';

/**
 * Copies one attachment. It names the file by the vendor's id and never carries its URL: those
 * hold tokens or expire, so the copy asks the helpdesk for a fresh one.
 */
export const AttachmentCopyJobData = z.object({
  key: z.string(),
  event: TicketEvent,
  attachment: z.object({
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(1_000),
    size: z.number().int().min(0),
    contentType: z.string().max(300).optional(),
  }),
});
export type AttachmentCopyJobData = z.infer<typeof AttachmentCopyJobData>;
export const ATTACHMENT_COPY_JOB_NAME = 'attachment.copy';

/** One sync per delivery (a creation is one per ticket), so a redelivery lists nothing twice. */
export function attachmentSyncJobId(key: string, event: TicketEvent): string {
  return event.kind === 'ticket.created'
    ? `att-sync-${key}`
    : `att-sync-${key}-${createHash('sha256').update(event.deliveryId).digest('hex').slice(0, 16)}`;
}

/** One copy job per attachment of a ticket, however many events list it. */
export function attachmentCopyJobId(key: string, attachmentId: string): string {
  return `att-${key}-${createHash('sha256').update(attachmentId).digest('hex').slice(0, 16)}`;
}

/** Redis key of a ticket's ledger (room id, folders, link, note, stage states). */
export function ledgerKey(prefix: string, key: string): string {
  return `${prefix}:ledger:${key}`;
}

/**
 * The options of every room job, in one place so the receiver (which adds the job) and the worker
 * (which registers the `vendor` backoff strategy) cannot drift apart.
 *
 * - `attempts: 300` with the worker's `vendor` backoff (capped, honours `Retry-After`) rides out
 *   a DocSpace outage of several hours; bad credentials fail at once through `UnrecoverableError`.
 * - Completed jobs stay for 7 days: the job id is the ticket key, so the job itself is a second
 *   duplicate guard well past the senders' 72-hour retry horizon.
 * - Failed jobs are never removed, so operators see every exhausted ticket and its reason.
 */
export function roomJobOptions(): {
  attempts: number;
  backoff: { type: 'vendor' };
  removeOnComplete: { age: number };
  removeOnFail: false;
} {
  return {
    attempts: 300,
    backoff: { type: 'vendor' },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  };
}

/** How the job of one event kind is queued. */
export interface JobSpec {
  queue: typeof QUEUE_NAMES.rooms;
  /**
   * The job id of a delivery, which is also what its dedupe marker is keyed by: what makes a
   * delivery unique for its kind. A creation is unique per ticket (one room, however often it is
   * sent); later kinds are unique per vendor event. `key` is the event's `ticketKey`, for a
   * caller that already has it (it costs a hash).
   */
  jobId(event: TicketEvent, key?: string): string;
  /**
   * Whether a ledger entry for the ticket shows this delivery was already handled after its
   * marker's job is gone: true for a creation (the ledger exists once its room does).
   */
  ledgerSettlesIt: boolean;
  options(): ReturnType<typeof roomJobOptions>;
}

/**
 * The job catalogue: for each event kind, its queue, its job id and dedupe rule, and its options.
 * The payload of every kind is `RoomJobData` (the normalized ticket event), and the job's name is
 * the kind, which the worker dispatches on to the kind's pipeline. The compiler asks for an entry
 * here, and a pipeline in the worker, for every kind in `EventKind`.
 */
export const JOB_CATALOGUE = {
  'ticket.created': {
    queue: QUEUE_NAMES.rooms,
    jobId: (event, key = ticketKey(event)) => key,
    ledgerSettlesIt: true,
    options: roomJobOptions,
  },
  'ticket.status_changed': updateSpec('status'),
  'ticket.subject_changed': updateSpec('subject'),
  'ticket.deleted': updateSpec('deleted'),
  // Every repair request is its own job (its delivery id is the request's), so a second repair
  // runs again rather than finding the first one's completed job.
  'ticket.repair': updateSpec('repair'),
  'ticket.attachment_added': updateSpec('attachment'),
} as const satisfies Record<EventKind, JobSpec>;

/** The catalogue entry of an event's kind. */
export function jobSpecOf(kind: EventKind): JobSpec {
  return JOB_CATALOGUE[kind];
}

/**
 * A later event of a ticket is unique per vendor event (its delivery id: the helpdesk's event or
 * webhook identifier), not per ticket, so every change gets its job; a redelivery of
 * the same event maps to the same job. The id keeps the ticket key first, so an operator finds a
 * ticket's jobs together.
 */
function updateSpec(tag: string): JobSpec {
  return {
    queue: QUEUE_NAMES.rooms,
    jobId: (event, key = ticketKey(event)) =>
      `${key}-${tag}-${createHash('sha256').update(event.deliveryId).digest('hex').slice(0, 16)}`,
    ledgerSettlesIt: false,
    options: roomJobOptions,
  };
}
