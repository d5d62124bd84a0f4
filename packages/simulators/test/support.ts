import { VendorError } from '@ticket-rooms/core';
import { expect } from 'vitest';

/** The `VendorError` a writer call failed with; fails the test if it succeeded or threw something else. */
export async function caught(promise: Promise<unknown>): Promise<VendorError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorError);
  return err as VendorError;
}

/** Zeroes a simulator's request counts, so the next reads count only what follows. */
export async function resetStats(baseUrl: string): Promise<void> {
  await fetch(`${baseUrl}/__sim/stats/reset`, { method: 'POST' });
}

/** Requests a simulator has served per route (`METHOD /route/:param`) since the last reset. */
export async function requestsByRoute(baseUrl: string): Promise<Record<string, number>> {
  const stats = (await (await fetch(`${baseUrl}/__sim/stats`)).json()) as { byRoute: Record<string, number> };
  return stats.byRoute;
}
