import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, freePort, REDIS_MISSING_MESSAGE } from '@ticket-rooms/core';
import { buildDelivery, sendDelivery } from '@ticket-rooms/simulators';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { stateFilePath } from '../../scripts/stack/paths';
import { simulatedFixed } from '../../scripts/stack/plan';
import { isAlive } from '../../scripts/stack/stack';
import { readState } from '../../scripts/stack/state-file';
import { cleanEnv, ensureStopped, processesUsing, runScript, type Script } from './support/processes';

// The embedded Redis needs redis-server; a machine with only a REDIS_URL runs the same journeys on it.
const EMBEDDED_REDIS = findRedisServer() !== undefined;
const redisEnv = (): Record<string, string> =>
  EMBEDDED_REDIS ? {} : { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: testPrefix('start') };

let dataDir: string | undefined;
let scripts: Script[] = [];
afterEach(async () => {
  for (const s of scripts) await ensureStopped(s, dataDir);
  scripts = [];
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

function freshDataDir(): string {
  dataDir = mkdtempSync(join(tmpdir(), 'ticket-rooms-start-'));
  return dataDir;
}

function start(env: Record<string, string>, detached = false): Script {
  const s = runScript('start', { env: cleanEnv(env), detached });
  scripts.push(s);
  return s;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

// Each journey starts real processes; on two busy cores that can take a while.
describe('pnpm start', { timeout: 120_000 }, () => {
  it('announces what it embeds, runs the demo to a room and a link for every ticket, and stops cleanly on SIGTERM', async () => {
    const dir = freshDataDir();
    const port = await freePort();
    const stack = start({
      TICKET_ROOMS_DATA_DIR: dir,
      PORT: String(port),
      WORKER_METRICS_PORT: '0',
      FINDINGS_BATCH_SECONDS: '1',
      ...redisEnv(),
    });

    // 1. The first lines say what runs where; no log line comes before them.
    const banner = (await stack.waitForLine(/^Ready\./)).split('\n');
    expect(banner[0]).toBe('Ticket Rooms');
    for (const line of banner) expect(line.startsWith('{')).toBe(false);
    const text = banner.join('\n');
    if (EMBEDDED_REDIS) expect(text).toMatch(/^ {2}redis +embedded +redis:\/\/127\.0\.0\.1:\d+ /m);
    for (const part of ['docspace', 'zendesk', 'freshdesk', 'jira']) {
      expect(text).toMatch(new RegExp(`^  ${part} +simulator +http://127\\.0\\.0\\.1:\\d+`, 'm'));
    }
    expect(text).toContain(`http://127.0.0.1:${port}  POST /webhooks/`);
    const [, user, password] = /dashboard +generated +\S+ +user (\S+) +password (\S+)/.exec(text) ?? [];
    expect(user).toBe('admin');

    // 2. Generated secrets live in a file only its owner can read, and are not printed.
    const file = stateFilePath(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const state = readState(dir);
    expect(state.running?.receiverUrl).toBe(`http://127.0.0.1:${port}`);
    for (const [name, value] of Object.entries(state.secrets)) {
      if (name.startsWith('DASHBOARD_')) continue;
      expect(stack.stdout(), `${name} is printed`).not.toContain(value);
    }
    expect(text).toContain(file.startsWith('/') ? 'dev-stack.json' : file);

    // 3. The printed credentials open the dashboard.
    const dashboard = await fetch(`http://127.0.0.1:${port}/admin/queues`, {
      headers: { authorization: basic(user as string, password as string) },
    });
    expect(dashboard.status).toBe(200);

    // 4. The demo, against this stack: every ticket gets a room and a link.
    const demo = runScript('demo', { env: cleanEnv({ TICKET_ROOMS_DATA_DIR: dir, ...redisEnv() }) });
    scripts.push(demo);
    const demoExit = await demo.exited;
    const shown = demo.stdout();
    expect(demoExit.code, `${shown}\n${demo.stderr()}`).toBe(0);
    expect(shown).toContain(`Using the stack pnpm start runs (pid ${stack.child.pid})`);
    expect(shown.match(/^ +http:\/\/127\.0\.0\.1:\d+\/rooms\/shared\/\d+\/filter\?folder=\d+/gm)).toHaveLength(4);
    expect(shown).toMatch(/^Duplicate: 202 duplicate:true, the same job as the first delivery/m);
    expect(shown).toMatch(/^Forged: +401 RCV_ERR_SIGNATURE_INVALID: /m);
    expect(shown).toContain('Every ticket has its room and link.');

    // 5. …as the simulated vendors themselves tell it: four rooms, and the note on the Zendesk ticket.
    const docspace = state.running?.simulators.docspace as string;
    const rooms = await fetch(`${docspace}/api/2.0/files/rooms?searchArea=2&count=100`, {
      headers: { authorization: `Bearer ${state.secrets.DOCSPACE_API_KEY}` },
    });
    const titles = ((await rooms.json()) as { response: { folders: Array<{ title: string }> } }).response.folders.map(
      (f) => f.title,
    );
    expect(titles).toHaveLength(4);
    expect(titles.some((t) => t.includes('Printer on fire in the Berlin office'))).toBe(true);
    const zendeskTicket = /zendesk #(\d+) /.exec(shown)?.[1];
    const zendesk = state.running?.simulators.zendesk as string;
    const comments = await fetch(`${zendesk}/api/v2/tickets/${zendeskTicket}/comments.json`, {
      headers: {
        authorization: basic(`${simulatedFixed('ZENDESK_EMAIL')}/token`, state.secrets.ZENDESK_API_TOKEN as string),
      },
    });
    const bodies = ((await comments.json()) as { comments: Array<{ body: string; public: boolean }> }).comments;
    // The room's note, then the note of the finding the demo added to the room.
    expect(bodies).toHaveLength(2);
    expect(bodies.map((b) => b.public)).toEqual([false, false]);
    expect(bodies[0]?.body).toMatch(/rooms\/shared\/\d+/);
    expect(bodies[1]?.body).toContain('New finding in the investigation room: root-cause.md');

    // 6. SIGTERM: everything it started stops, and it exits 0.
    const redisPid = state.redis?.pid;
    stack.child.kill('SIGTERM');
    const exit = await stack.exited;
    expect(exit.code, stack.stderr()).toBe(0);
    expect(stack.stdout()).toMatch(/^Stopped\.$/m);
    if (EMBEDDED_REDIS) {
      expect(redisPid).toBeDefined();
      expect(isAlive(redisPid as number)).toBe(false);
    }
    expect(processesUsing(dir)).toEqual([]);
    expect(readState(dir).running).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('keeps its secrets and tickets across a restart, and Ctrl-C stops everything', async () => {
    const dir = freshDataDir();
    const env = { TICKET_ROOMS_DATA_DIR: dir, PORT: String(await freePort()), WORKER_METRICS_PORT: '0', ...redisEnv() };
    const password = (banner: string) => /password (\S+)/.exec(banner)?.[1];
    const ticket = () =>
      buildDelivery('zendesk', {
        ticketId: '777',
        subject: 'Restart me',
        secret: readState(dir).secrets.ZENDESK_WEBHOOK_SECRET as string,
      });
    const ctrlC = async (s: Script) => {
      process.kill(-(s.child.pid as number), 'SIGINT');
      return s.exited;
    };

    const first = start(env, true);
    const firstBanner = await first.waitForLine(/^Ready\./);
    const url = readState(dir).running?.receiverUrl as string;
    const accepted = await sendDelivery(url, ticket());
    expect(accepted.json).toMatchObject({ status: 'accepted', duplicate: false });
    expect((await ctrlC(first)).code, first.stderr()).toBe(0);
    expect(processesUsing(dir)).toEqual([]);

    const second = start(env, true);
    const secondBanner = await second.waitForLine(/^Ready\./);
    expect(password(secondBanner)).toBe(password(firstBanner));
    // The embedded Redis replayed its AOF: the ticket is known, so its retry is a duplicate.
    const again = await sendDelivery(url, ticket());
    expect(again.json).toMatchObject({ status: 'accepted', duplicate: true });
    expect((await ctrlC(second)).code, second.stderr()).toBe(0);
    expect(second.stdout()).toMatch(/^SIGINT: stopping/m);
    expect(processesUsing(dir)).toEqual([]);
  });

  it.skipIf(!EMBEDDED_REDIS)(
    'after a SIGKILL, the next start stops the Redis left behind and keeps its data',
    async () => {
      const dir = freshDataDir();
      const env = { TICKET_ROOMS_DATA_DIR: dir, PORT: String(await freePort()), WORKER_METRICS_PORT: '0' };
      const first = start(env);
      await first.waitForLine(/^Ready\./);
      const url = readState(dir).running?.receiverUrl as string;
      const delivery = () =>
        buildDelivery('jira', {
          ticketId: 'SD-9',
          subject: 'Killed',
          secret: readState(dir).secrets.JIRA_WEBHOOK_SECRET as string,
        });
      expect((await sendDelivery(url, delivery())).json).toMatchObject({ duplicate: false });

      // Killed outright: the redis-server, in its own process group, lives on.
      first.child.kill('SIGKILL');
      await first.exited;
      const orphan = readState(dir).redis?.pid as number;
      expect(isAlive(orphan)).toBe(true);

      const second = start(env, true);
      await second.waitForLine(/^Ready\./);
      expect(isAlive(orphan)).toBe(false);
      expect(readState(dir).redis?.pid).not.toBe(orphan);
      expect((await sendDelivery(url, delivery())).json).toMatchObject({ duplicate: true });
      process.kill(-(second.child.pid as number), 'SIGINT');
      expect((await second.exited).code, second.stderr()).toBe(0);
      expect(processesUsing(dir)).toEqual([]);
    },
  );

  it('reads an env file, and what the shell sets wins over it', async () => {
    const dir = freshDataDir();
    const envFile = join(dir, 'settings.env');
    const shellPort = await freePort();
    writeFileSync(
      envFile,
      `# configured once, beside docker-compose.yml\nDASHBOARD_USER=ops\nDASHBOARD_PASSWORD="from the file"\nPORT=${await freePort()}\n`,
    );
    const stack = start({
      TICKET_ROOMS_DATA_DIR: join(dir, 'data'),
      TICKET_ROOMS_ENV_FILE: envFile,
      PORT: String(shellPort),
      WORKER_METRICS_PORT: '0',
      ...redisEnv(),
    });
    const banner = await stack.waitForLine(/^Ready\./);
    // PORT is in both: the shell's is used, so two variables come from the file.
    expect(banner).toMatch(/^ {2}config +env file +\S+settings\.env +2 variables/m);
    expect(banner).toMatch(/^ {2}dashboard +configured /m);
    expect(banner).not.toContain('from the file');
    expect(banner).toContain(`http://127.0.0.1:${shellPort}  POST`);
    const res = await fetch(`http://127.0.0.1:${shellPort}/admin/queues`, {
      headers: { authorization: basic('ops', 'from the file') },
    });
    expect(res.status).toBe(200);
    stack.child.kill('SIGTERM');
    expect((await stack.exited).code).toBe(0);
  });

  it.skipIf(!EMBEDDED_REDIS)('says in one sentence what to install when there is no Redis at all', async () => {
    const dir = freshDataDir();
    // A PATH with node and sh but no redis-server, and no REDIS_URL.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const stack = start({ TICKET_ROOMS_DATA_DIR: join(dir, 'data'), PATH: bin });
    const exit = await stack.exited;
    expect(exit.code).toBe(1);
    expect(stack.stderr().trim()).toBe(REDIS_MISSING_MESSAGE);
    expect(stack.stdout()).toBe('');
    // Nothing was started or written.
    expect(() => statSync(join(dir, 'data'))).toThrow();
  });
});

describe('pnpm demo', { timeout: 120_000 }, () => {
  it('starts a stack of its own when none is running, and stops it afterwards', async () => {
    const dir = freshDataDir();
    const demo = runScript('demo', { env: cleanEnv({ TICKET_ROOMS_DATA_DIR: dir, ...redisEnv() }) });
    scripts.push(demo);
    const exit = await demo.exited;
    const shown = demo.stdout();
    expect(exit.code, `${shown}\n${demo.stderr()}`).toBe(0);
    expect(shown).toContain('No stack is running (pnpm start); starting one for this demo.');
    expect(shown.match(/^ +http:\/\/127\.0\.0\.1:\d+\/rooms\/shared\/\d+/gm)).toHaveLength(4);
    expect(shown.match(/^ +note \d+ posted on the ticket$/gm)).toHaveLength(3);
    expect(processesUsing(dir)).toEqual([]);
    expect(readState(dir).running).toBeUndefined();
  });
});
