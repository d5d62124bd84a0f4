import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedis, LocalRedis } from '@ticket-rooms/core';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
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
});
