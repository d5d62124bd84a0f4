import { randomBytes } from 'node:crypto';
import { basicAuthHeader, QUEUE_NAMES, RoomJobData, type TicketEvent } from '@ticket-rooms/core';
import { helpdeskAdapter } from '@ticket-rooms/helpdesk';
import { buildDelivery, type SenderVendor, type SendResult, sendDelivery } from '@ticket-rooms/simulators';
import { Ledger, type LedgerEntry } from '@ticket-rooms/worker';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inboundVariable, simulatedFixed } from '../plan';
import { attachmentsListing, DEMO_FILE, type DemoFileServices, zendeskTicketWithFile } from './attachment';
import { addFinding, DEMO_FINDING, type FindingOutcome } from './finding';
import { isFinished, noteOutcome, stagesLine } from './progress';
import { type DemoTicket, demoTickets, runNumber, ticketLabel } from './tickets';

export interface DemoTarget {
  receiverUrl: string;
  redisUrl: string;
  queuePrefix: string;
  dashboardUrl: string | undefined;
  /** The value of an inbound variable: the environment's, else the one `pnpm start` generated. */
  secretOf(variable: string): string | undefined;
  /** The base URL of each simulator the stack runs (`docspace`, and each simulated helpdesk). */
  simulators?: Readonly<Record<string, string>>;
  /** Simulated Zendesk and DocSpace: the Zendesk ticket then carries a file, shown in its room. */
  files?: DemoFileServices;
  /** How long the worker collects a ticket's findings before noting them (`FINDINGS_BATCH_SECONDS`), when known. */
  findingsBatchSeconds?: number;
}

export interface DemoOptions {
  /** How long to follow the tickets before giving up on them. */
  timeoutMs: number;
  out(line: string): void;
  now?: () => number;
}

interface Followed extends DemoTicket {
  jobId: string;
  event?: TicketEvent;
  entry?: LedgerEntry;
  shown?: string;
  failedReason?: string;
}

export interface DemoResult {
  /** Every accepted ticket has its room and link, and its note where it has a helpdesk. */
  ok: boolean;
  tickets: Array<{ label: string; state: string; rule?: string; title?: string; url?: string; note?: string }>;
  /** The ticket solved and reopened in its helpdesk, and what its room did each time. */
  lifecycle?: FollowedChange[];
  /** The Zendesk room's Attachments folder, as DocSpace lists it, when the demo attached a file. */
  attachments?: Array<{ title: string; size: number | undefined }>;
  duplicate?: SendResult;
  badSignature?: SendResult;
  /** A file added to the Zendesk room's Findings folder, and the note it became on the ticket. */
  finding?: FindingOutcome;
}

type Credentials = { secret?: string; token?: string };

/** Signing material for a route, from the first entry of its (comma-separated) variable. */
function credentialsFor(vendor: SenderVendor, target: DemoTarget): Credentials | undefined {
  const first = (name: string) =>
    target
      .secretOf(name)
      ?.split(',')
      .map((s) => s.trim())
      .find((s) => s !== '');
  // A signing secret where the route takes one, else its token.
  const { credentials } = helpdeskAdapter(vendor).inbound;
  const secret = credentials.secret === undefined ? undefined : first(credentials.secret);
  if (secret) return { secret };
  const token = credentials.token === undefined ? undefined : first(credentials.token);
  return token ? { token } : undefined;
}

function describeResponse(res: SendResult): string {
  const json = res.json as { status?: string; code?: string; message?: string; duplicate?: boolean } | undefined;
  if (res.status === 202) return `202 ${json?.duplicate ? 'duplicate' : 'accepted'}`;
  return `${res.status} ${json?.code ?? ''} ${json?.message ?? res.body}`.trim();
}

/**
 * The demo: one signed delivery per route, a duplicate and a forged one, then the tickets followed
 * through their stages in the ticket ledger until each has its room and link (or the time is up).
 */
