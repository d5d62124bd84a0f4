import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './config';
import {
  allPrefixes,
  describeTopology,
  keySlot,
  parseHostPorts,
  shardFor,
  shardLayout,
  shardPrefixes,
  TOPOLOGY_ENV,
  topologyFromEnv,
  topologyProblems,
} from './redis-topology';

const schema = z.object({ REDIS_URL: z.string().default('redis://127.0.0.1:6379'), ...TOPOLOGY_ENV });

describe('shardPrefixes', () => {
  it('keeps the prefix exactly as it was with one shard and no cluster', () => {
    expect(shardPrefixes('ticket-rooms', 1)).toEqual(['ticket-rooms']);
    expect(shardPrefixes('{t-1}', 1)).toEqual(['{t-1}']);
  });

  it('hash-tags a single prefix on a cluster unless it already has a tag', () => {
    expect(shardPrefixes('ticket-rooms', 1, { cluster: true })).toEqual(['{ticket-rooms}']);
    expect(shardPrefixes('{ticket-rooms}', 1, { cluster: true })).toEqual(['{ticket-rooms}']);
  });

  it('gives each shard a hash tag of its own', () => {
    expect(shardPrefixes('ticket-rooms', 3)).toEqual(['{ticket-rooms-0}', '{ticket-rooms-1}', '{ticket-rooms-2}']);
    expect(shardPrefixes('{ticket-rooms}', 2, { cluster: true })).toEqual(['{ticket-rooms-0}', '{ticket-rooms-1}']);
  });

  it('lets a worker consume the current and the former layouts, each prefix once', () => {
    const layout = shardLayout('ticket-rooms', 3, [1, 3, 2]);
    expect(layout.previous).toEqual([['ticket-rooms'], ['{ticket-rooms-0}', '{ticket-rooms-1}']]);
    expect(allPrefixes(layout)).toEqual(['{ticket-rooms-0}', '{ticket-rooms-1}', '{ticket-rooms-2}', 'ticket-rooms']);
  });
});

describe('shardFor', () => {
  it('is stable and uses every shard', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `zendesk-acme-${i}-0123456789abcdef`);
    const shards = keys.map((k) => shardFor(k, 3));
    expect(keys.map((k) => shardFor(k, 3))).toEqual(shards);
    for (const s of [0, 1, 2]) expect(shards.filter((x) => x === s).length).toBeGreaterThan(50);
    expect(shardFor('anything', 1)).toBe(0);
  });
});

describe('keySlot', () => {
  it('matches CLUSTER KEYSLOT, hash tags included', () => {
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    // An empty first tag means no tag: the whole key is hashed.
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('{ticket-rooms-0}:rooms:x')).toBe(keySlot('ticket-rooms-0'));
  });
});

describe('the topology variables', () => {
  it('default to one Redis at REDIS_URL', () => {
    const env = loadConfig(schema, {});
    expect(topologyFromEnv(env)).toEqual({ kind: 'standalone', url: 'redis://127.0.0.1:6379' });
    expect(env.QUEUE_SHARDS).toBe(1);
    expect(env.QUEUE_SHARDS_PREVIOUS).toEqual([]);
  });

  it('read sentinels and a cluster as host:port lists', () => {
    expect(parseHostPorts('a:1, [::1]:26379')).toEqual([
      { host: 'a', port: 1 },
      { host: '::1', port: 26379 },
    ]);
    const sentinel = topologyFromEnv(
      loadConfig(schema, {
        REDIS_URL: 'rediss://:pw-secret@ignored:6379',
        REDIS_SENTINELS: 's1:26379,s2:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      }),
    );
    expect(sentinel).toMatchObject({ kind: 'sentinel', name: 'mymaster', sentinelPassword: 'sentinel-secret' });
    expect(describeTopology(sentinel)).toBe('sentinel mymaster via s1:26379,s2:26379');
    const cluster = topologyFromEnv(loadConfig(schema, { REDIS_CLUSTER_NODES: 'r1:6379,r2:6379' }));
    expect(cluster).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: 'r1', port: 6379 },
        { host: 'r2', port: 6379 },
      ],
    });
  });

  it('name the variable that is wrong, and never echo the sentinel password', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig(schema, { REDIS_SENTINELS: 'nope', QUEUE_SHARDS: '0', REDIS_SENTINEL_PASSWORD: 'sentinel-secret' });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual(['REDIS_SENTINELS', 'QUEUE_SHARDS']);
    expect(
      topologyProblems({
        REDIS_SENTINELS: 'a:1',
        REDIS_CLUSTER_NODES: 'b:2',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      }),
    ).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_NODES: cannot be set together with REDIS_SENTINELS/),
      expect.stringMatching(/^REDIS_SENTINEL_NAME: is missing/),
    ]);
    expect(topologyProblems({ REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
      expect.stringMatching(/^REDIS_SENTINELS: is missing/),
    ]);
    expect(problems.join(' ')).not.toContain('sentinel-secret');
  });
});
