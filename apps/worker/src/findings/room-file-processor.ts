import {
  FINDINGS_NOTE_JOB_NAME,
  type FindingsNoteJobData,
  findingsNoteJobId,
  type Logger,
  ledgerKey,
  type RedisClient,
  RoomFileJobData,
  recordFromHash,
  roomJobOptions,
  Source,
} from '@ticket-rooms/core';
import { type DocspaceClient, isDocspaceError } from '@ticket-rooms/docspace-client';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { describeIssues } from '../pipeline/room-processor';
import type { FindingsLedger } from './findings-ledger';

/** The tag prefix of a ticket's room (`roomTag` in core): `tr-<ticket key>`. */
const ROOM_TAG_PREFIX = 'tr-';

export interface RoomFileDeps {
  docspace: Pick<DocspaceClient, 'folderPlace' | 'getFile' | 'getRoom' | 'roomPortalUrl'>;
  redis: RedisClient;
  /** Every prefix a ticket's ledger may be under, current layout first. */
  prefixes: readonly string[];
  /** The findings record and the notes queue of a source, under one prefix. */
  shardOf(prefix: string): { findings: FindingsLedger; notesQueue(source: Source): Queue | undefined };
  /** Room-relative folder paths whose files are findings (`FINDINGS_FOLDERS`). */
  folders: readonly string[];
  /** How long a batch stays open for more files before its note is posted. */
  batchMs: number;
  logger: Logger;
}

export type RoomFileJobResult =
  | { ignored: string }
  | { ticket: string; batchId: string; outcome: 'batched' | 'known' }
  | { ticket: string; outcome: 'noted'; noteId: string };

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** Whether a folder path within a room is one of the findings folders, or inside one. */
export function isFindingsPath(path: string, folders: readonly string[]): boolean {
  const p = trimSlashes(path).toLowerCase();
  return folders.some((f) => {
    const want = trimSlashes(f).toLowerCase();
    return want !== '' && (p === want || p.startsWith(`${want}/`));
  });
}

/**
 * The room-files queue's processor: a file DocSpace says appeared. A file in a findings folder of
 * a ticket's room joins the ticket's open findings batch, whose note job (one per batch) waits on
 * the ticket's notes queue for the batch window; anything else is logged and left alone.
 */
export function createRoomFileProcessor(deps: RoomFileDeps) {
  async function ignore(job: Job, why: string): Promise<RoomFileJobResult> {
    await job.log(`ignored: ${why}`);
    deps.logger.info({ jobId: job.id }, `room file ignored: ${why}`);
    return { ignored: why };
  }

  /** The ticket's ledger record under whichever prefix holds it. */
  async function ledgerOf(key: string) {
    for (const prefix of deps.prefixes) {
      const record = recordFromHash(await deps.redis.hgetall(ledgerKey(prefix, key)));
      if (record) return { prefix, record };
    }
    return undefined;
  }

  async function run(job: Job): Promise<RoomFileJobResult> {
    const parsed = RoomFileJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${describeIssues(parsed.error)}`);
    const { file } = parsed.data;

    // 1. Where the file is: a folder of a room, and which one.
    const place = await deps.docspace.folderPlace(file.folderId);
    if (!place.room) return ignore(job, `file ${file.id} is not in a room`);
    if (!isFindingsPath(place.path, deps.folders)) {
      return ignore(
        job,
        `file ${file.id} is in "${place.path || '(the room itself)'}" of room ${place.room.id}, not in ${deps.folders.join(', ')}`,
      );
    }

    // 2. Whose room: its ticket tag, and the ticket's ledger.
    const room = await deps.docspace.getRoom(place.room.id);
    const tag = room.tags.find((t) => t.toLowerCase().startsWith(ROOM_TAG_PREFIX));
    if (!tag) return ignore(job, `room ${room.id} is not a ticket room (no ${ROOM_TAG_PREFIX} tag)`);
    const key = tag.slice(ROOM_TAG_PREFIX.length);
    const found = await ledgerOf(key);
    if (!found) return ignore(job, `room ${room.id} is tagged for ticket ${key}, which has no ledger here`);
    const recordedRoom = (found.record.results.room as { id?: unknown } | undefined)?.id;
    if (typeof recordedRoom === 'number' && recordedRoom !== room.id) {
      return ignore(job, `room ${room.id} carries the tag of ticket ${key}, whose room is ${recordedRoom}`);
    }
    const source = Source.safeParse(found.record.source);
    const shard = deps.shardOf(found.prefix);
    const queue = source.success ? shard.notesQueue(source.data) : undefined;
    if (!source.success || !queue) {
      return ignore(job, `ticket ${key} is from ${found.record.source}, which has no helpdesk to note it on`);
    }

    // 3. What the note says about it: its link and its author, as DocSpace has them now.
    let info: Awaited<ReturnType<RoomFileDeps['docspace']['getFile']>>;
    try {
      info = await deps.docspace.getFile(file.id);
    } catch (err) {
      if (isDocspaceError(err) && err.code === 'NOT_FOUND') return ignore(job, `file ${file.id} is gone`);
      throw err;
    }
    const who = info.createdBy ?? file.createdBy;
    const outcome = await shard.findings.add(key, file.id, {
      title: info.title,
      ...(who ? { who } : {}),
      link: info.url ?? deps.docspace.roomPortalUrl(room.id),
    });
    if (outcome.kind === 'noted') {
      await job.log(`file ${file.id} is already noted on ticket ${key} (note ${outcome.noteId})`);
      return { ticket: key, outcome: 'noted', noteId: outcome.noteId };
    }

    // 4. The batch's one note job, after the window. Added again on every delivery (the job id makes
    //    it a no-op), so a crash between the batch and the job still leaves a job.
    const data: FindingsNoteJobData = {
      key,
      ticket: { source: source.data, tenant: found.record.tenant, ticketId: found.record.ticketId },
      batchId: outcome.batchId,
    };
    await queue.add(FINDINGS_NOTE_JOB_NAME, data, {
      ...roomJobOptions(),
      jobId: findingsNoteJobId(key, outcome.batchId),
      delay: deps.batchMs,
    });
    await job.log(`file ${file.id} "${info.title}" is in findings batch ${outcome.batchId} of ticket ${key}`);
    return { ticket: key, batchId: outcome.batchId, outcome: outcome.kind };
  }

  return async function processRoomFileJob(job: Job): Promise<RoomFileJobResult> {
    try {
      return await run(job);
    } catch (err) {
      // Bad credentials or a refused request fail now; outages and 429s are retried with the backoff.
      if (isDocspaceError(err) && !err.retryable) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
