import { parseArgs } from 'node:util';
import {
  ALL_QUEUE_NAMES,
  type Env,
  type FoundTicket,
  findTickets,
  jobSpecOf,
  NOTE_JOB_NAME,
  QUEUE_NAMES,
  repairEvent,
  Source,
  type TicketRecord,
  ticketJobs,
} from '@ticket-rooms/core';
import { DASHBOARD_PATH } from '@ticket-rooms/receiver';
import { Job, Queue, QueueEvents } from 'bullmq';
import { connectToolRedis } from './redis-env';
import { formatTicket } from './ticket-format';

export const TICKET_USAGE = `usage: pnpm ticket <source> <ticketId> [--tenant T] [--repair] [--timeout 120] [--json]
  source     ${Source.options.join(', ')}
  --tenant   the helpdesk account or site, where one id exists under several
  --repair   check the room against DocSpace and rebuild what is gone (queues a ticket.repair job and waits)
  --timeout  seconds to wait for the repair (default 120)
  --json     one JSON document instead of lines`;

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** What changed between the ledger before and after a repair, in words; empty when nothing did. */
export function repairChanges(before: TicketRecord, after: TicketRecord): string[] {
  const room = (r: TicketRecord) => r.results.room as { id: number; archived?: boolean } | undefined;
  const link = (r: TicketRecord) => (r.results.link as { url: string } | undefined)?.url;
  const note = (r: TicketRecord) => (r.results.note as { id: string } | undefined)?.id;
  const changes: string[] = [];
  if (room(before)?.id !== room(after)?.id) changes.push(`room ${room(before)?.id ?? '–'} → ${room(after)?.id ?? '–'}`);
  else if (room(before)?.archived && !room(after)?.archived) changes.push(`room ${room(after)?.id} unarchived`);
  if (link(before) !== link(after)) changes.push(`link ${link(after) ?? '–'}`);
  if (note(before) !== note(after)) changes.push(`note ${note(after) ?? '–'} posted`);
  return changes;
}

/** `pnpm ticket`: one ticket's ledger and jobs, and its repair. Returns the exit code. */
export async function runTicketCommand(argv: readonly string[], env: Env, io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n${TICKET_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(TICKET_USAGE);
    return 0;
  }
  const [sourceArg, ticketId] = positionals;
  const source = Source.safeParse(sourceArg);
  if (!source.success || !ticketId) {
    io.err(`Give a source (${Source.options.join(', ')}) and a ticket id.\n${TICKET_USAGE}`);
    return 2;
  }
  const timeoutMs = Number(values.timeout) * 1000;
  const tool = await connectToolRedis(env);
  const queues: Queue[] = [];
  try {
    const query = { source: source.data, ticketId, ...(values.tenant ? { tenant: values.tenant } : {}) };
    const found = await findTickets(tool.redis, tool.prefixes, query);
    if (found.length === 0) {
      io.err(
        `No ${source.data} ticket ${ticketId}${values.tenant ? ` of tenant ${values.tenant}` : ''} is in the ledger.`,
      );
      return 1;
    }
    if (found.length > 1) {
      io.err(
        `${source.data} ticket ${ticketId} exists under several tenants (${found.map((f) => f.record.tenant).join(', ')}); add --tenant.`,
      );
      return 1;
    }
    const { prefix, record } = found[0] as FoundTicket;
    const own = ALL_QUEUE_NAMES.map((name) => new Queue(name, { connection: tool.redis, prefix }));
    queues.push(...own);
    let after = record;
    let repair: { jobId: string; changes: string[] } | undefined;
    if (values.repair) {
      const rooms = own.find((q) => q.name === QUEUE_NAMES.rooms) as Queue;
      const creation = await Job.fromId(rooms, record.key);
      const event = repairEvent(record, creation?.data?.event?.subject ? { subject: creation.data.event.subject } : {});
      const spec = jobSpecOf(event.kind);
      const jobId = spec.jobId(event);
      const roomEvents = new QueueEvents(QUEUE_NAMES.rooms, { connection: tool.redis, prefix });
      try {
        await roomEvents.waitUntilReady();
        const job = await rooms.add(event.kind, { event }, { ...spec.options(), jobId });
        io.err(`repair queued as ${jobId}; waiting for the worker…`);
        const result = (await job.waitUntilFinished(roomEvents, timeoutMs)) as { note?: { jobId?: string } };
        const noteJobId = result?.note?.jobId;
        if (noteJobId) {
          // The note of a changed link: wait for it too, so the summary says whether it was posted.
          for (const q of own.filter((q) => q.name.startsWith('notes-'))) {
            const noteJob = await Job.fromId(q, noteJobId);
            if (!noteJob || noteJob.name !== NOTE_JOB_NAME) continue;
            const noteEvents = new QueueEvents(q.name, { connection: tool.redis, prefix });
            try {
              await noteEvents.waitUntilReady();
              if (!(await noteJob.isCompleted())) await noteJob.waitUntilFinished(noteEvents, timeoutMs);
            } finally {
              await noteEvents.close();
            }
          }
        }
      } finally {
        await roomEvents.close();
      }
      const again = await findTickets(tool.redis, [prefix], { ...query, tenant: record.tenant });
      after = again[0]?.record ?? record;
      repair = { jobId, changes: repairChanges(record, after) };
    }
    const jobs = await ticketJobs(tool.redis, own, after.key, DASHBOARD_PATH);
    if (values.json) {
      io.out(JSON.stringify({ ticket: after, jobs, ...(repair ? { repair } : {}) }, null, 2));
    } else {
      for (const line of formatTicket(after, jobs)) io.out(line);
      if (repair) {
        io.out(
          repair.changes.length === 0
            ? 'repair: nothing to do; the room is in DocSpace and every stage is done.'
            : `repair: ${repair.changes.join(', ')}`,
        );
      }
    }
    return after.state === 'failed' ? 1 : 0;
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    await tool.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      repair: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '120' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
