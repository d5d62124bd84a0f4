import type { TicketEvent } from '@ticket-rooms/core';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pipeline, startDocspace, ticketEvent } from './support/harness';

describe('a repair’s check of the room', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('repair-check').ready();
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('fails at once, naming the room and DocSpace’s answer, when DocSpace refuses the key', async () => {
    await pipeline.startWorker(pipeline.config(docspace));
    const event = ticketEvent('generic');
    await pipeline.add(event);
    await pipeline.finished(event);
    const roomId = (await pipeline.ledgerOf(event))?.room?.id;
    expect(roomId).toBeGreaterThan(0);

    // The key was rotated in DocSpace but not here: the check's GET rooms/{id} is a 401.
    await pipeline.closeWorkers();
    await pipeline.startWorker(pipeline.config(docspace, { DOCSPACE_API_KEY: 'sk-rotated-0123456789abcdef' }));
    const repair: TicketEvent = { ...event, kind: 'ticket.repair', deliveryId: `repair-${event.ticketId}` };
    const job = await pipeline.send(repair);
    await expect(job.waitUntilFinished(pipeline.roomEvents, 30_000)).rejects.toThrow(
      new RegExp(`repair: could not check room ${roomId} in DocSpace: .*401`),
    );
    // Not retried: a refused key stays refused until someone changes it.
    expect((await pipeline.rooms.getJob(job.id as string))?.attemptsMade).toBe(1);
    // The room and the ledger are as they were: nothing was forgotten on a check that failed.
    expect((await pipeline.ledgerOf(event))?.room?.id).toBe(roomId);
  });
});
