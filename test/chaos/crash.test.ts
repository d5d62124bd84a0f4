import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChaosOptions, type ChaosReport, type KillKind, runChaos } from './harness/chaos-run';
import { formatChaosReport } from './harness/format';

/**
 * One crash of each kind under a small steady load, as `bench/chaos.ts` does at full size: the
 * receiver, a worker and Redis are real processes, SIGKILLed mid-load and started again. What
 * counts is what the simulators hold afterwards, read through their own APIs.
 */
function options(kind: KillKind): ChaosOptions {
  return {
    dir: mkdtempSync(join(tmpdir(), `chaos-test-${kind}-`)),
    seed: 42,
    tickets: 40,
    ratePerSecond: 8,
    duplicateRate: 0.3,
    workers: 1,
    workerConcurrency: 8,
    kills: { worker: 0, receiver: 0, redis: 0 },
    // Mid-load, while jobs are in flight (DocSpace latency keeps each job busy for a while).
    killAt: [{ kind, at: 0.5 }],
    redisDownMs: 1_500,
    docspaceFaults: { latencyMs: 60 },
    helpdeskFaults: { latencyMs: 20 },
    deadline: Date.now() + 75_000,
  };
}

function expectExactlyOneCompleteRoomPerTicket(r: ChaosReport) {
  // The figures first, so a failure shows the whole run (and its directory, kept for a look).
  expect(r.ok, formatChaosReport(r)).toBe(true);
  expect(r.count.tickets).toBe(40);
  expect(r.count.roomsPerTicket).toEqual({ '1': 40 });
  expect(r.count.completeFolderSets).toBe(40);
  expect(r.count.sharesOk).toBe(40);
  // Generic tickets have no helpdesk; the other 30 carry exactly one note.
  expect(r.count.notesPerTicket).toEqual({ '1': 30 });
  expect(r.count.duplicates).toBe(0);
  expect(r.count.missing).toBe(0);
  expect(r.secrets.leaks).toEqual([]);
}

describe('crash runs: every acknowledged ticket becomes exactly one complete room', () => {
  it('when the worker is SIGKILLed mid-job and restarted', async () => {
    const r = await runChaos(options('worker'));
    expectExactlyOneCompleteRoomPerTicket(r);
    expect(r.kills.map((k) => k.kind)).toEqual(['worker']);
    // The kill hit work in progress: the restarted worker took over jobs the dead one held.
    expect(r.jobsTakenOver).toBeGreaterThan(0);
    rmSync(r.dir, { recursive: true, force: true });
  }, 90_000);

  it('when the receiver is SIGKILLed under load and the senders retry what got no answer', async () => {
    const r = await runChaos(options('receiver'));
    expectExactlyOneCompleteRoomPerTicket(r);
    expect(r.kills.map((k) => k.kind)).toEqual(['receiver']);
    expect(r.deliveries.acknowledged).toBe(r.deliveries.planned);
    // Some deliveries went unanswered while it was down, and were delivered again.
    expect(r.deliveries.sender.byStatus.network ?? 0).toBeGreaterThan(0);
    rmSync(r.dir, { recursive: true, force: true });
  }, 90_000);

  it('when Redis is SIGKILLed and restarted from its AOF', async () => {
    const r = await runChaos(options('redis'));
    expectExactlyOneCompleteRoomPerTicket(r);
    expect(r.kills.map((k) => k.kind)).toEqual(['redis']);
    // While it was down the receiver said so (503, or no answer while it noticed), and the senders retried.
    const refusedWhileDown = (r.deliveries.sender.byStatus['503'] ?? 0) + (r.deliveries.sender.byStatus.network ?? 0);
    expect(refusedWhileDown).toBeGreaterThan(0);
    rmSync(r.dir, { recursive: true, force: true });
  }, 90_000);
});
