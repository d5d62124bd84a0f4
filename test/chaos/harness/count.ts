import { noteMarker } from '@ticket-rooms/helpdesk';
import type { SenderVendor } from '@ticket-rooms/simulators';
import type { Secrets } from './secrets';
import { RUN_FOLDERS, RUN_SHARE, type Stack } from './stack';

/** A ticket that was acknowledged (202) and so must end as exactly one complete room. */
export interface AcknowledgedTicket {
  key: string;
  vendor: SenderVendor;
  helpdeskId: string;
}

export interface TicketCount {
  key: string;
  rooms: number;
  /** Folder paths of the (first) room, with repeats if a folder was made twice. */
  folderPaths: string[];
  shareOk: boolean;
  /** Notes carrying the ticket's marker; `undefined` for generic tickets (no helpdesk). */
  notes: number | undefined;
}

export interface CountReport {
  tickets: number;
  rooms: number;
  /** Rooms with no ticket tag at all: made without the tag, which nothing could ever find again. */
  untaggedRooms: number;
  /** Tagged rooms whose ticket was never acknowledged. */
  strayRooms: number;
  roomsPerTicket: Record<string, number>;
  notesPerTicket: Record<string, number>;
  completeFolderSets: number;
  sharesOk: number;
  /** Extra rooms + repeated folders + extra notes. */
  duplicates: number;
  /** Acknowledged tickets without a room, a complete folder set, the share, or (helpdesk tickets) the note. */
  missing: number;
  problems: Array<{ key: string; problem: string }>;
}

interface Envelope<T> {
  response: T;
}
interface RoomDto {
  id: number;
  title: string;
  tags?: string[];
}
interface FolderDto {
  id: number;
  title: string;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

async function getJson<T>(url: string, headers: Record<string, string>): Promise<{ json: T; headers: Headers }> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) }).catch((err: unknown) => err);
    if (res instanceof Response && res.ok) return { json: (await res.json()) as T, headers: res.headers };
    if (attempt >= 3) {
      const what = res instanceof Response ? `${res.status} ${await res.text()}` : String(res);
      throw new Error(`GET ${url} failed: ${what.slice(0, 300)}`);
    }
  }
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * Counts what the vendors hold, through their own read APIs only: every room on the portal (any
 * area) grouped by ticket tag, each room's folder tree and members, and each ticket's notes.
 * Call it with the faults off.
 */
