// The synchronous design, the reference `bench/pipeline.ts --mode sync` measures the pipeline
// against: `tsx bench/sync-design.ts` with the worker's variables (DOCSPACE_*, ZENDESK_*, …, ROOM_*)
// and the receiver's inbound ones (ZENDESK_WEBHOOK_SECRET, …) in the environment, and PORT.
// A Fastify handler that checks and parses a delivery as the receiver does, then makes the same
// vendor calls as the worker, with the same clients, one after another before it answers: the tag
// lookup, the room, its folders, the share and link where the room settings ask for them, the
// note, and the listing of the ticket's attachments. No queue, no ledger, no checkpoints: a crash
// or a lost answer in the middle leaves the ticket half done until the sender retries.
import { roomTag, type Source, ticketKey } from '@ticket-rooms/core';
import {
  AccessRole,
  allowsExternalLinks,
  createDocspaceClient,
  LinkType,
  type Room,
  RoomType,
  roomTypeCanShare,
  sanitizeTitle,
} from '@ticket-rooms/docspace-client';
import {
  type AttachmentReader,
  HELPDESK_ROUTES,
  inboundConfigFromEnv,
  type NoteWriter,
  parseDelivery,
  renderRoomNote,
  WRITE_BACK_HELPDESKS,
} from '@ticket-rooms/helpdesk';
import { loadWorkerConfig } from '@ticket-rooms/worker';
import Fastify from 'fastify';

const config = loadWorkerConfig(process.env);
const inbound = inboundConfigFromEnv(process.env);
const docspace = createDocspaceClient({
  baseUrl: config.docspace.baseUrl,
  apiKey: config.docspace.apiKey,
  timeoutMs: config.docspace.timeoutMs,
  connections: Math.max(16, config.concurrency * 2),
});
const writers = new Map<string, NoteWriter>();
const readers = new Map<string, AttachmentReader>();
for (const helpdesk of WRITE_BACK_HELPDESKS) {
  const settings = config.helpdesk[helpdesk.source as keyof typeof config.helpdesk];
  if (!settings) continue;
  writers.set(helpdesk.source, helpdesk.writeBack.createWriter(settings, {}));
  const reader = helpdesk.writeBack.createAttachmentReader?.(settings, {});
  if (reader && config.attachments.enabled) readers.set(helpdesk.source, reader);
}
const room = config.room;

/** The worker's default title (`Ticket #{ticketId} - {subject}`), made safe by DocSpace's rules. */
function titleOf(ticketId: string, subject: string): string {
  return sanitizeTitle(`Ticket #${ticketId} - ${subject.replace(/\s+/g, ' ').trim()}`, 'room');
}

async function openRoom(event: { source: Source; tenant: string; ticketId: string; subject: string }) {
  // 1. The room: found by its tag, else created with it.
  const tag = roomTag(event);
  const found = await docspace.findRoomsByTag(tag, { includeArchived: true });
  let made: Room | undefined;
  const existing = [...found].sort((a, b) => a.id - b.id)[0];
  if (!existing) {
    made = await docspace.createRoom({
      title: titleOf(event.ticketId, event.subject),
      roomType: room.type,
      tags: [tag, 'ticket-rooms'],
      ...(Object.keys(room.options).length > 0 ? { options: room.options } : {}),
    });
  }
  const target = (made ?? existing) as Room;
  // 2. The folders: a room made just now is empty, so nothing is listed; otherwise each parent once.
  const ids = new Map<string | undefined, number>([[undefined, target.id]]);
  const empty = new Set<string | undefined>(made ? [undefined] : []);
  const listed = new Map<string | undefined, Map<string, number>>();
  for (const node of room.folders) {
    const parentId = ids.get(node.parent) as number;
    let children = listed.get(node.parent);
    if (!children) {
      const list = empty.has(node.parent) ? [] : await docspace.listFolders(parentId);
      children = new Map(list.map((f) => [f.title, f.id]));
      listed.set(node.parent, children);
    }
    let id = children.get(node.title);
    if (id === undefined) {
      id = (await docspace.createFolder(parentId, node.title)).id;
      empty.add(node.path);
    }
    ids.set(node.path, id);
  }
  // 3. The share, when the settings name anyone.
  if (room.share.length > 0) {
    await docspace.setRoomAccess(
      target.id,
      room.share.map((t) => ({ id: t.id, access: t.access })),
      { notify: false },
    );
  }
  // 4. The link: an external one where the room type has them, else the room's portal URL.
  let url = docspace.roomPortalUrl(target.id, { archived: target.archived });
  if (!target.archived && roomTypeCanShare(target.roomType) && allowsExternalLinks(target.roomType)) {
    // A custom room made just now has no links: DocSpace makes one only for public and form rooms.
    const bare = made !== undefined && target.roomType === RoomType.Custom;
    const links = bare ? [] : await docspace.listRoomLinks(target.id, { type: LinkType.External });
    const live = links.find((l) => !l.expired && (l.primary || l.title === 'Ticket Rooms'));
    const link =
      live ??
      (await docspace.setRoomLink(target.id, {
        linkType: LinkType.External,
        access: AccessRole.Read,
        title: 'Ticket Rooms',
      }));
    if (link) url = link.url;
  }
  return { room: target, url, created: made !== undefined };
}

const app = Fastify();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
for (const { url, source } of HELPDESK_ROUTES) {
  app.post(url, async (req, reply) => {
    const outcome = parseDelivery(
      source,
      { headers: req.headers, rawBody: req.body as Buffer, nowMs: Date.now() },
      inbound,
    );
    if (outcome.kind !== 'event') return reply.code(400).send({ outcome: outcome.kind });
    const event = outcome.event;
    try {
      const opened = await openRoom(event);
      // 5. The note. A room made by this very request cannot have a note yet; otherwise read back first.
      const writer = writers.get(event.source);
      const note = renderRoomNote({ roomTitle: opened.room.title, url: opened.url, key: ticketKey(event) });
      if (writer) {
        if (opened.created) await writer.addNote(event.ticketId, note);
        else await writer.ensureNote(event.ticketId, note);
      }
      // 6. The ticket's attachments, listed (none of the benchmark's tickets has any to copy).
      await readers.get(event.source)?.list(event.ticketId);
      return reply.code(200).send({ roomId: opened.room.id, url: opened.url });
    } catch (err) {
      return reply.code(502).send({ error: String(err) });
    }
  });
}
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` })}\n`,
);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
