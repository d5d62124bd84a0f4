import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Source } from './ticket-event';

/** The queue of DocSpace's own deliveries: which ticket a file belongs to is worked out there. */
export const ROOM_FILES_QUEUE = 'room-files';
/** The job name of a file that appeared in a room. */
export const ROOM_FILE_JOB_NAME = 'room.file_added';

/** The DocSpace triggers that mean "a file appeared": created in the editor, or uploaded. */
export const ROOM_FILE_TRIGGERS = ['file.created', 'file.uploaded'] as const;

/** `WebhookPayload<File, int>` as DocSpace sends it (camel-cased); only what we read. */
export const DocspaceWebhookPayload = z.object({
  event: z.object({
    id: z.number().int().positive(),
    createOn: z.string(),
    createBy: z.string().optional(),
    trigger: z.string(),
  }),
  payload: z
    .object({
      id: z.number().int().positive(),
      title: z.string().min(1).max(1_000),
      parentId: z.number().int().positive(),
      createBy: z.string().optional(),
    })
    .passthrough(),
});
export type DocspaceWebhookPayload = z.infer<typeof DocspaceWebhookPayload>;

/** A file that appeared in some DocSpace folder; the worker decides whether it is a finding. */
export const RoomFileJobData = z.object({
  eventId: z.number().int().positive(),
  trigger: z.enum(ROOM_FILE_TRIGGERS),
  createdOn: z.string(),
  file: z.object({
    id: z.number().int().positive(),
    title: z.string(),
    folderId: z.number().int().positive(),
    createdBy: z.string().optional(),
  }),
  receivedAt: z.string(),
});
export type RoomFileJobData = z.infer<typeof RoomFileJobData>;

/** One job per DocSpace event (its journal id, which every retry carries). */
export function roomFileJobId(eventId: number): string {
  return `room-file-${eventId}`;
}

/** Options of a room-file job: retried through DocSpace outages, kept a week as a duplicate guard. */
export function roomFileJobOptions() {
  return {
    attempts: 300,
    backoff: { type: 'vendor' as const },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false as const,
  };
}

/**
 * Checks `x-docspace-signature-256` (`sha256=` and the HMAC-SHA256 of the raw body as hex; the
 * server writes it upper-case) against each secret, so keys can be rotated. False for any
 * sender mistake; it never throws.
 */
export function verifyDocspaceSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): boolean {
  if (header === undefined) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1], 'hex');
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** A short stable hash of file ids: the read-back marker of a findings note. */
export function fileIdsDigest(ids: readonly number[]): string {
  return createHash('sha256')
    .update([...ids].sort((a, b) => a - b).join(','))
    .digest('hex')
    .slice(0, 16);
}

/** The notes-queue job that posts one findings batch of a ticket (a name the room notes never use). */
export const FINDINGS_NOTE_JOB_NAME = 'findings.note';

/** Which ticket's batch a findings note posts; the files themselves stay in Redis with the batch. */
export const FindingsNoteJobData = z.object({
  key: z.string().min(1),
  ticket: z.object({ source: Source, tenant: z.string(), ticketId: z.string() }),
  batchId: z.string().regex(/^\d+$/),
});
export type FindingsNoteJobData = z.infer<typeof FindingsNoteJobData>;

/** One note job per batch of a ticket, however many files join it or how often they are redelivered. */
export function findingsNoteJobId(key: string, batchId: string): string {
  return `findings-${key}-${batchId}`;
}
