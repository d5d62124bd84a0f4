import { roomTag, ticketKey } from '@ticket-rooms/core';
import { AccessRole, RoomType } from '@ticket-rooms/docspace-client';
import { type DocspaceSimulator, SIM_GROUPS, SIM_USERS } from '@ticket-rooms/simulators';
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { membersOf, Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';

describe('the DocSpace stages, on a generic ticket', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('stages').ready();
    await pipeline.startWorker(pipeline.config(docspace));
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('creates one tagged room with the default folders and records every stage', async () => {
    const event = ticketEvent('generic', { subject: 'Disk: full?' });
    await pipeline.add(event);
    const result = await pipeline.finished(event);

    const { rooms, folders } = await roomsOf(pipeline.reader(docspace), event);
    expect(rooms).toHaveLength(1);
    const room = rooms[0];
    expect(room?.title).toBe(`Ticket #${event.ticketId} - Disk_ full_`);
    expect(room?.roomType).toBe(RoomType.Collaboration);
    expect(room?.tags).toEqual(expect.arrayContaining([roomTag(event), 'ticket-rooms']));
    expect(folders.map((f) => f.title).sort()).toEqual(['Attachments', 'Findings', 'Logs']);

    const entry = await pipeline.ledgerOf(event);
    expect(entry).toMatchObject({
      state: 'done',
      stages: { route: 'done', room: 'done', folders: 'done', share: 'skipped', link: 'done', helpdesk: 'skipped' },
      route: { rule: 'default', skip: false },
      room: { id: room?.id, origin: 'created' },
      link: { kind: 'portal' },
    });
    expect(entry?.link?.url).toContain(`folder=${room?.id}`);
    expect(entry?.reasons.helpdesk).toMatch(/generic/);
    expect(result).toMatchObject({ roomId: room?.id, note: { skipped: expect.any(String) } });

    // Operators see one log line per stage in Bull Board.
    const { logs } = await pipeline.rooms.getJobLogs(ticketKey(event));
    expect(logs.map((l) => l.split(':')[0])).toEqual(['route', 'room', 'folders', 'share', 'link', 'helpdesk']);
    expect(logs[0]).toBe('route: rule default');
    expect(logs[1]).toContain(`created room ${room?.id}`);
    // A collaboration room is not shared by link (the server's canShare is false): the stage says so.
    expect(logs.find((l) => l.startsWith('link:'))).toContain(
      'not shared by link (Collaboration rooms are not shared by link in DocSpace)',
    );
    expect(room ? await pipeline.reader(docspace).listRoomLinks(room.id) : undefined).toEqual([]);
  });

  it('never makes a second room for a ticket it has seen, even after its job and ledger are gone', async () => {
    const event = ticketEvent('generic');
    await pipeline.add(event);
    await pipeline.add(event); // a duplicate delivery while the first is queued: same job id
    await pipeline.finished(event);
    const reader = pipeline.reader(docspace);
    const first = await roomsOf(reader, event);

    // Retention removed the job: the ledger says every stage is done.
    await (await Job.fromId(pipeline.rooms, ticketKey(event)))?.remove();
    await pipeline.add(event);
    await pipeline.finished(event);

    // An operator also wiped the ledger: the tag lookup finds the room, the listing finds the folders.
    await pipeline.redis.del(pipeline.ledger.keyOf(event));
    await (await Job.fromId(pipeline.rooms, ticketKey(event)))?.remove();
    await pipeline.add(event);
    await pipeline.finished(event);

    const after = await roomsOf(reader, event);
    expect(after.rooms.map((r) => r.id)).toEqual(first.rooms.map((r) => r.id));
    expect(after.byTitle).toHaveLength(1);
    expect(after.folders.map((f) => f.id).sort()).toEqual(first.folders.map((f) => f.id).sort());
    expect((await pipeline.ledgerOf(event))?.room?.origin).toBe('found');
  });

  it('uses the oldest room when an accident left two with the ticket’s tag, and says so', async () => {
    const event = ticketEvent('generic');
    const reader = pipeline.reader(docspace);
    const first = await reader.createRoom({
      title: 'Old room',
      roomType: RoomType.Collaboration,
      tags: [roomTag(event)],
    });
    await reader.createRoom({ title: 'Old room', roomType: RoomType.Collaboration, tags: [roomTag(event)] });
    await pipeline.add(event);
    await pipeline.finished(event);
    expect((await pipeline.ledgerOf(event))?.room).toMatchObject({ id: first.id, origin: 'found' });
    expect(await reader.findRoomsByTag(roomTag(event))).toHaveLength(2);
    expect((await reader.listFolders(first.id)).map((f) => f.title).sort()).toEqual([
      'Attachments',
      'Findings',
      'Logs',
    ]);
  });

  it('leaves an archived room of the ticket as it is and links to it', async () => {
    const event = ticketEvent('generic');
    const reader = pipeline.reader(docspace);
    const room = await reader.createRoom({ title: 'Closed', roomType: RoomType.Collaboration, tags: [roomTag(event)] });
    await reader.archiveRoom(room.id);
    await pipeline.add(event);
    await pipeline.finished(event);
    const entry = await pipeline.ledgerOf(event);
    expect(entry).toMatchObject({
      state: 'done',
      room: { id: room.id, archived: true, origin: 'found' },
      stages: { folders: 'skipped', share: 'skipped', link: 'done' },
    });
    expect(entry?.link?.url).toBe(reader.roomPortalUrl(room.id, { archived: true }));
    expect(await reader.findRoomsByTag(roomTag(event))).toHaveLength(1);
  });

  it('fails at once when DocSpace rejects the key, naming the stage and what DocSpace said', async () => {
    const other = await new Pipeline('badkey').ready();
    try {
      await other.startWorker(other.config(docspace, { DOCSPACE_API_KEY: 'sk-wrong' }));
      const event = ticketEvent('generic');
      const job = await other.add(event);
      await expect(other.finished(event)).rejects.toThrow(/^room: DocSpace rejected the API key \(401\)/);
      const failed = await Job.fromId(other.rooms, job.id as string);
      expect(failed?.attemptsMade).toBe(1);
      expect(await failed?.getState()).toBe('failed');
      const entry = await other.ledgerOf(event);
      expect(entry?.state).toBe('failed');
      expect(entry?.stages.room).toBe('failed');
      expect(entry?.lastError?.code).toBe('UNAUTHORIZED');
      expect(JSON.stringify(entry)).not.toContain('sk-wrong');
    } finally {
      await other.close();
    }
  });
});

