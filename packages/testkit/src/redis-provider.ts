import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, LocalRedis, REDIS_MISSING_MESSAGE } from '@ticket-rooms/core';

export interface ProvidedRedis {
  url: string;
  /** Where it came from, for the first line of the test output. */
  origin: 'REDIS_URL' | 'testcontainers' | 'redis-server';
  stop(): Promise<void>;
}

/** Answers whether a Docker engine is listening, within a second, without Testcontainers' slow probe. */
async function dockerEngineAnswers(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  let socketPath: string | undefined;
  if (!host) socketPath = '/var/run/docker.sock';
  else if (host.startsWith('unix://')) socketPath = host.slice('unix://'.length);
  else return true; // A TCP engine: let Testcontainers try it.
  if (!existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * A real Redis for tests, in this order: `REDIS_URL`; a Testcontainers Redis when a Docker engine
 * answers; a `redis-server` from PATH on a free port with its own temporary directory, AOF on and
 * `noeviction`. Throws `REDIS_MISSING_MESSAGE` when there is none.
 */
export async function provideRedis(): Promise<ProvidedRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, origin: 'REDIS_URL', stop: async () => {} };

  if (await dockerEngineAnswers()) {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7')
      .withCommand(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'])
      .start();
    return {
      url: container.getConnectionUrl(),
      origin: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  }

  if (findRedisServer()) {
    const dir = mkdtempSync(join(tmpdir(), 'ticket-rooms-test-redis-'));
    const server = await new LocalRedis({ dir }).start();
    return {
      url: server.url,
      origin: 'redis-server',
      stop: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  throw new Error(REDIS_MISSING_MESSAGE);
}
