import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFuzzReport } from './harness/format-fuzz';
import { type FuzzReport, runFuzz } from './harness/fuzz-run';

/** The fast version of `bench/fuzz.ts`: the same generator, fewer requests. */
describe('the receiver under generated attacks and bad input', () => {
  let report: FuzzReport;
  let passed = 0;

  // The run's directory (logs, Redis data, dumps) is kept when anything failed, for a look.
  afterAll(() => {
    if (report && passed === 5) rmSync(report.dir, { recursive: true, force: true });
  });

  it('answers every request below 500, stays up, and makes jobs only from authenticated deliveries', async () => {
    report = await runFuzz({
      dir: mkdtempSync(join(tmpdir(), 'fuzz-test-')),
      seed: 20261128,
      requests: 3_000,
      concurrency: 16,
    });
    const summary = formatFuzzReport(report);
    expect(report.serverErrors, summary).toBe(0);
    expect(report.noAnswer, summary).toBe(0);
    expect(report.unauthenticatedAccepted, summary).toBe(0);
    expect(report.receiver, summary).toMatchObject({ alive: true, restarts: 0, exits: 0, healthz: 200 });
    expect(report.jobs.unexplained, summary).toEqual([]);
    expect(report.jobs.unexplainedMarkers, summary).toEqual([]);
    // The run did exercise the accepting path: authentic deliveries became jobs.
    expect(report.jobs.total).toBeGreaterThan(0);
    expect(report.byCategory.legit).toEqual({ '202': expect.any(Number) });
    passed += 1;
  }, 120_000);

  it('rejects correctly signed deliveries whose timestamp is outside the 300 s tolerance', () => {
    const replays = report.byCategory['replay-expired'] ?? {};
    expect(Object.keys(replays)).toEqual(['401']);
    expect(replays['401']).toBeGreaterThan(0);
    passed += 1;
  });

  it('answers an exact replay within the tolerance as a duplicate, without a second job', () => {
    const replays = report.byCategory['replay-valid'] ?? {};
    expect(Object.keys(replays)).toEqual(['202']);
    // Every job in Redis is one of the 202s' job ids: a replay adds none (checked above), and the
    // jobs are fewer than the 202s.
    const accepted = Object.values(report.byCategory).reduce((n, s) => n + (s['202'] ?? 0), 0);
    expect(report.jobs.total).toBeLessThan(accepted);
    passed += 1;
  });

  it('keeps the dashboard and /metrics behind their credentials', () => {
    const probes = report.byCategory['dashboard-metrics'] ?? {};
    // Wrong or missing credentials: 401 (or 404 where nothing is behind the path); never a page.
    expect(probes['401']).toBeGreaterThan(0);
    // The right credentials do open them, so the 401s are the credential check at work.
    expect(probes['200']).toBeGreaterThan(0);
    expect(report.unauthenticatedAccepted).toBe(0);
    passed += 1;
  });

  it('leaks no secret into logs, jobs, the ledger, Redis, or error responses', () => {
    expect(report.secrets.files).toBeGreaterThan(0);
    expect(report.secrets.leaks).toEqual([]);
    passed += 1;
  });
});
