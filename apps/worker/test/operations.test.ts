import { Writable } from 'node:stream';
import { ticketKey } from '@ticket-rooms/core';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { faultOnceAtStage } from './support/faults';
import { Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';

/** Collects the worker's JSON log lines. */
function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

function metricValue(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('what operators see', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;
  const sink = logSink();
  let metricsUrl: string;

  beforeAll(async () => {
    docspace = await startDocspace({ faults: { latencyMs: 100 } });
    pipeline = await new Pipeline('ops').ready();
    const worker = await pipeline.startWorker(pipeline.config(docspace), { metricsServer: true, logger: sink.logger });
    metricsUrl = `${worker.metricsUrl}/metrics`;
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('serves metrics: jobs by outcome, stage durations, vendor calls by status, retries', async () => {
    const event = ticketEvent('generic');
    await faultOnceAtStage({
      events: pipeline.roomEvents,
      jobId: ticketKey(event),
      stage: 'folders',
      faults: docspace.faults,
      fault: '5xx',
      start: () => pipeline.add(event),
    });
    await pipeline.finished(event);
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(metricValue(text, 'ticket_rooms_worker_jobs_total', { queue: 'rooms', outcome: 'completed' })).toBe(1);
    expect(metricValue(text, 'ticket_rooms_worker_jobs_total', { queue: 'rooms', outcome: 'retried' })).toBe(1);
    expect(metricValue(text, 'ticket_rooms_worker_retries_total', { stage: 'folders', code: 'SERVER_ERROR' })).toBe(1);
    expect(metricValue(text, 'ticket_rooms_worker_vendor_calls_total', { vendor: 'docspace', status: '502' })).toBe(1);
    expect(
      metricValue(text, 'ticket_rooms_worker_vendor_calls_total', {
        vendor: 'docspace',
        method: 'POST',
        status: '200',
      }),
    ).toBe(4);
    expect(
      metricValue(text, 'ticket_rooms_worker_stage_duration_seconds_count', { stage: 'room', result: 'done' }),
    ).toBe(1);
    expect(
      metricValue(text, 'ticket_rooms_worker_stage_duration_seconds_count', { stage: 'share', result: 'skipped' }),
    ).toBe(1);
  });

  it('logs one line per ticket with every id, and one error line per ticket that fails for good', async () => {
    const ok = ticketEvent('generic');
    await pipeline.add(ok);
    await pipeline.finished(ok);
    const room = (await roomsOf(pipeline.reader(docspace), ok)).rooms[0];
    const lines = sink.lines.filter((l) => l.ticket === ticketKey(ok));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, roomId: room?.id, origin: 'created', queue: 'rooms' });
    expect(Object.keys(lines[0]?.folders as object).sort()).toEqual(['Attachments', 'Findings', 'Logs']);
    // The per-stage lines are in the job's log, for Bull Board.
    const { logs } = await pipeline.rooms.getJobLogs(ticketKey(ok));
    expect(logs.map((l) => l.split(':')[0])).toEqual(['route', 'room', 'folders', 'share', 'link', 'helpdesk']);

    const bad = await new Pipeline('ops-bad').ready();
    const badSink = logSink();
    try {
      const worker = await bad.startWorker(bad.config(docspace, { DOCSPACE_API_KEY: 'sk-nope' }), {
        logger: badSink.logger,
        metricsServer: true,
      });
      const event = ticketEvent('generic');
      await bad.add(event);
      await expect(bad.finished(event)).rejects.toThrow(/^room: /);
      // The worker logs once BullMQ has moved the job to the failed set, which the queue's event
      // may report first.
      const errorsFor = () => badSink.lines.filter((l) => (l.level as number) >= 50 && l.ticket === ticketKey(event));
      await vi.waitFor(() => expect(errorsFor().length).toBeGreaterThan(0));
      const errors = errorsFor();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ stage: 'room', queue: 'rooms' });
      expect(String(errors[0]?.msg)).toContain('DocSpace rejected the API key');
      expect(JSON.stringify(badSink.lines)).not.toContain('sk-nope');
      const text = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
      expect(metricValue(text, 'ticket_rooms_worker_final_failures_total', { queue: 'rooms', stage: 'room' })).toBe(1);
      expect(metricValue(text, 'ticket_rooms_worker_jobs_total', { queue: 'rooms', outcome: 'failed' })).toBe(1);
    } finally {
      await bad.close();
    }
  });
});

describe('DOCSPACE_RATE_LIMIT', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    docspace = await startDocspace();
    pipeline = await new Pipeline('ratelimit').ready();
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('holds every worker on one Redis to the rate together', async () => {
    const rate = 25;
    const config = pipeline.config(docspace, { DOCSPACE_RATE_LIMIT: String(rate), WORKER_CONCURRENCY: '10' });
    // Two workers, as two processes would be: each alone would go far faster than the rate.
    await pipeline.startWorker(config);
    await pipeline.startWorker(config);
    const events = Array.from({ length: 12 }, () => ticketEvent('generic'));
    const started = performance.now();
    await Promise.all(events.map((e) => pipeline.add(e)));
    await Promise.all(events.map((e) => pipeline.finished(e)));
    const elapsedMs = performance.now() - started;
    const requests = docspace.stats.total;
    expect(requests).toBeGreaterThanOrEqual(events.length * 5);
    // n requests at `rate` per second need at least (n - 1) / rate seconds, whoever sends them.
    expect(elapsedMs).toBeGreaterThanOrEqual(((requests - 1) / rate) * 1000 - 50);
    const reader = pipeline.reader(docspace);
    for (const e of events) expect((await roomsOf(reader, e)).rooms).toHaveLength(1);
  });
});