export async function runDemo(target: DemoTarget, opts: DemoOptions): Promise<DemoResult> {
  const { out } = opts;
  const now = opts.now ?? Date.now;
  const run = runNumber(now());
  const followed: Followed[] = [];
  const result: DemoResult = { ok: false, tickets: [] };
  const tickets = demoTickets(run);
  // 0. With simulated Zendesk and DocSpace, the Zendesk ticket exists there first, with a file.
  const zendeskTicket = tickets.find((t) => t.vendor === 'zendesk');
  let fileTicket: DemoTicket | undefined;
  if (target.files && zendeskTicket && credentialsFor('zendesk', target)) {
    zendeskTicket.ticketId = await zendeskTicketWithFile(target.files, zendeskTicket.subject, zendeskTicket.priority);
    fileTicket = zendeskTicket;
    out(`Created ${ticketLabel(zendeskTicket)} in the Zendesk simulator with the file ${DEMO_FILE.name}.`);
  }
  // One column for every name printed, `zendesk #123 forged` included.
  const width = Math.max(...tickets.map((t) => ticketLabel(t).length)) + 8;
  const col = (text: string) => text.padEnd(width);

  // 1. One delivery per route, each signed as its sender signs it.
  out(`Sending one ticket per helpdesk to ${target.receiverUrl}:`);
  let firstSent: { ticket: DemoTicket; credentials: Credentials } | undefined;
  for (const ticket of tickets) {
    const label = col(ticketLabel(ticket));
    const credentials = credentialsFor(ticket.vendor, target);
    if (!credentials) {
      out(`  ${label} skipped: set ${inboundVariable(ticket.vendor)} as the running stack has it`);
      result.tickets.push({ label: ticketLabel(ticket), state: 'skipped' });
      continue;
    }
    const res = await sendDelivery(target.receiverUrl, buildDelivery(ticket.vendor, { ...ticket, ...credentials }));
    const json = res.json as { jobId?: string } | undefined;
    out(`  ${label} → ${describeResponse(res)}`);
    if (res.status === 202 && json?.jobId) {
      followed.push({ ...ticket, jobId: json.jobId });
      firstSent ??= { ticket, credentials };
    } else {
      result.tickets.push({ label: ticketLabel(ticket), state: `refused (${res.status})` });
    }
  }

  // 2. The same ticket again, as a helpdesk retry would send it: one job, no second room.
  if (firstSent) {
    const { ticket, credentials } = firstSent;
    result.duplicate = await sendDelivery(
      target.receiverUrl,
      buildDelivery(ticket.vendor, { ...ticket, ...credentials }),
    );
    out(`  ${col(`${ticketLabel(ticket)} again`)} → ${describeResponse(result.duplicate)}`);
  }

  // 3. A forged delivery: signed with a secret the receiver does not know.
  const forged: DemoTicket = { vendor: 'zendesk', ticketId: String(run + 1), subject: 'Forged: please wire money' };
  result.badSignature = await sendDelivery(
    target.receiverUrl,
    buildDelivery('zendesk', { ...forged, secret: randomBytes(32).toString('base64') }),
  );
  out(`  ${col(`${ticketLabel(forged)} forged`)} → ${describeResponse(result.badSignature)}`);

  // 4. Follow each accepted ticket through its stages in the ledger.
  if (followed.length > 0) {
    out('');
    out(`Following ${followed.length} tickets through route → room → folders → share → link → note:`);
    await follow(target, followed, { ...opts, col });
  }

  // 5. What each ticket got.
  out('');
  out('Rooms:');
  for (const t of followed) {
    const label = ticketLabel(t);
    const entry = t.entry;
    const rule = entry?.route?.rule;
    if (entry?.state === 'done' && entry.route?.skip) {
      out(`  ${col(label)} no room: routing rule ${rule} skips it`);
      result.tickets.push({ label, state: 'done', rule: rule as string });
    } else if (entry?.state === 'done' && entry.room && entry.link) {
      out(`  ${col(label)} "${entry.room.title}"`);
      out(`  ${col('')} routing rule ${rule}${rule === 'default' ? ' (no rule matched)' : ''}`);
      out(`  ${col('')} ${entry.link.url}${entry.link.kind === 'portal' ? '  (DocSpace sign-in required)' : ''}`);
      out(`  ${col('')} ${noteOutcome(entry)}`);
      result.tickets.push({
        label,
        state: 'done',
        ...(rule === undefined ? {} : { rule }),
        title: entry.room.title,
        url: entry.link.url,
        note: noteOutcome(entry),
      });
    } else {
      const why =
        t.failedReason ??
        (entry?.state === 'failed'
          ? (entry.lastError?.message ?? Object.values(entry.reasons).join('; '))
          : `not finished within ${Math.round(opts.timeoutMs / 1000)} s (${stagesLine(entry)})`);
      out(`  ${col(label)} no room link: ${why}`);
      result.tickets.push({ label, state: entry?.state ?? 'unknown' });
    }
  }
  if (result.duplicate) {
    const dup = result.duplicate.json as { jobId?: string; duplicate?: boolean } | undefined;
    const same = firstSent && followed.find((t) => t.vendor === firstSent?.ticket.vendor)?.jobId === dup?.jobId;
    out(
      `Duplicate: ${result.duplicate.status} duplicate:${String(dup?.duplicate)}${same ? ', the same job as the first delivery, so no second room' : ''}.`,
    );
  }
  // 6. The file on the Zendesk ticket, as DocSpace lists the room's Attachments folder.
  const followedFile = followed.find((t) => t.vendor === 'zendesk' && t.ticketId === fileTicket?.ticketId);
  const folderId = followedFile?.entry?.folders?.Attachments;
  if (target.files && fileTicket && folderId !== undefined) {
    result.attachments = await attachmentsListing(target.files, folderId, Date.now() + opts.timeoutMs);
    const listing = result.attachments.map((f) => `${f.title} (${f.size ?? '?'} bytes)`).join(', ') || 'empty';
    out(`Files:     ${ticketLabel(fileTicket)}'s room, folder Attachments: ${listing}`);
  }
  const bad = result.badSignature.json as { code?: string; message?: string } | undefined;
  out(`Forged:    ${result.badSignature.status} ${bad?.code ?? ''}: ${bad?.message ?? result.badSignature.body}`);
  if (target.dashboardUrl) out(`Dashboard: ${target.dashboardUrl} (the jobs, their stage logs and any failure)`);

  // 6. The room follows its ticket: solved, then reopened, in the simulated helpdesk itself,
  //    which sends its own webhook to the receiver for each change.
  const followedZendesk = followed.find((t) => t.vendor === 'zendesk' && t.entry?.room && !t.entry.route?.skip);
  const helpdeskUrl = target.simulators?.zendesk;
  let lifecycleOk = true;
  if (followedZendesk?.event && helpdeskUrl) {
    out('');
    out(`The room follows its ticket (${ticketLabel(followedZendesk)}, changed in the helpdesk itself):`);
    result.lifecycle = await followLifecycle(target, followedZendesk.event, helpdeskUrl, { ...opts, out });
    lifecycleOk = result.lifecycle.every((c) => c.ok);
  }

  // 7. Findings flow back: a file added to the room's Findings folder in DocSpace becomes an
  //    internal note on the ticket, through the portal's webhook to the receiver.
  let findingOk = true;
  const findingsFolder = followedZendesk?.entry?.folders?.Findings;
  const docspaceUrl = target.simulators?.docspace;
  const apiKey = target.secretOf('DOCSPACE_API_KEY');
  const email = target.secretOf('ZENDESK_EMAIL') ?? simulatedFixed('ZENDESK_EMAIL');
  const apiToken = target.secretOf('ZENDESK_API_TOKEN');
  if (
    followedZendesk?.event &&
    findingsFolder !== undefined &&
    docspaceUrl &&
    apiKey &&
    helpdeskUrl &&
    email &&
    apiToken
  ) {
    out('');
    // The worker holds a ticket's findings for its batch window before it notes them.
    const seconds = target.findingsBatchSeconds;
    const after = seconds === undefined ? '' : ` (noted after the worker's ${seconds} s findings window)`;
    out(`Adding ${DEMO_FINDING} to the Findings folder of ${ticketLabel(followedZendesk)}'s room${after}:`);
    const window = (seconds ?? 0) * 1000;
    result.finding = await addFinding(
      { docspace: { url: docspaceUrl, apiKey }, zendesk: { url: helpdeskUrl, email, apiToken } },
      { folderId: findingsFolder, ticketId: followedZendesk.event.ticketId },
      Date.now() + window + opts.timeoutMs,
    );
    out(
      result.finding.ok
        ? `Finding: ${DEMO_FINDING} → note ${result.finding.noteId} on the ticket`
        : `Finding: ${DEMO_FINDING} → no note on the ticket (${result.finding.reason})`,
    );
    findingOk = result.finding.ok;
  }

  result.ok = followed.length > 0 && result.tickets.every((t) => t.state === 'done') && lifecycleOk && findingOk;
  return result;
}

