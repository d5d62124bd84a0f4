import { loadReceiverConfig } from '@ticket-rooms/receiver';
import { loadWorkerConfig } from '@ticket-rooms/worker';
import { describe, expect, it } from 'vitest';
import { bannerLines } from '../../scripts/stack/banner';
import { withEnvFile } from '../../scripts/stack/env-file';
import { prettyLine } from '../../scripts/stack/log-output';
import { planStack, stackEnv } from '../../scripts/stack/plan';
import type { RunningStack } from '../../scripts/stack/stack';

// Each call gets different bytes, so two generated secrets are never equal by accident.
function counter() {
  let n = 0;
  return (size: number) => Buffer.alloc(size, ++n);
}

describe('planStack', () => {
  it('embeds every part of an empty environment, with secrets the apps accept', () => {
    const plan = planStack({}, {}, counter());
    expect(plan.redis.embedded).toBe(true);
    expect(plan.docspace.embedded).toBe(true);
    expect(Object.values(plan.helpdesks).every((h) => h.embedded)).toBe(true);
    expect(Object.values(plan.inbound).every((i) => i.origin === 'generated')).toBe(true);
    expect(plan.dashboard.origin).toBe('generated');
    expect(plan.roomShare).toBe('simulated-group');
    expect(plan.secrets.DOCSPACE_API_KEY).toMatch(/^sk-[0-9a-f]{64}$/);
    expect(plan.secrets.GENERIC_WEBHOOK_SECRET).toMatch(/^whsec_/);

    // The receiver and the worker take the result as it is: every secret, share and URL valid.
    const env = stackEnv({}, plan, { redis: 'redis://127.0.0.1:1', docspace: 'http://127.0.0.1:2' });
    const receiver = loadReceiverConfig(env);
    expect(receiver.inbound.zendesk?.secrets).toEqual([plan.secrets.ZENDESK_WEBHOOK_SECRET]);
    expect(receiver.dashboard?.password).toBe(plan.secrets.DASHBOARD_PASSWORD);
    const worker = loadWorkerConfig(env);
    expect(worker.docspace.baseUrl).toBe('http://127.0.0.1:2');
    expect(worker.room.share).toHaveLength(1);
    expect(Object.keys(worker.helpdesk).sort()).toEqual(['freshdesk', 'jira', 'zendesk']);
    // The simulated portal's webhook secret: within DocSpace's 50 characters, and the receiver takes it.
    expect(plan.docspaceWebhook).toEqual({ origin: 'generated' });
    expect(plan.secrets.DOCSPACE_WEBHOOK_SECRET?.length).toBeLessThanOrEqual(50);
    expect(receiver.docspaceWebhook?.secrets).toEqual([plan.secrets.DOCSPACE_WEBHOOK_SECRET]);
  });

  it("keeps the user's DOCSPACE_WEBHOOK_SECRET for the simulated portal, and makes none for a real one", () => {
    const own = planStack({ DOCSPACE_WEBHOOK_SECRET: 'mine' }, {}, counter());
    expect(own.docspaceWebhook).toEqual({ origin: 'configured' });
    expect(own.secrets.DOCSPACE_WEBHOOK_SECRET).toBeUndefined();
    const real = planStack({ DOCSPACE_URL: 'https://acme.onlyoffice.com', DOCSPACE_API_KEY: 'sk-real' }, {}, counter());
    expect(real.docspaceWebhook).toBeUndefined();
    expect(real.secrets.DOCSPACE_WEBHOOK_SECRET).toBeUndefined();
  });

  it('reuses what an earlier start generated', () => {
    const first = planStack({}, {}, counter());
    const second = planStack({}, first.secrets, counter());
    expect(second.secrets).toEqual(first.secrets);
    expect(second.overrides).toEqual(first.overrides);
  });

  it('uses what the environment configures and starts nothing for it', () => {
    const env = {
      REDIS_URL: 'redis://redis.internal:6379',
      DOCSPACE_URL: 'https://acme.onlyoffice.com',
      DOCSPACE_API_KEY: 'sk-real',
      ZENDESK_URL: 'https://acme.zendesk.com',
      ZENDESK_EMAIL: 'bot@acme.com',
      ZENDESK_API_TOKEN: 'real-token',
      ZENDESK_WEBHOOK_SECRET: 'real-secret',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'long-enough',
      GENERIC_WEBHOOK_TOKEN: 'tok',
    };
    const plan = planStack(env, {}, counter());
    expect(plan.redis.embedded).toBe(false);
    expect(plan.docspace.embedded).toBe(false);
    expect(plan.helpdesks.zendesk.embedded).toBe(false);
    expect(plan.inbound.zendesk.origin).toBe('configured');
    expect(plan.inbound.generic).toEqual({ variable: 'GENERIC_WEBHOOK_TOKEN', origin: 'configured' });
    expect(plan.dashboard.origin).toBe('configured');
    expect(plan.roomShare).toBe('none');
    const merged = stackEnv(env, plan, 'placeholders');
    for (const [name, value] of Object.entries(env)) expect(merged[name]).toBe(value);
    expect(plan.secrets.DOCSPACE_API_KEY).toBeUndefined();
    expect(plan.secrets.ZENDESK_API_TOKEN).toBeUndefined();
  });

  it('leaves a real helpdesk without its webhook secret unconfigured, so its deliveries are refused', () => {
    const plan = planStack(
      { JIRA_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'a@acme.com', JIRA_API_TOKEN: 't' },
      {},
      counter(),
    );
    expect(plan.inbound.jira.origin).toBe('missing');
    expect(plan.overrides.JIRA_WEBHOOK_SECRET).toBeUndefined();
    expect(loadReceiverConfig(stackEnv({}, plan, 'placeholders')).inbound.jira).toBeUndefined();
  });

  it('does not paper over half a configuration: the apps report the missing half', () => {
    const plan = planStack({ DOCSPACE_URL: 'https://acme.onlyoffice.com', DASHBOARD_USER: 'ops' }, {}, counter());
    expect(plan.docspace.embedded).toBe(false);
    expect(plan.dashboard.origin).toBe('partial');
    const env = stackEnv({ DOCSPACE_URL: 'https://acme.onlyoffice.com', DASHBOARD_USER: 'ops' }, plan, 'placeholders');
    expect(() => loadWorkerConfig(env)).toThrow(/DOCSPACE_API_KEY/);
    expect(() => loadReceiverConfig(env)).toThrow(/DASHBOARD_PASSWORD/);
  });

  it('treats an empty variable as unset, as the apps do', () => {
    expect(planStack({ REDIS_URL: '', DOCSPACE_URL: '' }, {}, counter()).redis.embedded).toBe(true);
  });
});

