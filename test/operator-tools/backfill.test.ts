import { QUEUE_NAMES, type RoomJobData } from '@ticket-rooms/core';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Helpdesks, startHelpdesks, VENDORS, type Vendor } from '../../apps/worker/test/support/helpdesks';
import { runBackfillCommand } from '../../scripts/tools/backfill/backfill-command';

const TICKETS = 250;
/** Small pages, so 250 tickets cross several of them. */
const PAGE = '40';
const ZENDESK_ACCOUNT = '22129848';
/** Every third ticket is pending, every fifth of the rest solved, the others open. */
const statusOf = (i: number) => (i % 3 === 0 ? 'pending' : i % 5 === 0 ? 'solved' : 'open');
const PENDING = Array.from({ length: TICKETS }, (_, i) => statusOf(i)).filter((s) => s === 'pending').length;

interface Summary {
  counts: { listed: number; queued: number; known: number; skipped: number; unreadable: number };
  complete: boolean;
  resumed: boolean;
  stoppedBy?: string;
}

/** 250 tickets made directly in each helpdesk, as if they predated the webhooks. */
function seed(h: Helpdesks) {
  for (let i = 0; i < TICKETS; i++) {
    const zendesk = h.zendesk.store.create({
      subject: `Old Zendesk ${i}`,
      description: 'd',
      isPublic: true,
      baseUrl: 'https://acme.zendesk.com',
    });
    zendesk.status = statusOf(i);
    h.freshdesk.store.create({
      subject: `Old Freshdesk ${i}`,
      description: 'd',
      status: { open: 2, pending: 3, solved: 4 }[statusOf(i)],
    });
    h.jira.store.create({ projectKey: 'SUP', summary: `Old Jira ${i}` });
  }
}

