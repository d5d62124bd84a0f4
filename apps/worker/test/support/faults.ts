import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import type { QueueEvents } from 'bullmq';
import { expect, vi } from 'vitest';

type Faults = DocspaceSimulator['faults'];
type FaultConfig = Parameters<Faults['set']>[0];
type FaultKind = keyof Faults['injected'];

/** The fault kinds the issue asks for, as simulator settings. */
export const FAULT_KINDS = {
  '5xx': { config: { errorRate: 1 }, counter: 'error' },
  '429': { config: { rateLimitRate: 1, retryAfterSeconds: 1 }, counter: 'rateLimit' },
  hang: { config: { hangRate: 1, hangMs: 3_000 }, counter: 'hang' },
  'commit-then-drop': { config: { dropAfterCommitRate: 1 }, counter: 'dropAfterCommit' },
} as const satisfies Record<string, { config: FaultConfig; counter: FaultKind }>;
export type FaultName = keyof typeof FAULT_KINDS;

/**
 * Every request is slowed by this much, so a stage's first request is still inside the simulator
 * when the stage's progress event reaches the test and turns the fault on.
 */
export const BASE_LATENCY_MS = 150;

/**
 * Turns `fault` on in `faults` when job `jobId` reports that it starts `stage`, and off again as
 * soon as the simulator has injected it once. Resolves once it has been injected.
 */
export async function faultOnceAtStage(opts: {
  events: QueueEvents;
  jobId: string;
  stage: string;
  faults: Faults;
  fault: FaultName;
  start: () => Promise<unknown>;
}): Promise<void> {
  const { config, counter } = FAULT_KINDS[opts.fault];
  const before = opts.faults.injected[counter];
  let armed = false;
  const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
    const stage = (data as { stage?: unknown } | undefined)?.stage;
    if (armed || jobId !== opts.jobId || stage !== opts.stage) return;
    armed = true;
    opts.faults.set({ latencyMs: BASE_LATENCY_MS, ...config });
  };
  opts.events.on('progress', onProgress);
  try {
    await opts.start();
    await vi.waitFor(() => expect(opts.faults.injected[counter]).toBeGreaterThan(before), {
      timeout: 15_000,
      interval: 5,
    });
  } finally {
    opts.faults.set({ latencyMs: BASE_LATENCY_MS });
    opts.events.off('progress', onProgress);
  }
}
