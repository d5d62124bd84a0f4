import { REDIS_MISSING_MESSAGE } from '@ticket-rooms/core';
import type { TestProject } from 'vitest/node';
import { provideRedis } from './redis-provider';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** Vitest global setup: one Redis for the whole run, handed to every test file as `redisUrl`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let redis: Awaited<ReturnType<typeof provideRedis>>;
  try {
    redis = await provideRedis();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // One sentence, no stack trace: this is a missing prerequisite, not a bug.
    process.stderr.write(
      `\n${message === REDIS_MISSING_MESSAGE ? message : `Could not start Redis for the tests: ${message}`}\n\n`,
    );
    process.exit(1);
  }
  project.provide('redisUrl', redis.url);
  process.env.TEST_REDIS_URL = redis.url;
  return async () => {
    await redis.stop();
  };
}
