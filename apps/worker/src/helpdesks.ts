import { type FetchLike, QUEUE_NAMES } from '@ticket-rooms/core';
import { type AttachmentReader, type NoteWriter, WRITE_BACK_HELPDESKS } from '@ticket-rooms/helpdesk';
import type { WorkerConfig, WriteBackVendor } from './config/config';

export interface HelpdeskWriterOptions {
  /** The counted, pooled fetch of one vendor. */
  fetchFor(vendor: WriteBackVendor): FetchLike;
  /** Per-request timeout of the write-back calls; each writer's default when unset. */
  timeoutMs?: number;
}

/**
 * One note writer per helpdesk in the registry that has a notes queue; `undefined` where its
 * write-back variables are not set, so its notes fail visibly instead of silently.
 */
export function createHelpdeskWriters(
  config: Pick<WorkerConfig, 'helpdesk'>,
  opts: HelpdeskWriterOptions,
): Record<WriteBackVendor, NoteWriter | undefined> {
  const writers = {} as Record<WriteBackVendor, NoteWriter | undefined>;
  for (const vendor of Object.keys(QUEUE_NAMES.notes) as WriteBackVendor[]) {
    const helpdesk = WRITE_BACK_HELPDESKS.find((h) => h.source === vendor);
    const settings = config.helpdesk[vendor];
    writers[vendor] =
      helpdesk && settings
        ? helpdesk.writeBack.createWriter(settings, {
            fetch: opts.fetchFor(vendor),
            ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
          })
        : undefined;
  }
  return writers;
}

/**
 * One attachment reader per helpdesk whose adapter has one and whose write-back variables are
 * set (the same credentials read the files); a vendor missing here gets no attachments copied.
 */
export function createAttachmentReaders(
  config: Pick<WorkerConfig, 'helpdesk'>,
  opts: HelpdeskWriterOptions,
): Partial<Record<WriteBackVendor, AttachmentReader>> {
  const readers: Partial<Record<WriteBackVendor, AttachmentReader>> = {};
  for (const vendor of Object.keys(QUEUE_NAMES.notes) as WriteBackVendor[]) {
    const helpdesk = WRITE_BACK_HELPDESKS.find((h) => h.source === vendor);
    const settings = config.helpdesk[vendor];
    const create = helpdesk?.writeBack.createAttachmentReader;
    if (!create || !settings) continue;
    readers[vendor] = create(settings, {
      fetch: opts.fetchFor(vendor),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
  }
  return readers;
}
