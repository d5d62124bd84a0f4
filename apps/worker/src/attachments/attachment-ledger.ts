import type { RedisClient } from '@ticket-rooms/core';
import { z } from 'zod';

/** What the room holds for one attachment: the DocSpace file and the title DocSpace gave it. */
export const CopiedFile = z.object({ fileId: z.number().int(), title: z.string(), size: z.number().int() });
export type CopiedFile = z.infer<typeof CopiedFile>;

const SKIPPED_NOTE = 'skipped-note';

/**
 * The ticket ledger's attachment record: one Redis hash per ticket beside the ticket's entry,
 * attachment id → DocSpace file. It has no expiry, like the entry, so a redelivery months later
 * still finds the copy. Kept apart so a ticket with hundreds of files does not grow the entry
 * every stage reads.
 */
export class AttachmentLedger {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  keyOf(ticketKey: string): string {
    return `${this.prefix}:attachments:${ticketKey}`;
  }

  async copied(ticketKey: string, attachmentId: string): Promise<CopiedFile | undefined> {
    const raw = await this.redis.hget(this.keyOf(ticketKey), `att:${attachmentId}`);
    if (raw === null) return undefined;
    const parsed = CopiedFile.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`the attachment record of ${attachmentId} on ${ticketKey} is corrupt`);
    return parsed.data;
  }

  /** Every attachment id already copied, with its file. */
  async all(ticketKey: string): Promise<Map<string, CopiedFile>> {
    const raw = await this.redis.hgetall(this.keyOf(ticketKey));
    const out = new Map<string, CopiedFile>();
    for (const [field, value] of Object.entries(raw)) {
      if (!field.startsWith('att:')) continue;
      const parsed = CopiedFile.safeParse(JSON.parse(value));
      if (parsed.success) out.set(field.slice(4), parsed.data);
    }
    return out;
  }

  async record(ticketKey: string, attachmentId: string, file: CopiedFile): Promise<void> {
    await this.redis.hset(this.keyOf(ticketKey), `att:${attachmentId}`, JSON.stringify(file));
  }

  /** Claims the ticket's one note about skipped files; false when an earlier job already has. */
  async claimSkippedNote(ticketKey: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keyOf(ticketKey), SKIPPED_NOTE, 'pending')) === 1;
  }

  async skippedNoteDone(ticketKey: string, noteId: string): Promise<void> {
    await this.redis.hset(this.keyOf(ticketKey), SKIPPED_NOTE, noteId);
  }

  async releaseSkippedNote(ticketKey: string): Promise<void> {
    await this.redis.hdel(this.keyOf(ticketKey), SKIPPED_NOTE);
  }
}