export interface FollowedChange {
  status: string;
  /** The room's archived state that status asks for, and whether the room got there in time. */
  archived: boolean;
  ok: boolean;
}

/**
 * Solves the ticket through the simulated helpdesk's own API, waits for its room to be archived,
 * then reopens it and waits for the room to come back: each change reaches the receiver as the
 * helpdesk's webhook, never from the demo.
 */
async function followLifecycle(
  target: DemoTarget,
  event: TicketEvent,
  helpdeskUrl: string,
  opts: DemoOptions,
): Promise<FollowedChange[]> {
  const email = target.secretOf('ZENDESK_EMAIL') ?? simulatedFixed('ZENDESK_EMAIL');
  const token = target.secretOf('ZENDESK_API_TOKEN');
  const changes: FollowedChange[] = [];
  if (!email || !token) {
    opts.out("  skipped: the simulated helpdesk's credentials are not known to this demo");
    return changes;
  }
  const redis = new Redis(target.redisUrl, { maxRetriesPerRequest: 1, connectionName: 'ticket-rooms-demo' });
  redis.on('error', () => {});
  const ledger = new Ledger(redis, target.queuePrefix);
  try {
    for (const [status, archived] of [
      ['solved', true],
      ['open', false],
    ] as const) {
      const res = await fetch(`${helpdeskUrl}/api/v2/tickets/${encodeURIComponent(event.ticketId)}.json`, {
        method: 'PUT',
        headers: { authorization: basicAuthHeader(`${email}/token`, token), 'content-type': 'application/json' },
        body: JSON.stringify({ ticket: { status } }),
      });
      if (!res.ok) {
        opts.out(`  ${status}: the helpdesk answered ${res.status}`);
        changes.push({ status, archived, ok: false });
        continue;
      }
      const deadline = Date.now() + opts.timeoutMs;
      let entry = await ledger.read(event);
      while (entry?.room?.archived !== archived && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        entry = await ledger.read(event);
      }
      const ok = entry?.room?.archived === archived;
      const room = entry?.room?.id;
      opts.out(
        ok
          ? `  ticket ${status} in the helpdesk → room ${room} ${archived ? 'archived' : 'unarchived'}`
          : `  ticket ${status} in the helpdesk → room ${room} not ${archived ? 'archived' : 'unarchived'} within ${Math.round(opts.timeoutMs / 1000)} s`,
      );
      changes.push({ status, archived, ok });
    }
  } finally {
    redis.disconnect();
  }
  return changes;
}

