import { z } from 'zod';
import { type Source, TicketEvent } from './ticket-event';

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
  notes: {
    zendesk: 'notes-zendesk',
    freshdesk: 'notes-freshdesk',
    jira: 'notes-jira',
  },
} as const;
export type NotesQueueName = (typeof QUEUE_NAMES.notes)[keyof typeof QUEUE_NAMES.notes];
export type QueueName = typeof QUEUE_NAMES.rooms | NotesQueueName;

/** Every queue the service uses, for the dashboard and the metrics. */
export const ALL_QUEUE_NAMES: readonly QueueName[] = [QUEUE_NAMES.rooms, ...Object.values(QUEUE_NAMES.notes)];

/** The write-back queue of a source; `generic` deliveries have no helpdesk to write back to. */
export function notesQueueFor(source: Source): NotesQueueName | undefined {
  return source === 'generic' ? undefined : QUEUE_NAMES.notes[source];
}

/** Default key prefix. Wrapped in `{…}` it becomes a Redis Cluster hash tag. */
export const DEFAULT_QUEUE_PREFIX = 'ticket-rooms';

export const RoomJobData = z.object({ event: TicketEvent });
export type RoomJobData = z.infer<typeof RoomJobData>;
export const ROOM_JOB_NAME = 'ticket.created';

export const NoteJobData = z.object({
  key: z.string(),
  event: TicketEvent,
  room: z.object({ id: z.number(), title: z.string(), url: z.string() }),
});
export type NoteJobData = z.infer<typeof NoteJobData>;
export const NOTE_JOB_NAME = 'note.post';

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