describe('bannerLines', () => {
  const plan = planStack({}, {}, counter());
  const stack: Parameters<typeof bannerLines>[0] = {
    plan,
    dataDir: '/srv/tr/.data',
    receiverUrl: 'http://127.0.0.1:3000',
    dashboardUrl: 'http://127.0.0.1:3000/admin/queues',
    generatedDashboard: { user: 'admin', password: plan.secrets.DASHBOARD_PASSWORD as string },
    redisShown: 'redis://127.0.0.1:40000',
    workerMetricsUrl: 'http://127.0.0.1:9101',
    simulators: { docspace: 'http://127.0.0.1:1', zendesk: 'http://127.0.0.1:2' },
    serviceUrls: {},
    queuePrefix: 'ticket-rooms',
  } satisfies Partial<RunningStack>;

  it('names each part with its URL, prints the generated dashboard password and no other secret', () => {
    const text = bannerLines(stack).join('\n');
    expect(text).toMatch(/^ {2}redis +embedded +redis:\/\/127\.0\.0\.1:40000 /m);
    expect(text).toMatch(/^ {2}docspace +simulator +http:\/\/127\.0\.0\.1:1 /m);
    expect(text).toContain(`password ${plan.secrets.DASHBOARD_PASSWORD}`);
    expect(text).toContain('/srv/tr/.data/dev-stack.json');
    for (const [name, value] of Object.entries(plan.secrets)) {
      if (!name.startsWith('DASHBOARD_')) expect(text).not.toContain(value);
    }
  });
});

describe('prettyLine', () => {
  it('shortens a pino line to time, name, level, message and the fields worth a glance', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-11-28T10:11:12Z'),
      name: 'receiver',
      msg: 'delivery accepted',
      source: 'zendesk',
      ticketId: '5',
      pid: 1,
    });
    expect(prettyLine(line)).toBe('10:11:12 receiver info  delivery accepted  source=zendesk ticketId=5');
  });

  it('keeps an error message and lets non-JSON through', () => {
    const line = JSON.stringify({ level: 50, time: 0, name: 'worker', msg: 'failed', err: { message: 'boom' } });
    expect(prettyLine(line)).toContain('error failed  (boom)');
    expect(prettyLine('plain text')).toBe('plain text');
  });
});

describe('withEnvFile', () => {
  it('adds what the file sets, keeps what the shell sets, and names what it took', () => {
    const file = 'REDIS_URL=redis://from-file:6379\nDOCSPACE_URL="https://acme.onlyoffice.com"\nEMPTY_IN_SHELL=x\n';
    const { env, fromFile } = withEnvFile({ REDIS_URL: 'redis://shell:6379', EMPTY_IN_SHELL: '' }, file);
    expect(env.REDIS_URL).toBe('redis://shell:6379');
    expect(env.DOCSPACE_URL).toBe('https://acme.onlyoffice.com');
    expect(env.EMPTY_IN_SHELL).toBe('x');
    expect(fromFile).toEqual(['DOCSPACE_URL', 'EMPTY_IN_SHELL']);
  });

  it('changes nothing without a file', () => {
    const shell = { A: '1' };
    expect(withEnvFile(shell, undefined)).toEqual({ env: shell, fromFile: [] });
  });
});
