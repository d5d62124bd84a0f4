import { ConfigError, DEFAULT_QUEUE_PREFIX } from '@ticket-rooms/core';
import { RoomType } from '@ticket-rooms/docspace-client';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './config';

const base = { DOCSPACE_URL: 'https://portal.example.com/', DOCSPACE_API_KEY: 'sk-secret-value' };

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadWorkerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadWorkerConfig', () => {
  it('runs on defaults with only the DocSpace URL and key', () => {
    const config = loadWorkerConfig(base);
    expect(config.docspace).toEqual({
      baseUrl: 'https://portal.example.com',
      apiKey: 'sk-secret-value',
      timeoutMs: 10_000,
    });
    expect(config.queuePrefix).toBe(DEFAULT_QUEUE_PREFIX);
    expect(config.room.type).toBe(RoomType.Collaboration);
    expect(config.room.folders.map((f) => f.path)).toEqual(['Logs', 'Attachments', 'Findings']);
    expect(config.room.share).toEqual([]);
    expect(config.helpdesk).toEqual({});
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('says a missing DocSpace key is missing, and how to get one', () => {
    const [problem, ...rest] = problems({ DOCSPACE_URL: base.DOCSPACE_URL });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^DOCSPACE_API_KEY: is missing; create a key in DocSpace .*rooms:write/);
  });

  it('gives one sentence per mistake and never echoes a secret', () => {
    const list = problems({
      DOCSPACE_URL: 'portal',
      ROOM_TYPE: 'meeting',
      WORKER_CONCURRENCY: 'lots',
      DOCSPACE_RATE_LIMIT: '-3',
      ROOM_TITLE_TEMPLATE: 'Ticket {id}',
      ZENDESK_URL: 'https://acme.zendesk.com',
      ZENDESK_API_TOKEN: 'zd-token-value',
    });
    expect(list.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'DOCSPACE_URL',
        'DOCSPACE_API_KEY',
        'ROOM_TYPE',
        'WORKER_CONCURRENCY',
        'DOCSPACE_RATE_LIMIT',
        'ROOM_TITLE_TEMPLATE',
        'ZENDESK_EMAIL',
      ]),
    );
    expect(list.join('\n')).not.toContain('zd-token-value');
  });

  it('checks ROOM_SHARE roles against ROOM_TYPE before any call', () => {
    const share = JSON.stringify([{ id: '5a1b0000-0000-4000-8000-000000000001', role: 'Comment' }]);
    expect(problems({ ...base, ROOM_SHARE: share })[0]).toMatch(/^ROOM_SHARE: entry 0: a user cannot be Comment/);
    expect(loadWorkerConfig({ ...base, ROOM_SHARE: share, ROOM_TYPE: 'custom' }).room.share).toHaveLength(1);
  });

  it('reads the room type by name or number', () => {
    expect(loadWorkerConfig({ ...base, ROOM_TYPE: 'public' }).room.type).toBe(RoomType.Public);
    expect(loadWorkerConfig({ ...base, ROOM_TYPE: '5' }).room.type).toBe(RoomType.Custom);
  });

  it('takes a helpdesk write-back only when all its variables are set', () => {
    const config = loadWorkerConfig({
      ...base,
      FRESHDESK_URL: 'https://acme.freshdesk.com',
      FRESHDESK_API_KEY: 'fd-key',
    });
    expect(config.helpdesk).toEqual({ freshdesk: { baseUrl: 'https://acme.freshdesk.com', apiKey: 'fd-key' } });
  });

  it('guards /metrics with both WORKER_METRICS_ credentials, and says when one is missing', () => {
    expect(loadWorkerConfig(base).metrics.credentials).toBeUndefined();
    const both = loadWorkerConfig({ ...base, WORKER_METRICS_USER: 'prom', WORKER_METRICS_PASSWORD: 'pw-secret' });
    expect(both.metrics.credentials).toEqual({ user: 'prom', password: 'pw-secret' });
    const one = problems({ ...base, WORKER_METRICS_PASSWORD: 'pw-secret' });
    expect(one).toEqual([
      'WORKER_METRICS_USER: is missing; /metrics needs WORKER_METRICS_USER and WORKER_METRICS_PASSWORD together (or neither to leave it open).',
    ]);
    expect(one.join(' ')).not.toContain('pw-secret');
    expect(problems({ ...base, WORKER_METRICS_USER: 'pro:m', WORKER_METRICS_PASSWORD: 'short' })).toEqual([
      'WORKER_METRICS_USER: must not contain ":".',
      'WORKER_METRICS_PASSWORD: must be at least 8 characters long.',
    ]);
  });
});
