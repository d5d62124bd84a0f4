import { z } from 'zod';
import { TicketEvent } from './ticket-event';

/**
 * The job catalogue shared by the receiver (producer) and the worker (consumer).
 *
 * DocSpace work and helpdesk write-backs are separate queues so that a 429 or an outage at one
 * never holds up the other: BullMQ rate limits are per queue.
 */
export const QUEUE_NAMES = {
  rooms: 'rooms',
  notes: 'notes',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

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