export async function countOutcome(stack: Stack, secrets: Secrets, acked: AcknowledgedTicket[]): Promise<CountReport> {
  const ds = stack.docspace.baseUrl as string;
  const dsHeaders = { authorization: `Bearer ${secrets.docspaceApiKey}`, accept: 'application/json' };

  // 1. Every room, paged.
  const rooms: RoomDto[] = [];
  for (let start = 0; ; start += 100) {
    const { json } = await getJson<Envelope<{ folders: RoomDto[]; total: number }>>(
      `${ds}/api/2.0/files/rooms?searchArea=2&count=100&startIndex=${start}`,
      dsHeaders,
    );
    rooms.push(...json.response.folders);
    if (json.response.folders.length === 0 || rooms.length >= json.response.total) break;
  }
  const byKey = new Map<string, RoomDto[]>();
  let untaggedRooms = 0;
  for (const room of rooms) {
    const tag = (room.tags ?? []).find((t) => t.startsWith('tr-'));
    if (!tag) {
      untaggedRooms += 1;
      continue;
    }
    const key = tag.slice(3);
    byKey.set(key, [...(byKey.get(key) ?? []), room]);
  }
  const ackedKeys = new Set(acked.map((t) => t.key));
  const strayRooms = [...byKey.entries()].filter(([key]) => !ackedKeys.has(key)).reduce((n, [, r]) => n + r.length, 0);

  // 2. Folder tree of a room, as paths.
  const folderPaths = async (roomId: number): Promise<string[]> => {
    const paths: string[] = [];
    const walk = async (id: number, prefix: string) => {
      const { json } = await getJson<Envelope<FolderDto[]>>(`${ds}/api/2.0/files/${id}/subfolders`, dsHeaders);
      for (const f of json.response) {
        const path = prefix ? `${prefix}/${f.title}` : f.title;
        paths.push(path);
        await walk(f.id, path);
      }
    };
    await walk(roomId, '');
    return paths.sort();
  };
  const shareOk = async (roomId: number): Promise<boolean> => {
    const { json } = await getJson<Envelope<Array<{ sharedTo?: { id?: string } }>>>(
      `${ds}/api/2.0/files/rooms/${roomId}/share`,
      dsHeaders,
    );
    const ids = new Set(json.response.map((m) => m.sharedTo?.id));
    return RUN_SHARE.every((s) => ids.has(s.id));
  };

  // 3. Notes carrying the ticket's marker, through each helpdesk's list endpoint (every page).
  const notesOn = async (ticket: AcknowledgedTicket): Promise<number | undefined> => {
    const marker = noteMarker(ticket.key);
    const hits = (texts: Array<string | undefined>) => texts.filter((t) => t?.includes(marker)).length;
    const id = encodeURIComponent(ticket.helpdeskId);
    if (ticket.vendor === 'zendesk') {
      const auth = { authorization: basic(`${secrets.zendeskEmail}/token`, secrets.zendeskApiToken) };
      let url: string | null = `${stack.zendesk.baseUrl}/api/v2/tickets/${id}/comments.json?page%5Bsize%5D=100`;
      let n = 0;
      while (url) {
        const page: { json: { comments: Array<{ html_body?: string }>; links: { next: string | null } } } =
          await getJson(url, auth);
        n += hits(page.json.comments.map((c) => c.html_body));
        url = page.json.links.next;
      }
      return n;
    }
    if (ticket.vendor === 'freshdesk') {
      const auth = { authorization: basic(secrets.freshdeskApiKey, 'X') };
      let url: string | undefined = `${stack.freshdesk.baseUrl}/api/v2/tickets/${id}/conversations?per_page=100`;
      let n = 0;
      while (url) {
        const res: { json: Array<{ body?: string }>; headers: Headers } = await getJson(url, auth);
        n += hits(res.json.map((c) => c.body));
        url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      }
      return n;
    }
    if (ticket.vendor === 'jira') {
      const auth = { authorization: basic(secrets.jiraEmail, secrets.jiraApiToken) };
      let n = 0;
      for (let start = 0; ; start += 100) {
        const { json } = await getJson<{ values: Array<{ body?: string }>; isLastPage: boolean }>(
          `${stack.jira.baseUrl}/rest/servicedeskapi/request/${id}/comment?start=${start}&limit=100`,
          auth,
        );
        n += hits(json.values.map((c) => c.body));
        if (json.isLastPage) break;
      }
      return n;
    }
    return undefined;
  };

  // 4. Per ticket.
  const counts = await mapLimit(acked, 16, async (ticket): Promise<TicketCount> => {
    const own = byKey.get(ticket.key) ?? [];
    const first = own[0];
    return {
      key: ticket.key,
      rooms: own.length,
      folderPaths: first ? await folderPaths(first.id) : [],
      shareOk: first ? await shareOk(first.id) : false,
      notes: await notesOn(ticket),
    };
  });

  const expectedFolders = [...RUN_FOLDERS].sort().join('|');
  const roomsPerTicket: Record<string, number> = {};
  const notesPerTicket: Record<string, number> = {};
  const problems: CountReport['problems'] = [];
  let duplicates = 0;
  let missing = 0;
  let completeFolderSets = 0;
  let sharesOk = 0;
  for (const c of counts) {
    roomsPerTicket[String(c.rooms)] = (roomsPerTicket[String(c.rooms)] ?? 0) + 1;
    if (c.notes !== undefined) notesPerTicket[String(c.notes)] = (notesPerTicket[String(c.notes)] ?? 0) + 1;
    const unique = new Set(c.folderPaths);
    const extraFolders = c.folderPaths.length - unique.size;
    const complete = RUN_FOLDERS.every((p) => unique.has(p));
    if (complete) completeFolderSets += 1;
    if (c.shareOk) sharesOk += 1;
    duplicates += Math.max(0, c.rooms - 1) + extraFolders + Math.max(0, (c.notes ?? 0) - 1);
    const lacks: string[] = [];
    if (c.rooms === 0) lacks.push('no room');
    else {
      if (!complete) lacks.push(`folders ${c.folderPaths.join(',') || 'none'} (want ${expectedFolders})`);
      if (!c.shareOk) lacks.push('share missing');
    }
    if (c.notes === 0) lacks.push('no note');
    if (lacks.length > 0) missing += 1;
    const extras: string[] = [];
    if (c.rooms > 1) extras.push(`${c.rooms} rooms`);
    if (extraFolders > 0) extras.push(`${extraFolders} repeated folders`);
    if ((c.notes ?? 0) > 1) extras.push(`${c.notes} notes`);
    if (lacks.length + extras.length > 0) problems.push({ key: c.key, problem: [...lacks, ...extras].join('; ') });
  }
  return {
    tickets: acked.length,
    rooms: rooms.length,
    untaggedRooms,
    strayRooms,
    roomsPerTicket,
    notesPerTicket,
    completeFolderSets,
    sharesOk,
    duplicates: duplicates + untaggedRooms,
    missing,
    problems,
  };
}