describe('nested folders, sharing and external links', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;
  const share = [
    { id: SIM_USERS.roomAdmin.id, role: 'RoomManager' },
    { id: SIM_GROUPS.support.id, role: 'Editing', type: 'group' },
  ];

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('share').ready();
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('builds nested paths, invites users and groups by role and takes DocSpace’s own link', async () => {
    await pipeline.startWorker(
      pipeline.config(docspace, {
        ROOM_TYPE: 'custom',
        ROOM_FOLDERS: 'Logs/App,Logs/DB,Findings',
        ROOM_SHARE: JSON.stringify(share),
        ROOM_TITLE_TEMPLATE: '[{source}] {ticketId}: {subject}',
      }),
    );
    const event = ticketEvent('generic');
    const linkListings = () =>
      Object.entries(docspace.stats.toJSON().byRoute)
        .filter(([route]) => route.startsWith('GET ') && route.endsWith('/links'))
        .reduce((n, [, count]) => n + count, 0);
    const listedBefore = linkListings();
    await pipeline.add(event);
    await pipeline.finished(event);
    // The room was made by this job, so there were no links to look through.
    expect(linkListings() - listedBefore).toBe(0);

    const reader = pipeline.reader(docspace);
    const { rooms, folders } = await roomsOf(reader, event);
    expect(rooms).toHaveLength(1);
    const room = rooms[0];
    if (!room) throw new Error('no room');
    expect(room.title).toBe(`[generic] ${event.ticketId}_ ${event.subject}`);
    expect(folders.map((f) => f.title).sort()).toEqual(['Findings', 'Logs']);
    const logs = folders.find((f) => f.title === 'Logs');
    expect((await reader.listFolders(logs?.id ?? 0)).map((f) => f.title).sort()).toEqual(['App', 'DB']);

    const entry = await pipeline.ledgerOf(event);
    expect(Object.keys(entry?.folders ?? {}).sort()).toEqual(['Findings', 'Logs', 'Logs/App', 'Logs/DB']);
    expect(entry?.share).toEqual({
      granted: { [SIM_USERS.roomAdmin.id]: 9, [SIM_GROUPS.support.id]: 10 },
      dropped: [],
    });

    // A custom room starts without links, so the worker made one itself (PUT rooms/{id}/links).
    const links = await reader.listRoomLinks(room.id);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ title: 'Ticket Rooms', access: 2, primary: false });
    expect(entry?.link).toEqual({ url: links[0]?.url, kind: 'external' });
    const { logs: jobLogs } = await pipeline.rooms.getJobLogs(ticketKey(event));
    expect(jobLogs.find((l) => l.startsWith('link:'))).toContain('created external link "Ticket Rooms"');
  });

  it('puts a form-filling room’s own FillForms link on the ticket and passes the ROOM_* settings through', async () => {
    const other = await new Pipeline('forms').ready();
    try {
      await other.startWorker(
        other.config(docspace, {
          ROOM_TYPE: 'formfilling',
          ROOM_FOLDERS: 'none',
          ROOM_INDEXING: 'true',
          ROOM_DENY_DOWNLOAD: 'true',
          ROOM_COLOR: '1f6feb',
        }),
      );
      const event = ticketEvent('generic');
      await other.add(event);
      await other.finished(event);
      const reader = other.reader(docspace);
      const [room] = (await roomsOf(reader, event)).rooms;
      if (!room) throw new Error('no room');
      expect(room).toMatchObject({ roomType: RoomType.FillingForms, indexing: true, denyDownload: true });
      const links = await reader.listRoomLinks(room.id);
      // No second link: the one DocSpace made with the room is the ticket's.
      expect(links).toHaveLength(1);
      expect(links[0]).toMatchObject({ primary: true, access: 7, title: 'Link to fill out' });
      const entry = await other.ledgerOf(event);
      expect(entry?.link).toEqual({ url: links[0]?.url, kind: 'external' });
      const { logs } = await other.rooms.getJobLogs(ticketKey(event));
      expect(logs.find((l) => l.startsWith('link:'))).toContain('existing form-filling link "Link to fill out"');
    } finally {
      await other.close();
    }
  });

  it('invites a user named by email and a group named by name, looking each up once for many tickets', async () => {
    const other = await new Pipeline('share-by-name').ready();
    try {
      docspace.stats.reset();
      await other.startWorker(
        other.config(docspace, {
          ROOM_TYPE: 'custom',
          ROOM_SHARE: JSON.stringify([
            { email: SIM_USERS.roomAdmin.email, role: 'RoomManager' },
            { group: SIM_GROUPS.support.name, role: 'Editing' },
          ]),
        }),
      );
      const events = [ticketEvent('generic'), ticketEvent('generic'), ticketEvent('generic')];
      for (const event of events) {
        await other.add(event);
        await other.finished(event);
      }
      const reader = other.reader(docspace);
      for (const event of events) {
        const [room] = (await roomsOf(reader, event)).rooms;
        if (!room) throw new Error('no room');
        // Read back through DocSpace's own members API: the ids the email and the name stand for.
        expect(await membersOf(docspace, room.id)).toMatchObject({
          [SIM_USERS.roomAdmin.id]: AccessRole.RoomManager,
          [SIM_GROUPS.support.id]: AccessRole.Editing,
        });
        expect((await other.ledgerOf(event))?.share?.granted).toEqual({
          [SIM_USERS.roomAdmin.id]: AccessRole.RoomManager,
          [SIM_GROUPS.support.id]: AccessRole.Editing,
        });
      }
      const byRoute = docspace.stats.toJSON().byRoute;
      const lookups = Object.entries(byRoute).filter(([route]) => /people\/email|\/group$/.test(route));
      expect(lookups.map(([, n]) => n)).toEqual([1, 1]);
    } finally {
      await other.close();
    }
  });

  it('stops a ticket at the share stage, with the reason, when ROOM_SHARE names an email DocSpace does not know', async () => {
    const other = await new Pipeline('share-unknown').ready();
    try {
      await other.startWorker(
        other.config(docspace, {
          ROOM_TYPE: 'custom',
          ROOM_SHARE: JSON.stringify([{ email: 'nobody@docspace.test', role: 'Editing' }]),
        }),
      );
      const event = ticketEvent('generic');
      await other.add(event);
      await expect(other.finished(event)).rejects.toThrow(/no DocSpace user has the email nobody@docspace.test/);
      const entry = await other.ledgerOf(event);
      expect(entry?.stages.room).toBe('done');
      expect(entry?.stages.share).toBe('failed');
      expect(entry?.reasons.share).toContain('fix ROOM_SHARE');
      // Not retried: one attempt, as for any configuration mistake.
      const job = await Job.fromId(other.rooms, ticketKey(event));
      expect(job?.attemptsMade).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('reports a member DocSpace silently dropped', async () => {
    const stranger = '0f0f0f0f-0000-4000-8000-00000000dead';
    const other = await new Pipeline('dropped').ready();
    try {
      await other.startWorker(
        other.config(docspace, {
          ROOM_TYPE: 'custom',
          ROOM_SHARE: JSON.stringify([...share, { id: stranger, role: 'Read' }]),
        }),
      );
      const event = ticketEvent('generic');
      await other.add(event);
      await other.finished(event);
      const entry = await other.ledgerOf(event);
      expect(entry?.stages.share).toBe('done');
      expect(entry?.share?.dropped).toEqual([stranger]);
      const { logs } = await other.rooms.getJobLogs(ticketKey(event));
      expect(logs.find((l) => l.startsWith('share:'))).toContain(`DocSpace dropped ${stranger}`);
    } finally {
      await other.close();
    }
  });
});
