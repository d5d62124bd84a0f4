import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedis, LocalRedis } from '@ticket-rooms/core';
import { type DocspaceSimulator, SIM_GROUPS, SIM_USERS } from '@ticket-rooms/simulators';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { type CheckResult, runPreflightCli } from '@ticket-rooms/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDocspace } from '../../apps/worker/test/support/harness';
import { type Helpdesks, startHelpdesks } from '../../apps/worker/test/support/helpdesks';

describe('pnpm preflight', () => {
  let docspace: DocspaceSimulator;
  let helpdesks: Helpdesks;

  beforeAll(async () => {
    docspace = await startDocspace({ operationMs: 5 });
    helpdesks = await startHelpdesks();
  });
  afterAll(async () => {
    await helpdesks?.close();
    await docspace?.close();
  });

  function env(over: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testPrefix('preflight'),
      DOCSPACE_URL: docspace.baseUrl,
      DOCSPACE_API_KEY: docspace.apiKey,
      ...helpdesks.env(),
      ZENDESK_WEBHOOK_SECRET: 'zendesk-secret-0123456789',
      FRESHDESK_WEBHOOK_TOKEN: 'freshdesk-token-0123456789',
      JIRA_WEBHOOK_SECRET: 'jira-secret-0123456789',
      ...over,
    };
  }

  async function preflight(e: Record<string, string | undefined>, args: string[] = []) {
    const out: string[] = [];
    const code = await runPreflightCli(['--json', ...args], e, { out: (l) => out.push(l), err: (l) => out.push(l) });
    const report = JSON.parse(out.join('\n')) as { ok: boolean; checks: CheckResult[] };
    const failed = report.checks.filter((c) => c.outcome === 'fail');
    return { code, report, failed, text: JSON.stringify(failed) };
  }

  it('passes against the simulators and a Redis set up as the docs say, and never prints a secret', async () => {
    const e = env();
    const { code, report, failed } = await preflight(e, ['--write-test']);
    expect(failed).toEqual([]);
    expect(code).toBe(0);
    expect(report.checks.find((c) => c.name === 'write test')?.outcome).toBe('pass');
    expect(report.checks.filter((c) => c.name === 'credentials').map((c) => c.area)).toEqual([
      'zendesk',
      'freshdesk',
      'jira',
    ]);
    const all = JSON.stringify(report);
    for (const name of ['DOCSPACE_API_KEY', 'ZENDESK_API_TOKEN', 'FRESHDESK_API_KEY', 'JIRA_API_TOKEN']) {
      expect(all).not.toContain(e[name]);
    }
  });

  it.each([
    ['a wrong DocSpace key', { DOCSPACE_API_KEY: `sk-${'0'.repeat(64)}` }, 'DOCSPACE_API_KEY'],
    ['a wrong DocSpace URL', { DOCSPACE_URL: 'http://127.0.0.1:9' }, 'DOCSPACE_URL'],
    ['a wrong Zendesk token', { ZENDESK_API_TOKEN: 'not-the-token' }, 'ZENDESK_EMAIL and ZENDESK_API_TOKEN'],
    ['a wrong Jira URL', { JIRA_URL: 'http://127.0.0.1:9' }, 'JIRA_URL'],
    ['a missing inbound secret', { FRESHDESK_WEBHOOK_TOKEN: undefined }, 'FRESHDESK_WEBHOOK_TOKEN'],
  ])('fails on %s, naming the variable to fix', async (_what, over, variable) => {
    const { code, failed, text } = await preflight(env(over));
    expect(code).toBe(1);
    expect(failed.length).toBeGreaterThan(0);
    expect(text).toContain(variable);
  });

  it('fails on a Redis with another eviction policy, and warns when AOF is off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-redis-'));
    const redis = await new LocalRedis({ dir }).start();
    const admin = createRedis(redis.url, { role: 'worker' });
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.config('SET', 'appendonly', 'no');
    admin.disconnect();
    try {
      const { code, report, text } = await preflight(env({ REDIS_URL: redis.url }));
      expect(code).toBe(1);
      expect(text).toContain('maxmemory-policy is allkeys-lru');
      expect(text).toContain('REDIS_URL');
      expect(report.checks.find((c) => c.name === 'persistence')?.outcome).toBe('warn');
    } finally {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('share targets', () => {
    const UNKNOWN_GROUP = '9c2e4b7d-1f3a-4e5b-8c6d-00000000dead';
    const share = (entries: object[]) => JSON.stringify(entries);
    const shareCheck = (checks: CheckResult[]) => checks.filter((c) => c.name === 'share targets');

    it('passes when every ROOM_SHARE user and group exists and may have its role', async () => {
      const { code, report } = await preflight(
        env({
          ROOM_SHARE: share([
            { id: SIM_USERS.roomAdmin.id, role: 'RoomManager' },
            { id: SIM_GROUPS.support.id, type: 'group', role: 'Editing' },
          ]),
        }),
      );
      expect(code).toBe(0);
      const checks = shareCheck(report.checks);
      expect(checks.map((c) => c.outcome)).toEqual(['pass']);
      expect(checks[0]?.detail).toContain(SIM_USERS.roomAdmin.displayName);
      expect(checks[0]?.detail).toContain(SIM_GROUPS.support.name);
    });

    it('fails on a ROOM_SHARE group DocSpace does not have, naming the entry, in text and in --json', async () => {
      const e = env({
        ROOM_SHARE: share([
          { id: SIM_USERS.user.id, role: 'Editing' },
          { id: UNKNOWN_GROUP, type: 'group', role: 'Read' },
        ]),
      });
      const { code, failed } = await preflight(e);
      expect(code).toBe(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ area: 'docspace', name: 'share targets' });
      expect(failed[0]?.detail).toContain(`ROOM_SHARE entry 1 (group ${UNKNOWN_GROUP})`);
      expect(failed[0]?.fix).toContain('ROOM_SHARE');

      const lines: string[] = [];
      const textCode = await runPreflightCli([], e, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
      expect(textCode).toBe(1);
      expect(lines).toContain(`✗ docspace  share targets: ${failed[0]?.detail}`);
      expect(lines).toContain(`            → ${failed[0]?.fix}`);
    });

    it('fails on a user id given as a group, and on a user whose account type cannot have the role', async () => {
      const { code, failed } = await preflight(
        env({
          ROOM_SHARE: share([
            { id: SIM_USERS.roomAdmin.id, type: 'group', role: 'Read' },
            { id: SIM_USERS.user.id, role: 'RoomManager' },
          ]),
        }),
      );
      expect(code).toBe(1);
      expect(failed.map((c) => c.detail)).toEqual([
        expect.stringContaining('ROOM_SHARE entry 0'),
        expect.stringContaining(
          `ROOM_SHARE entry 1 (user ${SIM_USERS.user.id}): ${SIM_USERS.user.displayName} is a user`,
        ),
      ]);
      expect(failed[0]?.fix).toContain('"type": "user"');
    });

    it('finds a user by email and a group by name, and says which DocSpace ids they are', async () => {
      const { code, report } = await preflight(
        env({
          ROOM_SHARE: share([
            { email: SIM_USERS.roomAdmin.email.toUpperCase(), role: 'RoomManager' },
            { group: SIM_GROUPS.support.name.toLowerCase(), role: 'Editing' },
          ]),
        }),
      );
      expect(code).toBe(0);
      const [check] = shareCheck(report.checks);
      expect(check?.outcome).toBe('pass');
      expect(check?.detail).toContain(
        `user ${SIM_USERS.roomAdmin.displayName} (${SIM_USERS.roomAdmin.id}) as RoomManager`,
      );
      expect(check?.detail).toContain(`group ${SIM_GROUPS.support.name} (${SIM_GROUPS.support.id}) as Editing`);
    });

    it('fails on an email no DocSpace user has and on a group name no group has, saying what to change', async () => {
      const { code, failed } = await preflight(
        env({
          ROOM_SHARE: share([
            { email: 'nobody@docspace.test', role: 'Editing' },
            { group: 'Suport', role: 'Read' },
            { email: SIM_USERS.user.email, role: 'RoomManager' },
          ]),
        }),
      );
      expect(code).toBe(1);
      expect(failed.map((c) => c.detail)).toEqual([
        'ROOM_SHARE entry 0 (user nobody@docspace.test): no DocSpace user has the email nobody@docspace.test, so the worker would stop every ticket at the share stage',
        'ROOM_SHARE entry 1 (group "Suport"): no DocSpace group is named "Suport", so the worker would stop every ticket at the share stage',
        expect.stringContaining(
          `ROOM_SHARE entry 2 (user ${SIM_USERS.user.email}): ${SIM_USERS.user.displayName} (${SIM_USERS.user.id}) is a user`,
        ),
      ]);
      expect(failed[0]?.fix).toContain('correct the email of entry 0 in ROOM_SHARE');
      expect(failed[1]?.fix).toContain('correct the group name of entry 1 in ROOM_SHARE');
    });

    it('checks the share of each routing rule, naming the rule', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'preflight-routing-'));
      const file = join(dir, 'routing.yaml');
      writeFileSync(
        file,
        [
          'rules:',
          '  - name: urgent',
          '    match: {priority: urgent}',
          '    room:',
          '      share:',
          `        - {id: ${UNKNOWN_GROUP}, type: group, role: Editing}`,
        ].join('\n'),
      );
      try {
        const { code, failed } = await preflight(env({ ROUTING_FILE: file }));
        expect(code).toBe(1);
        expect(failed.map((c) => c.detail)).toEqual([
          expect.stringContaining(`ROUTING_FILE rule "urgent" share entry 0 (group ${UNKNOWN_GROUP})`),
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('says the room type is checked when a room is created, as DocSpace cannot be asked', async () => {
      const { report } = await preflight(env({ ROOM_TYPE: 'custom' }));
      const check = report.checks.find((c) => c.name === 'room type');
      expect(check?.outcome).toBe('pass');
      expect(check?.detail).toMatch(/^Custom \(ROOM_TYPE\): DocSpace cannot be asked/);
    });
  });
});
