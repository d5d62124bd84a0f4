import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_QUEUE_NAMES, NOTE_JOB_NAME, QUEUE_NAMES } from '@ticket-rooms/core';
import { buildDelivery, sendDelivery } from '@ticket-rooms/simulators';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogOutput } from '../../scripts/stack/log-output';
import { REPO_ROOT } from '../../scripts/stack/paths';
import { type RunningStack, startStack } from '../../scripts/stack/stack';

// Debian's Chromium, driven by playwright-core; browsers are never downloaded.
const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  process.stderr.write(`Skipping the dashboard browser test: ${CHROMIUM} is missing (apt-get install chromium).\n`);
}
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The README's screenshot: rewritten with UPDATE_SCREENSHOT=1, or made when missing. */
const SCREENSHOT = join(REPO_ROOT, 'docs', 'dashboard.png');

describe.skipIf(!HAS_CHROMIUM)('the dashboard in a real browser', () => {
  let dataDir: string;
  let stack: RunningStack;
  let browser: Browser;
  let jobId: string;
  let redis: Redis;

  beforeAll(async () => {
    // 1. The stack as `pnpm start` runs it, on the test run's Redis, with simulators for the rest.
    dataDir = mkdtempSync(join(tmpdir(), 'ticket-rooms-browser-'));
    const prefix = testPrefix('browser');
    stack = await startStack({
      env: { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' },
      dataDir,
      logOutput: new LogOutput('json', () => {}),
      port: 0,
      workerMetrics: false,
    });

    // 2. One Zendesk ticket, followed until its room job and its note job have completed.
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const roomsEvents = new QueueEvents(QUEUE_NAMES.rooms, { connection: redis.duplicate(), prefix });
    const notesEvents = new QueueEvents(QUEUE_NAMES.notes.zendesk, { connection: redis.duplicate(), prefix });
    await Promise.all([roomsEvents.waitUntilReady(), notesEvents.waitUntilReady()]);
    const delivery = buildDelivery('zendesk', {
      ticketId: '5158',
      subject: 'Cannot log in to the mobile app',
      secret: stack.plan.secrets.ZENDESK_WEBHOOK_SECRET as string,
    });
    const res = await sendDelivery(stack.receiverUrl, delivery);
    expect(res.status).toBe(202);
    jobId = (res.json as { jobId: string }).jobId;
    const rooms = new Queue(QUEUE_NAMES.rooms, { connection: redis, prefix });
    const notes = new Queue(QUEUE_NAMES.notes.zendesk, { connection: redis, prefix });
    const roomJob = await rooms.getJob(jobId);
    await roomJob?.waitUntilFinished(roomsEvents, 30_000);
    // The room job queues the note only once its own stages are done, so it exists by now.
    const noteJob = await notes.getJob(`note-${jobId}`);
    expect(noteJob?.name).toBe(NOTE_JOB_NAME);
    await noteJob?.waitUntilFinished(notesEvents, 30_000);
    await Promise.all([roomsEvents.close(), notesEvents.close(), rooms.close(), notes.close()]);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    redis?.disconnect();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const credentials = () => {
    const generated = stack.generatedDashboard;
    if (!generated) throw new Error('the stack generated no dashboard credentials');
    return { username: generated.user, password: generated.password };
  };

  it('refuses wrong credentials and no credentials', async () => {
    const wrong = await browser.newContext({ httpCredentials: { ...credentials(), password: 'not-the-password' } });
    const refused = await (await wrong.newPage()).goto(stack.dashboardUrl as string);
    expect(refused?.status()).toBe(401);
    expect(await refused?.text()).toContain('RCV_ERR_UNAUTHORIZED');
    await wrong.close();

    // Without credentials headless Chromium cancels the sign-in prompt, so ask through its request API.
    const anonymous = await browser.newContext();
    const bare = await anonymous.request.get(stack.dashboardUrl as string);
    expect(bare.status()).toBe(401);
    expect(bare.headers()['www-authenticate']).toMatch(/^Basic/);
    await anonymous.close();
  });

  it('logs in, shows every queue, and opens a completed job with its stage log lines', async () => {
    const context = await browser.newContext({
      httpCredentials: credentials(),
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();

    const home = await page.goto(stack.dashboardUrl as string);
    expect(home?.status()).toBe(200);
    for (const name of ALL_QUEUE_NAMES) {
      await page.getByRole('link', { name, exact: true }).first().waitFor();
    }

    await page.getByRole('link', { name: QUEUE_NAMES.rooms, exact: true }).first().click();
    await page.getByRole('link', { name: /^COMPLETED/ }).click();
    await page.getByRole('link', { name: jobId }).click();
    await page.getByRole('tab', { name: 'Logs' }).click();
    const logs = page.getByRole('tabpanel');
    await logs.getByText(/^room: created room \d+/).waitFor();
    const text = (await logs.textContent()) ?? '';
    expect(text).toMatch(/room: created room \d+ "Ticket #5158 - Cannot log in to the mobile app"/);
    expect(text).toMatch(/folders: created Logs=\d+, Attachments=\d+, Findings=\d+/);
    expect(text).toMatch(/share: granted \S+ as ContentCreator/);
    expect(text).toMatch(
      /link: not shared by link \(Collaboration rooms are not shared by link in DocSpace\); portal URL/,
    );
    expect(text).toMatch(/helpdesk: note queued on notes-zendesk/);

    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(SCREENSHOT)) {
      await page.screenshot({ path: SCREENSHOT });
    }
    await context.close();
  });
});
