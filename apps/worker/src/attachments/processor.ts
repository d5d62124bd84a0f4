import {
  ATTACHMENT_COPY_JOB_NAME,
  ATTACHMENT_SYNC_JOB_NAME,
  AttachmentCopyJobData,
  AttachmentSyncJobData,
  attachmentCopyJobId,
  type Logger,
  roomJobOptions,
  type Source,
} from '@ticket-rooms/core';
import { type DocspaceClient, type DocspaceFile, sanitizeFileTitle } from '@ticket-rooms/docspace-client';
import type { AttachmentReader, NoteWriter, TicketAttachment } from '@ticket-rooms/helpdesk';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Ledger } from '../ledger/ledger';
import { describeIssues } from '../pipeline/room-processor';
import type { AttachmentLedger, CopiedFile } from './attachment-ledger';
import { skippedFilesNote } from './skipped-note';

export interface AttachmentDeps {
  ledger: Ledger;
  copies: AttachmentLedger;
  docspace: Pick<DocspaceClient, 'listFiles' | 'uploadFile'>;
  readerOf(source: Source): AttachmentReader | undefined;
  writerOf(source: Source): NoteWriter | undefined;
  /** The attachments queue, to queue one copy job per file. */
  queue: Queue;
  /** The room folder the files go to (`ROOM_ATTACHMENTS_FOLDER`). */
  folderPath: string;
  /** Larger files are skipped (`ATTACHMENT_MAX_BYTES`). */
  maxBytes: number;
  logger: Logger;
}

export type AttachmentJobResult =
  | { queued: number; alreadyCopied: number; skipped: number }
  | { fileId: number; title: string; origin: 'uploaded' | 'found' | 'recorded' };

/** Whether `title` is what DocSpace makes of `name`: the name itself or `name (N).ext` beside a namesake. */
export function titleFits(title: string, name: string): boolean {
  const clean = sanitizeFileTitle(name);
  if (title === clean) return true;
  const dot = clean.lastIndexOf('.');
  const base = dot > 0 ? clean.slice(0, dot) : clean;
  const ext = dot > 0 ? clean.slice(dot) : '';
  return (
    title.startsWith(`${base} (`) &&
    title.endsWith(`)${ext}`) &&
    /^\d+$/.test(title.slice(base.length + 2, title.length - ext.length - 1))
  );
}

/**
 * The attachments queue's processor. A sync job lists the ticket's files at the helpdesk and
 * queues one copy job per file not in the room yet; a copy job streams one file from the helpdesk
 * into the room's attachments folder and records it, so each file is copied once however often
 * it is listed, retried or redelivered.
 */
