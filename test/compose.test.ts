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
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  it('names redis, receiver and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['receiver', 'redis', 'worker']);
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
