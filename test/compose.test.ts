import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs on our machines, so this checks what can be checked without one: the
// compose file parses, every built service has a multi-stage Node 24 Dockerfile that drops root,
// and Redis is configured the way BullMQ needs.
const root = join(import.meta.dirname, '..');

interface Service {
  image?: string;
  command?: string[];
  build?: { context: string; dockerfile: string };
  entrypoint?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  volumes?: string[];
}
// `merge`: the sentinels share one definition through a YAML merge key.
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const inProfile = (profile: string | undefined) =>
  Object.keys(compose.services)
    .filter((name) => compose.services[name]?.profiles?.[0] === profile)
    .sort();

describe('docker-compose.yml', () => {
  it('names redis, receiver and worker by default', () => {
    expect(inProfile(undefined)).toEqual(['receiver', 'redis', 'worker']);
  });

  it('has a sentinel profile: a primary and two replicas with AOF and noeviction, and three sentinels with quorum 2', () => {
    expect(inProfile('sentinel')).toEqual([
      'redis-primary',
      'redis-replica',
      'redis-replica-2',
      'redis-sentinel-1',
      'redis-sentinel-2',
      'redis-sentinel-3',
    ]);
    for (const name of ['redis-primary', 'redis-replica', 'redis-replica-2']) {
      const cmd = compose.services[name]!.command!.join(' ');
      expect(cmd).toContain('--appendonly yes');
      expect(cmd).toContain('--maxmemory-policy noeviction');
    }
    for (const name of ['redis-replica', 'redis-replica-2']) {
      const cmd = compose.services[name]!.command!.join(' ');
      expect(cmd).toContain('--replicaof redis-primary 6379');
      expect(cmd).toContain(`--replica-announce-ip ${name}`);
      expect(compose.services[name]!.volumes).toEqual([`${name}-data:/data`]);
    }
    for (const name of ['redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3']) {
      const svc = compose.services[name]!;
      const script = svc.command!.join('\n');
      expect(script).toContain('sentinel monitor mymaster redis-primary 6379 2');
      expect(script).toMatch(/exec redis-sentinel \/data\/sentinel.conf/);
      expect(svc.healthcheck?.test.join(' ')).toContain('26379');
    }
  });

  it('runs Redis 7 with AOF everysec, noeviction and a health check', () => {
    const redis = compose.services.redis!;
    expect(redis.image).toMatch(/^redis:7/);
    const cmd = redis.command!.join(' ');
    expect(cmd).toContain('--appendonly yes');
    expect(cmd).toContain('--appendfsync everysec');
    expect(cmd).toContain('--maxmemory-policy noeviction');
    expect(redis.healthcheck?.test.join(' ')).toContain('ping');
  });

  for (const name of ['receiver', 'worker']) {
    it(`builds ${name} from a multi-stage Node 24 Dockerfile that runs as a non-root user`, () => {
      const svc = compose.services[name]!;
      expect(svc.depends_on?.redis?.condition).toBe('service_healthy');
      const file = join(root, svc.build!.context, svc.build!.dockerfile);
      expect(existsSync(file)).toBe(true);
      const text = readFileSync(file, 'utf8');
      const froms = text.match(/^FROM .+$/gm) ?? [];
      expect(froms.length).toBeGreaterThanOrEqual(2);
      for (const from of froms) expect(from).toMatch(/node:24/);
      const user = text.match(/^USER (\S+)/m)?.[1];
      expect(user).toBeDefined();
      expect(user).not.toBe('root');
      expect(text).toContain(`apps/${name}`);
    });
  }
});
