import { basicAuthHeader, createLogger, STAGE_DISPLAY_ORDER, type TicketEvent, ticketKey } from '@ticket-rooms/core';
import { loadReceiverConfig, type RunningReceiver, startReceiver } from '@ticket-rooms/receiver';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { testRedisUrl } from '@ticket-rooms/testkit';
import { STAGES } from '@ticket-rooms/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pipeline, startDocspace, ticketEvent } from '../../apps/worker/test/support/harness';
import { type Helpdesks, notesOn, startHelpdesks } from '../../apps/worker/test/support/helpdesks';
import { runTicketCommand } from '../../scripts/tools/ticket-command';

const USER = 'ops';
const PASSWORD = 'ops-password-5158';
const AUTH = basicAuthHeader(USER, PASSWORD);

describe('ticket lookup and repair', () => {
  let docspace: DocspaceSimulator;
  let helpdesks: Helpdesks;
  let pipeline: Pipeline;
  let receiver: RunningReceiver;
  let readOnly: RunningReceiver;
  let finished: TicketEvent;
  let failed: TicketEvent;

  beforeAll(async () => {
    docspace = await startDocspace({ operationMs: 5 });
    helpdesks = await startHelpdesks();
    pipeline = await new Pipeline('tools').ready();
    const receiverEnv = {
      PORT: '0',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: pipeline.prefix,
      GENERIC_WEBHOOK_TOKEN: 'generic-token-0123456789',
      DASHBOARD_USER: USER,
      DASHBOARD_PASSWORD: PASSWORD,
      LOG_LEVEL: 'silent',
    };
    const logger = createLogger({ name: 'receiver', level: 'silent' });
    receiver = await startReceiver(loadReceiverConfig(receiverEnv), { logger });
    readOnly = await startReceiver(loadReceiverConfig({ ...receiverEnv, DASHBOARD_READ_ONLY: 'true' }), { logger });
    // Freshdesk's write-back is left out, so a Freshdesk ticket fails at its note, for good.
    const env = Object.fromEntries(Object.entries(helpdesks.env()).filter(([k]) => !k.startsWith('FRESHDESK_')));
    await pipeline.startWorker(pipeline.config(docspace, env));
    finished = ticketEvent('zendesk');
    failed = ticketEvent('freshdesk');
    await Promise.all([pipeline.add(finished), pipeline.add(failed)]);
    await pipeline.noteFinished(finished);
    await expect(pipeline.noteFinished(failed)).rejects.toThrow(/write-back is not configured/);
  });
  afterAll(async () => {
    await Promise.all([receiver?.close(), readOnly?.close()]);
    await pipeline?.close();
    await helpdesks?.close();
    await docspace?.close();
  });

  const lookup = (url: string, path: string, init: RequestInit = {}) =>
    fetch(`${url}/admin/tickets/${path}`, { ...init, headers: { authorization: AUTH, ...init.headers } });

  it('shows stages in the order the worker runs them', () => {
    expect(STAGE_DISPLAY_ORDER).toEqual(STAGES);
  });

  it('shows a finished ticket: its room, link, note, every stage done and its jobs', async () => {
    const res = await lookup(readOnly.url, `zendesk/${finished.ticketId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ticket: {
        key: string;
        state: string;
        stages: { name: string; state: string }[];
        results: Record<string, { id?: unknown; url?: unknown }>;
      };
      jobs: { queue: string; state: string; dashboardPath: string }[];
    };
    const entry = await pipeline.ledgerOf(finished);
    expect(body.ticket.key).toBe(ticketKey(finished));
    expect(body.ticket.state).toBe('done');
    expect(body.ticket.results.room?.id).toBe(entry?.room?.id);
    expect(body.ticket.results.link?.url).toBe(entry?.link?.url);
    expect(body.ticket.results.note?.id).toBe(entry?.note?.id);
    expect(body.ticket.stages.map((s) => s.name)).toEqual(['route', 'room', 'folders', 'share', 'link', 'helpdesk']);
    expect(body.ticket.stages.every((s) => s.state === 'done' || s.state === 'skipped')).toBe(true);
    expect(body.jobs.map((j) => [j.queue, j.state])).toEqual([
      ['rooms', 'completed'],
      ['notes-zendesk', 'completed'],
    ]);
    expect(body.jobs[0]?.dashboardPath).toBe(`/admin/queues/queue/rooms/${ticketKey(finished)}`);
  });

  it('shows a failed ticket with the stage that failed and why', async () => {
    const res = await lookup(receiver.url, `freshdesk/${failed.ticketId}?tenant=${failed.tenant}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ticket: { state: string; stages: { name: string; state: string; reason?: string }[] };
      jobs: { queue: string; state: string; failedReason?: string }[];
    };
    expect(body.ticket.state).toBe('failed');
    expect(body.ticket.stages.find((s) => s.name === 'helpdesk')).toMatchObject({ state: 'failed' });
    expect(body.jobs.find((j) => j.queue === 'notes-freshdesk')).toMatchObject({
      state: 'failed',
      failedReason: expect.stringMatching(/FRESHDESK_URL/),
    });
  });

  it('answers 404 naming the ticket it does not know, and 401 without credentials', async () => {
    const res = await lookup(receiver.url, 'zendesk/no-such-ticket');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      code: 'RCV_ERR_TICKET_NOT_FOUND',
      message: expect.stringContaining('zendesk ticket no-such-ticket'),
    });
    const anonymous = await fetch(`${receiver.url}/admin/tickets/zendesk/${finished.ticketId}`);
    expect(anonymous.status).toBe(401);
  });

  it('prints the ticket from the command line, and fails for an unknown one', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    const env = { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: pipeline.prefix };
    expect(await runTicketCommand(['zendesk', finished.ticketId], env, io)).toBe(0);
    const entry = await pipeline.ledgerOf(finished);
    expect(out.join('\n')).toContain(`room      ${entry?.room?.id}`);
    expect(out.join('\n')).toContain(entry?.link?.url);
    expect(await runTicketCommand(['zendesk', 'no-such-ticket'], env, io)).toBe(1);
    expect(err.join('\n')).toContain('No zendesk ticket no-such-ticket is in the ledger');
  });

  it('refuses a repair in read-only mode', async () => {
    const res = await lookup(readOnly.url, `zendesk/${finished.ticketId}/repair`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ code: 'RCV_ERR_READ_ONLY' });
  });

  it('rebuilds a room deleted in DocSpace, posts one new note for the new link, and then has nothing to do', async () => {
    const reader = pipeline.reader(docspace);
    const before = await pipeline.ledgerOf(finished);
    const roomId = before?.room?.id as number;
    await reader.archiveRoom(roomId);
    await reader.deleteRoom(roomId);
    const env = { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: pipeline.prefix };
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => {} };

    expect(await runTicketCommand(['zendesk', finished.ticketId, '--repair', '--timeout', '30'], env, io)).toBe(0);
    const after = await pipeline.ledgerOf(finished);
    expect(after?.room?.id).not.toBe(roomId);
    expect((await reader.getRoom(after?.room?.id as number)).archived).toBe(false);
    expect(await reader.listFolders(after?.room?.id as number)).not.toHaveLength(0);
    expect(after?.link?.url).not.toBe(before?.link?.url);
    expect(out.join('\n')).toContain(`repair: room ${roomId} → ${after?.room?.id}`);
    const notes = await notesOn(helpdesks, 'zendesk', finished.ticketId);
    expect(notes.filter((n) => n.text.includes(after?.link?.url as string))).toHaveLength(1);
    expect(notes).toHaveLength(2);

    // Healthy now: the API's repair (a job like the CLI's) changes nothing.
    const res = await lookup(receiver.url, `zendesk/${finished.ticketId}/repair`, { method: 'POST' });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    const job = await pipeline.rooms.getJob(jobId);
    await job?.waitUntilFinished(pipeline.roomEvents, 30_000);
    expect(await pipeline.ledgerOf(finished)).toMatchObject({
      room: after?.room,
      link: after?.link,
      note: after?.note,
    });
    out.length = 0;
    expect(await runTicketCommand(['zendesk', finished.ticketId, '--repair'], env, io)).toBe(0);
    expect(out.join('\n')).toContain('repair: nothing to do');
    expect(await notesOn(helpdesks, 'zendesk', finished.ticketId)).toHaveLength(2);
  });
});
