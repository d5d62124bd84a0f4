import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUEUE_NAMES, roomTag, ticketKey } from '@ticket-rooms/core';
import { AccessRole, RoomType } from '@ticket-rooms/docspace-client';
import { ZENDESK_TEST_SECRET } from '@ticket-rooms/helpdesk';
import { loadReceiverConfig, type RunningReceiver, startReceiver } from '@ticket-rooms/receiver';
import { buildDelivery, type DocspaceSimulator, SIM_GROUPS, sendDelivery } from '@ticket-rooms/simulators';
import { testRedisUrl } from '@ticket-rooms/testkit';
import { Job } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteJobId } from '../src/pipeline/room-processor';
import type { RunningWorker } from '../src/worker';
import { membersOf, newTicketId, Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';
import { type Helpdesks, notesOn, startHelpdesks } from './support/helpdesks';

const ROUTING = `
rules:
  - name: security-urgent
    match: {source: zendesk, priority: urgent}
    room:
      type: custom
      title: "SECURITY {ticketId}: {subject}"
      folders: [Evidence, Logs/App]
      share:
        - {id: ${SIM_GROUPS.support.id}, type: group, role: ContentCreator}
      options: {denyDownload: true}
  - name: how-to
    match: {priority: low}
    skip: true
  - name: eu-billing
    match: {brand: acme-eu, tags: [billing]}
    room: {folders: [Invoices]}
`;

describe('routing rules, through the receiver, to the room each rule gives', () => {
  let docspace: DocspaceSimulator;
  let helpdesks: Helpdesks;
  let pipeline: Pipeline;
  let receiver: RunningReceiver;
  let worker: RunningWorker;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routing-'));
    const file = join(dir, 'routing.yaml');
    writeFileSync(file, ROUTING);
    docspace = await startDocspace();
    helpdesks = await startHelpdesks();
    pipeline = await new Pipeline('routing').ready();
    receiver = await startReceiver(
      loadReceiverConfig({
        PORT: '0',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: pipeline.prefix,
        ZENDESK_WEBHOOK_SECRET: ZENDESK_TEST_SECRET,
        LOG_LEVEL: 'silent',
      }),
      { logger: pino({ level: 'silent' }) },
    );
    worker = await pipeline.startWorker(pipeline.config(docspace, { ...helpdesks.env(), ROUTING_FILE: file }));
  });
  afterAll(async () => {
    await receiver.close();
    await pipeline.close();
    await helpdesks.close();
    await docspace.close();
  });

  /** A Zendesk ticket-created delivery to the receiver; the event it queued. */
  async function deliver(priority: string) {
    const ticketId = newTicketId('zendesk');
    const sent = await sendDelivery(
      receiver.url,
      buildDelivery('zendesk', { ticketId, subject: 'Laptop stolen', tenant: '22129848', priority }),
    );
    expect(sent.status).toBe(202);
    const event = (await pipeline.rooms.getJob((sent.json as { jobId: string }).jobId))?.data.event;
    if (!event) throw new Error('the receiver did not enqueue the ticket');
    return { ticketId, event };
  }

  it('an urgent Zendesk ticket gets the rule’s room type, title, folders, share and options', async () => {
    const { ticketId, event } = await deliver('URGENT');
    expect(event.priority).toBe('urgent');
    await pipeline.noteFinished(event);

    const reader = pipeline.reader(docspace);
    const { rooms, folders } = await roomsOf(reader, event);
    expect(rooms).toHaveLength(1);
    const room = rooms[0];
    if (!room) throw new Error('no room');
    expect(room.roomType).toBe(RoomType.Custom);
    expect(room.title).toBe(`SECURITY ${ticketId}_ Laptop stolen`);
    expect(room.denyDownload).toBe(true);
    expect(folders.map((f) => f.title).sort()).toEqual(['Evidence', 'Logs']);
    const logs = folders.find((f) => f.title === 'Logs');
    expect((await reader.listFolders(logs?.id ?? 0)).map((f) => f.title)).toEqual(['App']);
    expect((await membersOf(docspace, room.id))[SIM_GROUPS.support.id]).toBe(AccessRole.ContentCreator);

    // Why the room looks as it does: the rule, in the ledger and first in the job log.
    const entry = await pipeline.ledgerOf(event);
    expect(entry).toMatchObject({ state: 'done', route: { rule: 'security-urgent', skip: false } });
    const { logs: jobLogs } = await pipeline.rooms.getJobLogs(ticketKey(event));
    expect(jobLogs[0]).toBe('route: rule security-urgent');
    expect(await notesOn(helpdesks, 'zendesk', ticketId)).toHaveLength(1);
  });

  it('a skip rule: 202, the job completes, no room and no note, and the ledger says which rule', async () => {
    const { ticketId, event } = await deliver('low');
    const result = await pipeline.finished(event);
    expect(result).toEqual({
      key: ticketKey(event),
      rule: 'how-to',
      skipped: 'rule how-to gives this ticket no room',
    });
    expect(await (await Job.fromId(pipeline.rooms, ticketKey(event)))?.getState()).toBe('completed');

    expect(await pipeline.reader(docspace).findRoomsByTag(roomTag(event), { includeArchived: true })).toEqual([]);
    const entry = await pipeline.ledgerOf(event);
    expect(entry).toMatchObject({
      state: 'done',
      route: { rule: 'how-to', skip: true },
      stages: {
        route: 'done',
        room: 'skipped',
        folders: 'skipped',
        share: 'skipped',
        link: 'skipped',
        helpdesk: 'skipped',
      },
      reasons: { room: 'rule how-to gives this ticket no room', helpdesk: 'rule how-to gives this ticket no room' },
    });
    expect(entry?.room).toBeUndefined();
    expect(await Job.fromId(pipeline.notes[QUEUE_NAMES.notes.zendesk], noteJobId(ticketKey(event)))).toBeUndefined();
    expect(await notesOn(helpdesks, 'zendesk', ticketId)).toEqual([]);
    expect(await worker.metrics.registry.getSingleMetricAsString('ticket_rooms_worker_routed_total')).toContain(
      'ticket_rooms_worker_routed_total{rule="how-to",skip="true"} 1',
    );
  });

  it('matches brand and tags, and a ticket keeps the rule recorded for it even when it would now match another', async () => {
    const billing = ticketEvent('generic', { brand: 'ACME-EU', tags: ['billing', 'vip'] });
    await pipeline.add(billing);
    await pipeline.finished(billing);
    const reader = pipeline.reader(docspace);
    expect((await roomsOf(reader, billing)).folders.map((f) => f.title)).toEqual(['Invoices']);
    expect((await pipeline.ledgerOf(billing))?.route).toEqual({ rule: 'eu-billing', skip: false });

    // A ticket routed earlier (here, by the ledger as a crash after the route stage left it)
    // keeps its rule: no match now, and still the rule's folders.
    const earlier = ticketEvent('generic', { priority: 'urgent' });
    await pipeline.ledger.write(earlier, {
      stage: { name: 'route', state: 'done' },
      route: { rule: 'eu-billing', skip: false },
    });
    await pipeline.add(earlier);
    await pipeline.finished(earlier);
    expect((await roomsOf(reader, earlier)).folders.map((f) => f.title)).toEqual(['Invoices']);
    expect((await pipeline.ledgerOf(earlier))?.route?.rule).toBe('eu-billing');
  });
});
