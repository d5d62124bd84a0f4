import { defineConfig } from 'vitest/config';

const globalSetup = ['packages/testkit/src/global-setup.ts'];

/**
 * The failover tests kill Redis primaries and wait for sentinels and clusters to react within
 * seconds; `pnpm test` runs them after the rest, one file at a time, so the machine's other tests
 * do not stretch those seconds.
 */
const FAILOVER = ['test/redis-ha/sentinel.test.ts', 'test/redis-ha/cluster.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          globalSetup,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: FAILOVER,
          globalSetup,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'failover',
          include: FAILOVER,
          globalSetup,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
