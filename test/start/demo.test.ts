import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuthHeader, QUEUE_NAMES } from '@ticket-rooms/core';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_FILE, demoFileServices } from '../../scripts/stack/demo/attachment';
import { DEMO_FINDING } from '../../scripts/stack/demo/finding';
import { runDemo } from '../../scripts/stack/demo/run-demo';
import { LogOutput } from '../../scripts/stack/log-output';
import { type RunningStack, startStack } from '../../scripts/stack/stack';

let stack: RunningStack | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await stack?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  stack = undefined;
  dataDir = undefined;
});

async function inProcessStack(): Promise<RunningStack> {
  dataDir = mkdtempSync(join(tmpdir(), 'ticket-rooms-demo-'));
  stack = await startStack({
    env: {
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testPrefix('demo'),
      LOG_LEVEL: 'silent',
      FINDINGS_BATCH_SECONDS: '1',
    },
    dataDir,
    logOutput: new LogOutput('json', () => {}),
    port: 0,
    workerMetrics: false,
  });
  return stack;
}

function targetOf(s: RunningStack) {
  return {
    receiverUrl: s.receiverUrl,
    redisUrl: s.redisUrl,
    queuePrefix: s.queuePrefix,
    dashboardUrl: s.dashboardUrl,
    secretOf: (name: string) => s.plan.secrets[name],
    simulators: Object.fromEntries(
      Object.entries(s.simulators).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    ...(s.findingsBatchSeconds === undefined ? {} : { findingsBatchSeconds: s.findingsBatchSeconds }),
  };
}

describe('runDemo', () => {
  it('reports every ticket with its room title, link and note, the duplicate and the forged delivery', async () => {
    const s = await inProcessStack();
    const lines: string[] = [];
    const files = demoFileServices(s, {});
    expect(files).toBeDefined();
    const result = await runDemo(
      { ...targetOf(s), ...(files ? { files } : {}) },
      {
        timeoutMs: 30_000,
        out: (l) => lines.push(l),
      },
    );
    expect(result.ok).toBe(true);
    // The Zendesk ticket was made with a file, which DocSpace lists in its room's Attachments folder.
    expect(result.attachments).toEqual([{ title: DEMO_FILE.name, size: Buffer.byteLength(DEMO_FILE.text) }]);
    expect(lines.filter((l) => l.startsWith('Files:') && l.includes(DEMO_FILE.name))).toHaveLength(1);
    expect(result.tickets.map((t) => t.label.split(' ')[0])).toEqual(['zendesk', 'freshdesk', 'jira', 'generic']);
    for (const t of result.tickets) {
      expect(t.state).toBe('done');
      expect(t.url).toMatch(/\/rooms\/shared\/\d+\/filter\?folder=\d+$/);
      expect(t.title).toMatch(/^Ticket #/);
    }
    expect(result.tickets.filter((t) => /^note \d+ posted on the ticket$/.test(t.note ?? ''))).toHaveLength(3);
    // The urgent Zendesk ticket hits the example routing rule the stack wrote; the others none.
    expect(result.tickets.map((t) => t.rule)).toEqual(['urgent', 'default', 'default', 'default']);
    expect(result.tickets[0]?.title).toMatch(/^Ticket #\d+ - URGENT - Printer/);
    expect(lines.filter((l) => /routing rule urgent$/.test(l))).toHaveLength(1);
    expect(result.duplicate?.json).toMatchObject({ status: 'accepted', duplicate: true });
    expect(result.badSignature?.status).toBe(401);
    expect(result.badSignature?.json).toMatchObject({ code: 'RCV_ERR_SIGNATURE_INVALID' });
    // Solved and reopened in the simulated helpdesk, whose own webhooks moved the room.
    expect(result.lifecycle).toEqual([
      { status: 'solved', archived: true, ok: true },
      { status: 'open', archived: false, ok: true },
    ]);
    expect(lines.filter((l) => /ticket solved in the helpdesk → room \d+ archived$/.test(l))).toHaveLength(1);
    // A file added to the room's Findings folder in DocSpace came back as one internal note on
    // the ticket, through the simulator's webhook the stack registered with the receiver.
    expect(result.finding).toMatchObject({ file: DEMO_FINDING, ok: true, noteId: expect.any(Number) });
    expect(
      lines.filter((l) => l === `Finding: ${DEMO_FINDING} → note ${result.finding?.noteId} on the ticket`),
    ).toHaveLength(1);
    const zendesk = s.simulators.zendesk as string;
    const ticketId = result.tickets[0]?.label.split('#')[1];
    const auth = basicAuthHeader(`${s.plan.overrides.ZENDESK_EMAIL}/token`, s.plan.secrets.ZENDESK_API_TOKEN as string);
    const res = await fetch(`${zendesk}/api/v2/tickets/${ticketId}/comments.json`, {
      headers: { authorization: auth },
    });
    const comments = ((await res.json()) as { comments: Array<{ id: number; body: string; public: boolean }> })
      .comments;
    const notes = comments.filter((c) => c.body.includes(DEMO_FINDING));
    expect(notes).toEqual([expect.objectContaining({ id: result.finding?.noteId, public: false })]);
  });

  it('fails, naming the tickets without a link, when they do not finish in time', async () => {
    const s = await inProcessStack();
    // Nothing is worked on while the rooms queue is paused (as an operator can in the dashboard).
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const rooms = new Queue(QUEUE_NAMES.rooms, { connection: redis, prefix: s.queuePrefix });
    await rooms.pause();
    const lines: string[] = [];
    const result = await runDemo(targetOf(s), { timeoutMs: 1_500, out: (l) => lines.push(l) });
    await rooms.close();
    redis.disconnect();

    expect(result.ok).toBe(false);
    expect(result.tickets.every((t) => t.state !== 'done')).toBe(true);
    expect(lines.filter((l) => /no room link: not finished within 2 s/.test(l))).toHaveLength(4);
    // The receiver still answered for every delivery: the duplicate and the forgery are reported.
    expect(result.duplicate?.status).toBe(202);
    expect(result.badSignature?.status).toBe(401);
  });
});