/** Polls the ledger until every ticket has finished or the time is up, printing each change. */
async function follow(
  target: DemoTarget,
  tickets: Followed[],
  opts: DemoOptions & { col(text: string): string },
): Promise<void> {
  const redis = new Redis(target.redisUrl, { maxRetriesPerRequest: 1, connectionName: 'ticket-rooms-demo' });
  redis.on('error', () => {});
  const ledger = new Ledger(redis, target.queuePrefix);
  const rooms = new Queue(QUEUE_NAMES.rooms, { connection: redis, prefix: target.queuePrefix });
  const deadline = Date.now() + opts.timeoutMs;
  try {
    while (Date.now() < deadline) {
      for (const t of tickets) {
        if (isFinished(t.entry) || t.failedReason) continue;
        // The job holds the event exactly as the receiver normalized it (tenant included).
        if (!t.event) {
          const job = await rooms.getJob(t.jobId);
          const parsed = RoomJobData.safeParse(job?.data);
          if (parsed.success) t.event = parsed.data.event;
          else continue;
        }
        t.entry = await ledger.read(t.event);
        if (!isFinished(t.entry)) {
          const job = await rooms.getJob(t.jobId);
          if (job && (await job.getState()) === 'failed') t.failedReason = job.failedReason;
        }
        const line = stagesLine(t.entry);
        if (line !== t.shown) {
          t.shown = line;
          opts.out(`  ${opts.col(ticketLabel(t))} ${line}`);
        }
      }
      if (tickets.every((t) => isFinished(t.entry) || t.failedReason)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await rooms.close();
    redis.disconnect();
  }
}
