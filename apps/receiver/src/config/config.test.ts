import { ConfigError } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { loadReceiverConfig } from './config';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadReceiverConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadReceiverConfig', () => {
  it('runs on defaults', () => {
    const config = loadReceiverConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'ticket-rooms',
      bodyLimitBytes: 1024 * 1024,
      enqueueTimeoutMs: 2000,
      dashboard: undefined,
      metricsRequireAuth: false,
    });
    expect(config.dedupeWindowSeconds).toBeGreaterThanOrEqual(72 * 3600);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads sizes, flags and dashboard credentials', () => {
    const config = loadReceiverConfig({
      PORT: '8080',
      BODY_LIMIT: '256kb',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'correct horse',
      DASHBOARD_READ_ONLY: 'true',
      METRICS_REQUIRE_AUTH: 'yes',
    });
    expect(config.port).toBe(8080);
    expect(config.bodyLimitBytes).toBe(256 * 1024);
    expect(config.dashboard).toEqual({ user: 'ops', password: 'correct horse', readOnly: true });
    expect(config.metricsRequireAuth).toBe(true);
  });

  it('names every bad variable in its own sentence', () => {
    const problems = problemsOf({ PORT: 'abc', BODY_LIMIT: 'huge', DASHBOARD_READ_ONLY: 'maybe' });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT:'))).toContain('"abc"');
    expect(problems.find((p) => p.startsWith('BODY_LIMIT:'))).toContain('1mb');
    expect(problems.some((p) => p.startsWith('DASHBOARD_READ_ONLY:'))).toBe(true);
  });

  it('refuses a dedupe window shorter than the senders retry for', () => {
    expect(problemsOf({ DEDUPE_WINDOW_HOURS: '24' })[0]).toMatch(/^DEDUPE_WINDOW_HOURS: .*72/);
  });

  it('reports a missing partner variable alongside a variable that is wrong on its own', () => {
    const problems = problemsOf({ PORT: 'abc', DASHBOARD_USER: 'ops' });
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('DASHBOARD_PASSWORD:'))).toBe(true);
  });

  it('wants dashboard credentials in pairs, and for protected metrics', () => {
    expect(problemsOf({ DASHBOARD_USER: 'ops' })[0]).toMatch(/^DASHBOARD_PASSWORD: /);
    expect(problemsOf({ METRICS_REQUIRE_AUTH: 'true' })[0]).toMatch(/^METRICS_REQUIRE_AUTH: /);
  });

  it('names a bad helpdesk secret alongside the other mistakes', () => {
    const problems = problemsOf({ PORT: '-1', GENERIC_WEBHOOK_SECRET: 'not base64!' });
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('GENERIC_WEBHOOK_SECRET:'))).toBe(true);
    expect(problems.join('\n')).not.toContain('not base64!');
  });

  it('hands the helpdesk secrets to the inbound config', () => {
    const config = loadReceiverConfig({ ZENDESK_WEBHOOK_SECRET: 'old,new', FRESHDESK_WEBHOOK_TOKEN: 'tok' });
    expect(config.inbound.zendesk?.secrets).toEqual(['old', 'new']);
    expect(config.inbound.freshdesk?.tokens).toEqual(['tok']);
    expect(config.inbound.jira).toBeUndefined();
  });

  it('never echoes a secret value', () => {
    const problems = problemsOf({
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'short',
      REDIS_URL: 'http://u:hunter2@x',
    });
    const text = problems.join('\n');
    expect(text).toContain('DASHBOARD_PASSWORD');
    expect(text).toContain('REDIS_URL');
    expect(text).not.toContain('short"');
    expect(text).not.toContain('hunter2');
  });
});
