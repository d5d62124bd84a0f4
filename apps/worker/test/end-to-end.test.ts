import { roomTag, ticketKey } from '@ticket-rooms/core';
import { noteMarker, ZENDESK_TEST_SECRET } from '@ticket-rooms/helpdesk';
import { loadReceiverConfig, type RunningReceiver, startReceiver } from '@ticket-rooms/receiver';
import { buildDelivery, type DocspaceSimulator, sendDelivery } from '@ticket-rooms/simulators';
import { testRedisUrl } from '@ticket-rooms/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTicketId, Pipeline, roomsOf, startDocspace } from './support/harness';
import { type Helpdesks, notesOn, startHelpdesks, VENDORS, type Vendor } from './support/helpdesks';

const FRESHDESK_TOKEN = 'fd-webhook-token-0123456789';
const JIRA_SECRET = 'jira-webhook-secret-0123456789';
const TENANT: Record<Vendor, string> = {
  zendesk: '22129848',
  freshdesk: 'acme.freshdesk.com',
  jira: 'acme.atlassian.net',
};

describe('a ticket from each helpdesk, through the receiver, to a room and a note', () => {
  let docspace: DocspaceSimulator;
  let helpdesks: Helpdesks;
  let pipeline: Pipeline;
  let receiver: RunningReceiver;

  beforeAll(async () => {
    docspace = await startDocspace();
    helpdesks = await startHelpdesks();
    pipeline = await new Pipeline('e2e').ready();
    receiver = await startReceiver(
      loadReceiverConfig({
        PORT: '0',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: pipeline.prefix,
        ZENDESK_WEBHOOK_SECRET: ZENDESK_TEST_SECRET,
        FRESHDESK_WEBHOOK_TOKEN: FRESHDESK_TOKEN,
        JIRA_WEBHOOK_SECRET: JIRA_SECRET,
        LOG_LEVEL: 'silent',
      }),
      { logger: pino({ level: 'silent' }) },
    );
    await pipeline.startWorker(pipeline.config(docspace, helpdesks.env()));
  });
  afterAll(async () => {
    await receiver.close();
    await pipeline.close();
    await helpdesks.close();
    await docspace.close();
  });

  async function deliver(vendor: Vendor, ticketId: string, deliveryId?: string) {
    const delivery = buildDelivery(vendor, {
      ticketId,
      subject: `VPN down for ${ticketId}`,
      tenant: TENANT[vendor],
      ...(vendor === 'freshdesk' ? { token: FRESHDESK_TOKEN } : {}),
      ...(vendor === 'jira' ? { secret: JIRA_SECRET } : {}),
      ...(deliveryId === undefined ? {} : { deliveryId }),
    });
    return sendDelivery(receiver.url, delivery);
  }

  it.each(VENDORS)('%s: one room, its folders and one internal note with the link', async (vendor) => {
    const ticketId = newTicketId(vendor);
    const sent = await deliver(vendor, ticketId);
    expect(sent.status).toBe(202);
    const { jobId } = sent.json as { jobId: string };
    const event = (await pipeline.rooms.getJob(jobId))?.data.event;
    if (!event) throw new Error('the receiver did not enqueue the ticket');
    expect(event).toMatchObject({ source: vendor, ticketId, tenant: TENANT[vendor] });
    await pipeline.noteFinished(event);

    const { rooms, folders } = await roomsOf(pipeline.reader(docspace), event);
    expect(rooms).toHaveLength(1);
    expect(rooms[0]?.title).toBe(`Ticket #${ticketId} - VPN down for ${ticketId}`);
    expect(folders.map((f) => f.title).sort()).toEqual(['Attachments', 'Findings', 'Logs']);

    const entry = await pipeline.ledgerOf(event);
    expect(entry?.state).toBe('done');
    const marker = noteMarker(ticketKey(event));
    const notes = (await notesOn(helpdesks, vendor, ticketId)).filter((n) => n.text.includes(marker));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.internal).toBe(true);
    expect(notes[0]?.text).toContain(entry?.link?.url);
    expect(notes[0]?.text).toContain(rooms[0]?.title);
    expect(entry?.note).toEqual({ id: notes[0]?.id, alreadyPresent: false });
  });

  it('turns duplicate deliveries of one ticket into one room and one note', async () => {
    const vendor = 'zendesk';
    const ticketId = newTicketId(vendor);
    // The sender retries one delivery, and the helpdesk also fires a second webhook for the ticket.
    const answers = await Promise.all([
      deliver(vendor, ticketId, 'delivery-a'),
      deliver(vendor, ticketId, 'delivery-a'),
      deliver(vendor, ticketId, 'delivery-b'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.filter((a) => (a.json as { duplicate: boolean }).duplicate)).toHaveLength(2);
    const { jobId } = (answers[0]?.json ?? {}) as { jobId: string };
    const event = (await pipeline.rooms.getJob(jobId))?.data.event;
    if (!event) throw new Error('no job');
    await pipeline.noteFinished(event);

    // Once more after it is all done.
    const late = await deliver(vendor, ticketId, 'delivery-c');
    expect(late.json).toMatchObject({ jobId, duplicate: true });

    const reader = pipeline.reader(docspace);
    expect(await reader.findRoomsByTag(roomTag(event))).toHaveLength(1);
    const marker = noteMarker(ticketKey(event));
    expect((await notesOn(helpdesks, vendor, ticketId)).filter((n) => n.text.includes(marker))).toHaveLength(1);
  });
});