export function createAttachmentProcessor(deps: AttachmentDeps) {
  /** The room's attachments folder, from the ticket ledger; the room job writes it before queuing a sync. */
  async function folderOf(job: Job, event: AttachmentSyncJobData['event']): Promise<number | undefined> {
    const entry = await deps.ledger.read(event);
    const folderId = entry?.folders?.[deps.folderPath];
    if (folderId !== undefined) return folderId;
    const folders = entry?.stages.folders;
    if (folders === 'done' || folders === 'skipped') {
      // The room's folders are made and this one is not among them (a routing rule with other
      // folders, an archived room): no retry would change that.
      await job.log(`the room has no ${deps.folderPath} folder (its folders stage is ${folders}): nothing copied`);
      return undefined;
    }
    // Not there yet (a sync queued before its room was made): a retry finds it.
    throw new Error(`the room of ${event.source} ticket ${event.ticketId} has no ${deps.folderPath} folder yet`);
  }

  async function sync(job: Job): Promise<AttachmentJobResult> {
    const parsed = AttachmentSyncJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${describeIssues(parsed.error)}`);
    const { key, event } = parsed.data;
    const reader = deps.readerOf(event.source);
    if (!reader) {
      await job.log(`no attachment reader for ${event.source}: nothing copied`);
      return { queued: 0, alreadyCopied: 0, skipped: 0 };
    }
    if ((await folderOf(job, event)) === undefined) return { queued: 0, alreadyCopied: 0, skipped: 0 };
    // 1. What the helpdesk lists, and what the room already has.
    const [listed, copied] = await Promise.all([reader.list(event.ticketId), deps.copies.all(key)]);
    // 2. One copy job per new file; the job id makes a second listing of the same file a no-op.
    const tooLarge: TicketAttachment[] = [];
    let queued = 0;
    for (const att of listed) {
      if (copied.has(att.id)) continue;
      if (att.size > deps.maxBytes) {
        tooLarge.push(att);
        await job.log(`skipped ${att.name} (${att.size} bytes): larger than ATTACHMENT_MAX_BYTES (${deps.maxBytes})`);
        continue;
      }
      const data: AttachmentCopyJobData = {
        key,
        event,
        attachment: {
          id: att.id,
          name: att.name,
          size: att.size,
          ...(att.contentType === undefined ? {} : { contentType: att.contentType }),
        },
      };
      await deps.queue.add(ATTACHMENT_COPY_JOB_NAME, data, {
        ...roomJobOptions(),
        jobId: attachmentCopyJobId(key, att.id),
      });
      queued += 1;
    }
    await job.log(
      `listed ${listed.length}; queued ${queued}; already in the room ${listed.length - queued - tooLarge.length}`,
    );
    // 3. Once per ticket, the agents hear which files were too large to copy.
    if (tooLarge.length > 0) await noteSkipped(key, event, tooLarge, job);
    return { queued, alreadyCopied: listed.length - queued - tooLarge.length, skipped: tooLarge.length };
  }

  async function noteSkipped(key: string, event: AttachmentSyncJobData['event'], files: TicketAttachment[], job: Job) {
    const writer = deps.writerOf(event.source);
    if (!writer || !(await deps.copies.claimSkippedNote(key))) return;
    try {
      const note = skippedFilesNote(key, files, deps.maxBytes);
      const { noteId } = await writer.ensureNote(event.ticketId, note);
      await deps.copies.skippedNoteDone(key, noteId);
      await job.log(`note ${noteId} lists the ${files.length} skipped file(s)`);
    } catch (err) {
      await deps.copies.releaseSkippedNote(key);
      throw err;
    }
  }

  async function copy(job: Job): Promise<AttachmentJobResult> {
    const parsed = AttachmentCopyJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${describeIssues(parsed.error)}`);
    const { key, event, attachment } = parsed.data;
    // 1. Already copied: a redelivery, or a retry after the record was written.
    const known = await deps.copies.copied(key, attachment.id);
    if (known) return { fileId: known.fileId, title: known.title, origin: 'recorded' };
    const reader = deps.readerOf(event.source);
    if (!reader) throw new UnrecoverableError(`no attachment reader for ${event.source}`);
    const folderId = await folderOf(job, event);
    if (folderId === undefined) throw new UnrecoverableError(`the room has no ${deps.folderPath} folder to copy into`);
    // 2. Committed by an earlier attempt whose answer was lost: the folder holds a file of this
    //    name and size that no other attachment of the ticket claims.
    const claimed = new Set([...(await deps.copies.all(key)).values()].map((f) => f.fileId));
    const orphan = (await deps.docspace.listFiles(folderId)).find(
      (f) => !claimed.has(f.id) && f.size === attachment.size && titleFits(f.title, attachment.name),
    );
    if (orphan) return record(job, key, attachment.id, orphan, 'found');
    // 3. Stream it across: the download's body goes chunk by chunk into the upload session.
    const download = await reader.open(event.ticketId, attachment);
    if (download.size !== undefined && download.size !== attachment.size) {
      throw new Error(
        `${event.source} serves ${download.size} bytes for attachment ${attachment.id}, not the ${attachment.size} it lists`,
      );
    }
    const file = await deps.docspace.uploadFile(folderId, {
      title: attachment.name,
      size: attachment.size,
      body: download.body,
    });
    return record(job, key, attachment.id, file, 'uploaded');
  }

  async function record(job: Job, key: string, attachmentId: string, file: DocspaceFile, origin: 'uploaded' | 'found') {
    const copied: CopiedFile = { fileId: file.id, title: file.title, size: file.size ?? 0 };
    await deps.copies.record(key, attachmentId, copied);
    await job.log(
      `${origin === 'found' ? 'found in the room' : 'copied'}: attachment ${attachmentId} is file ${file.id} "${file.title}"`,
    );
    return { fileId: file.id, title: file.title, origin };
  }

  return async function processAttachmentJob(job: Job): Promise<AttachmentJobResult> {
    if (job.name === ATTACHMENT_SYNC_JOB_NAME) return sync(job);
    if (job.name === ATTACHMENT_COPY_JOB_NAME) return copy(job);
    throw new UnrecoverableError(`no attachment job kind "${job.name}" in this worker`);
  };
}
