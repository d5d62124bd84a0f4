import { fileURLToPath } from 'node:url';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleApp } from '../../../scripts/bundle-app';
import { ChildWorker } from './support/child-worker';
import { Pipeline, roomsOf, startDocspace, ticketEvent } from './support/harness';

// The artefact production runs (apps/worker/Dockerfile): the esbuild bundle, under plain Node.

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('the production bundle of the worker', () => {
  let docspace: DocspaceSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    await bundleApp(appDir);
    docspace = await startDocspace();
    pipeline = await new Pipeline('bundle').ready();
  });
  afterAll(async () => {
    await pipeline.close();
    await docspace.close();
  });

  it('builds, makes a room with its folders, and stops cleanly on SIGTERM', async () => {
    const child = new ChildWorker(pipeline.env(docspace), { bundle: true });
    try {
      await child.ready();
      const event = ticketEvent('generic');
      await pipeline.add(event);
      await pipeline.finished(event);
      const { rooms, folders } = await roomsOf(pipeline.reader(docspace), event);
      expect(rooms).toHaveLength(1);
      expect(folders.map((f) => f.title).sort()).toEqual(['Attachments', 'Findings', 'Logs']);
      expect((await pipeline.ledgerOf(event))?.state).toBe('done');
    } finally {
      child.process.kill('SIGTERM');
    }
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.log).toContain('worker stopped');
    expect(child.log).not.toContain('tsx');
  });
});