describe('pnpm backfill', () => {
  let helpdesks: Helpdesks;
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const queues: Queue[] = [];

  beforeAll(async () => {
    helpdesks = await startHelpdesks();
    seed(helpdesks);
  });
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await redis.quit();
    await helpdesks?.close();
  });

  /** One deployment's environment: its own queue prefix on the test Redis. */
  const deployment = () => {
    const prefix = testPrefix('backfill');
    const rooms = new Queue<RoomJobData>(QUEUE_NAMES.rooms, { connection: redis, prefix });
    queues.push(rooms);
    const env = { ...helpdesks.env(), REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, TICKET_ROOMS_ENV_FILE: 'none' };
    return { rooms, env };
  };

  const backfill = async (
    env: Record<string, string>,
    vendor: Vendor,
    args: string[] = [],
    signal?: AbortSignal,
    onTick?: () => void,
  ) => {
    const out: string[] = [];
    const err: string[] = [];
    const tenant = vendor === 'zendesk' ? ['--tenant', ZENDESK_ACCOUNT] : [];
    const code = await runBackfillCommand(
      [vendor, '--json', '--page-size', PAGE, ...tenant, ...args],
      env,
      { out: (line) => out.push(line), err: (line) => err.push(line) },
      { progress: { isTTY: true, write: () => onTick?.() }, ...(signal ? { signal } : {}) },
    );
    const summary = out.length > 0 ? (JSON.parse(out.at(-1) as string) as Summary) : undefined;
    return { code, summary, err };
  };

  const jobsIn = async (rooms: Queue<RoomJobData>) => {
    const jobs = await rooms.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']);
    return jobs.map((j) => j.data.event);
  };

  for (const vendor of VENDORS) {
    it(`${vendor}: 250 tickets make 250 room jobs, and a second run makes nothing new`, async () => {
      const { rooms, env } = deployment();
      const first = await backfill(env, vendor);
      expect(first.code, first.err.join('\n')).toBe(0);
      expect(first.summary?.counts).toEqual({ listed: TICKETS, queued: TICKETS, known: 0, skipped: 0, unreadable: 0 });
      const events = await jobsIn(rooms);
      expect(events).toHaveLength(TICKETS);
      expect(new Set(events.map((e) => e.ticketId)).size).toBe(TICKETS);
      expect(events.every((e) => e.kind === 'ticket.created' && e.source === vendor)).toBe(true);
      expect(events.map((e) => e.subject)).toContain(`Old ${vendor[0]?.toUpperCase()}${vendor.slice(1)} 7`);

      const second = await backfill(env, vendor);
      expect(second.code).toBe(0);
      expect(second.summary?.counts).toEqual({ listed: TICKETS, queued: 0, known: TICKETS, skipped: 0, unreadable: 0 });
      expect(await jobsIn(rooms)).toHaveLength(TICKETS);
    });
  }

  it('names the tenant the webhooks name, so a webhook after the backfill is a duplicate', async () => {
    const { rooms, env } = deployment();
    await backfill(env, 'freshdesk', ['--limit', '1']);
    await backfill(env, 'jira', ['--limit', '1']);
    await backfill(env, 'zendesk', ['--limit', '1']);
    const byVendor = Object.fromEntries((await jobsIn(rooms)).map((e) => [e.source, e]));
    expect(byVendor.zendesk?.tenant).toBe(ZENDESK_ACCOUNT);
    expect(byVendor.freshdesk?.tenant).toBe(new URL(helpdesks.env().FRESHDESK_URL as string).host);
    expect(byVendor.jira?.tenant).toBe(new URL(helpdesks.env().JIRA_URL as string).host);
    expect(byVendor.jira?.ticketUrl).toMatch(/\/browse\/SUP-\d+$/);
  });

  it('--status backfills only tickets whose status is now one of those given', async () => {
    const { rooms, env } = deployment();
    for (const vendor of ['zendesk', 'freshdesk'] as const) {
      const run = await backfill(env, vendor, ['--status', 'pending']);
      expect(run.summary?.counts).toMatchObject({ listed: TICKETS, queued: PENDING, skipped: TICKETS - PENDING });
    }
    expect(await jobsIn(rooms)).toHaveLength(2 * PENDING);
  });

  it('--dry-run lists and counts, and queues nothing', async () => {
    const { rooms, env } = deployment();
    const run = await backfill(env, 'jira', ['--dry-run']);
    expect(run.summary?.counts).toMatchObject({ listed: TICKETS, queued: TICKETS });
    expect(await jobsIn(rooms)).toHaveLength(0);
  });

  it('stopped by --limit and by a signal, it resumes from the saved cursor: the same 250 jobs, none twice', async () => {
    const { rooms, env } = deployment();
    const limited = await backfill(env, 'zendesk', ['--limit', '90']);
    expect(limited.summary).toMatchObject({ complete: false, stoppedBy: 'limit', counts: { listed: 90, queued: 90 } });

    const stop = new AbortController();
    let ticks = 0;
    const signalled = await backfill(env, 'zendesk', [], stop.signal, () => {
      if (++ticks === 60) stop.abort();
    });
    expect(signalled.code).toBe(130);
    expect(signalled.summary).toMatchObject({ complete: false, resumed: true, stoppedBy: 'signal' });

    const rest = await backfill(env, 'zendesk');
    expect(rest.summary).toMatchObject({ complete: true, resumed: true });
    // Resuming at the page in hand lists again the part of it already offered: known, not queued.
    const queued = [limited, signalled, rest].reduce((n, r) => n + (r.summary?.counts.queued ?? 0), 0);
    expect(queued).toBe(TICKETS);
    const events = await jobsIn(rooms);
    expect(events).toHaveLength(TICKETS);
    expect(new Set(events.map((e) => e.ticketId)).size).toBe(TICKETS);
    // Finished, the cursor is gone: the next run lists everything again, all of it known.
    expect((await backfill(env, 'zendesk')).summary).toMatchObject({ resumed: false, counts: { known: TICKETS } });
  });

  it('waits out a 429 and its Retry-After, then finishes', async () => {
    const { rooms, env } = deployment();
    const sim = helpdesks.freshdesk;
    sim.faults.set({ rateLimitRate: 1, retryAfterSeconds: 1, limit: 2, only: '/api/v2/tickets' });
    try {
      const run = await backfill(env, 'freshdesk');
      expect(run.code, run.err.join('\n')).toBe(0);
      expect(sim.faults.injected.rateLimit).toBeGreaterThanOrEqual(2);
      expect(run.err.join('\n')).toMatch(/rate limiting us.*retrying in 1\.0 s/);
      expect(run.summary?.counts.queued).toBe(TICKETS);
      expect(await jobsIn(rooms)).toHaveLength(TICKETS);
    } finally {
      sim.faults.set({});
    }
  });
});
