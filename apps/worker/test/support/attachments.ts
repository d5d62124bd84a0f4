import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ATTACHMENT_SYNC_JOB_NAME,
  attachmentSyncJobId,
  basicAuthHeader,
  QUEUE_NAMES,
  type TicketEvent,
  ticketKey,
} from '@ticket-rooms/core';
import type { DocspaceClient } from '@ticket-rooms/docspace-client';
import { seededBytes, sha256Of, testRedisUrl } from '@ticket-rooms/testkit';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Helpdesks, Vendor } from './helpdesks';

/** A file to attach: its name and `size` bytes made from `seed`, never held whole. */
export interface TestFile {
  name: string;
  size: number;
  seed: string;
}

const CREDS = {
  zendesk: basicAuthHeader('agent@zendesk.test/token', 'zd-token-0123456789'),
  freshdesk: basicAuthHeader('fd-key-0123456789', 'X'),
  jira: basicAuthHeader('agent@jira.test', 'jira-token-0123456789'),
};

/** A multipart body of `files` under `field`, plus plain fields, streamed. */
function multipart(fields: Record<string, string>, field: string, files: readonly TestFile[]) {
  const boundary = `----test-${randomBytes(8).toString('hex')}`;
  async function* body() {
    for (const [k, v] of Object.entries(fields)) {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    }
    for (const f of files) {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename*=UTF-8''${encodeURIComponent(f.name)}\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      yield* seededBytes(f.seed, f.size);
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Readable.from(body()) };
}

async function send(url: string, init: { method: string; headers: Record<string, string>; body?: unknown }) {
  const res = await fetch(url, { ...init, duplex: 'half' } as RequestInit);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method} ${url} answered ${res.status}: ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Zendesk: each file through `uploads.json`, then a comment naming the upload token. */
async function zendeskComment(h: Helpdesks, ticketId: string | undefined, files: readonly TestFile[]): Promise<string> {
  let token: string | undefined;
  for (const f of files) {
    const q = new URLSearchParams({ filename: f.name, ...(token ? { token } : {}) });
    const res = (await send(`${h.zendesk.baseUrl}/api/v2/uploads.json?${q}`, {
      method: 'POST',
      headers: { authorization: CREDS.zendesk, 'content-type': 'application/binary' },
      body: Readable.from(seededBytes(f.seed, f.size)),
    })) as { upload: { token: string } };
    token = res.upload.token;
  }
  const comment = { body: 'Files attached', ...(token ? { uploads: [token] } : {}) };
  const res = (await send(`${h.zendesk.baseUrl}/api/v2/tickets${ticketId ? `/${ticketId}` : ''}.json`, {
    method: ticketId ? 'PUT' : 'POST',
    headers: { authorization: CREDS.zendesk, 'content-type': 'application/json' },
    body: JSON.stringify({ ticket: { subject: 'Crash on start', comment } }),
  })) as { ticket: { id: number } };
  return String(res.ticket.id);
}

/** Creates a ticket carrying `files`, the vendor's own way; returns its id (a Jira key). */
export async function ticketWithFiles(h: Helpdesks, vendor: Vendor, files: readonly TestFile[]): Promise<string> {
  if (vendor === 'zendesk') return zendeskComment(h, undefined, files);
  if (vendor === 'freshdesk') {
    const form = multipart(
      { subject: 'Crash on start', description: 'See files', email: 'c@example.com', priority: '2' },
      'attachments[]',
      files,
    );
    const res = (await send(`${h.freshdesk.baseUrl}/api/v2/tickets`, {
      method: 'POST',
      headers: { authorization: CREDS.freshdesk, 'content-type': form.contentType },
      body: form.body,
    })) as { id: number };
    return String(res.id);
  }
  const created = (await send(`${h.jira.baseUrl}/rest/api/3/issue`, {
    method: 'POST',
    headers: { authorization: CREDS.jira, 'content-type': 'application/json' },
    body: JSON.stringify({ fields: { project: { key: 'SD' }, summary: 'Crash on start', issuetype: { name: 'Bug' } } }),
  })) as { key: string };
  if (files.length > 0) await addFiles(h, 'jira', created.key, files);
  return created.key;
}

/** Adds `files` to an existing ticket: a Zendesk comment, a Freshdesk reply, Jira's attachments endpoint. */
export async function addFiles(
  h: Helpdesks,
  vendor: Vendor,
  ticketId: string,
  files: readonly TestFile[],
): Promise<void> {
  if (vendor === 'zendesk') {
    await zendeskComment(h, ticketId, files);
    return;
  }
  if (vendor === 'freshdesk') {
    const form = multipart({ body: 'More files' }, 'attachments[]', files);
    await send(`${h.freshdesk.baseUrl}/api/v2/tickets/${ticketId}/reply`, {
      method: 'POST',
      headers: { authorization: CREDS.freshdesk, 'content-type': form.contentType },
      body: form.body,
    });
    return;
  }
  const form = multipart({}, 'file', files);
  await send(`${h.jira.baseUrl}/rest/api/3/issue/${ticketId}/attachments`, {
    method: 'POST',
    headers: { authorization: CREDS.jira, 'content-type': form.contentType, 'x-atlassian-token': 'no-check' },
    body: form.body,
  });
}

/** Watches the attachments queue of one test's prefix. */
export class AttachmentJobs {
  readonly queue: Queue;
  readonly events: QueueEvents;

  constructor(prefix: string) {
    const connection = { url: testRedisUrl() };
    this.queue = new Queue(QUEUE_NAMES.attachments, { connection, prefix });
    this.events = new QueueEvents(QUEUE_NAMES.attachments, { connection, prefix });
  }

  async ready(): Promise<this> {
    await this.events.waitUntilReady();
    return this;
  }

  /** Waits for the event's sync job, then for every copy job of the ticket. */
  async settled(event: TicketEvent, ttlMs = 60_000): Promise<void> {
    const key = ticketKey(event);
    const sync = await this.waitFor(attachmentSyncJobId(key, event), ttlMs);
    if (sync.name !== ATTACHMENT_SYNC_JOB_NAME) throw new Error(`job ${sync.id} is not a sync`);
    await sync.waitUntilFinished(this.events, ttlMs);
    const jobs = await this.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
    for (const job of jobs.filter((j) => j.id?.startsWith(`att-${key}-`))) {
      await job.waitUntilFinished(this.events, ttlMs);
    }
  }

  /** The job once it exists (the room job queues it when it finishes). */
  private async waitFor(jobId: string, ttlMs: number): Promise<Job> {
    const deadline = Date.now() + ttlMs;
    for (;;) {
      const job = await Job.fromId(this.queue, jobId);
      if (job) return job;
      if (Date.now() > deadline) throw new Error(`no job ${jobId} within ${ttlMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.events.close();
  }
}

/** The room's attachments folder: each file's title and the SHA-256 of the bytes DocSpace serves. */
export async function filesInRoom(
  reader: DocspaceClient,
  docspace: { baseUrl: string | undefined; apiKey: string },
  folderId: number,
): Promise<Array<{ title: string; size: number | undefined; sha256: string }>> {
  const files = await reader.listFiles(folderId);
  const out = [];
  for (const f of files) {
    const res = await fetch(`${docspace.baseUrl}/filehandler.ashx?action=download&fileid=${f.id}`, {
      headers: { authorization: `Bearer ${docspace.apiKey}` },
    });
    out.push({
      title: f.title,
      size: f.size,
      sha256: await sha256Of(res.body as unknown as AsyncIterable<Uint8Array>),
    });
  }
  return out;
}

export const fileSha = (f: TestFile) => sha256Of(seededBytes(f.seed, f.size));
