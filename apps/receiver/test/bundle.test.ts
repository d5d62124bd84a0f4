import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDelivery, sendDelivery } from '@ticket-rooms/simulators';
import { testPrefix, testRedisUrl } from '@ticket-rooms/testkit';
import { describe, expect, it } from 'vitest';
import { bundleApp } from '../../../scripts/bundle-app';
import { SECRETS } from './support/receiver-under-test';

// The artefact production runs (apps/receiver/Dockerfile): the esbuild bundle, under plain Node.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('the production bundle', () => {
  it('builds, accepts a signed delivery, serves metrics and stops cleanly on SIGTERM', async () => {
    await bundleApp(root);
    const child = spawn(process.execPath, ['--max-old-space-size=128', 'dist/main.mjs'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: testPrefix('bundle'),
        ZENDESK_WEBHOOK_SECRET: SECRETS.zendesk,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /"url":"(http:\/\/[^"]+)".*"msg":"receiver listening"/.exec(output);
        if (listening?.[1]) resolve(listening[1]);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      void exited.then((code) => reject(new Error(`the bundle exited with ${code}: ${output}`)));
    });

    const delivery = buildDelivery('zendesk', {
      ticketId: 'bundled-1',
      subject: 'From the bundle',
      secret: SECRETS.zendesk,
    });
    const res = await sendDelivery(url, delivery);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'accepted', duplicate: false });
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('receiver_process_resident_memory_bytes');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('receiver stopped');
  });
});
