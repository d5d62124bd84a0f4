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
