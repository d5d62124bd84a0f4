import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDocspace } from '../../apps/worker/test/support/harness';
import { runRegisterWebhookCli } from '../../scripts/tools/register-webhook';

describe('pnpm register-webhook docspace', () => {
  let docspace: DocspaceSimulator;
  beforeAll(async () => {
    docspace = await startDocspace();
  });
  afterAll(async () => {
    await docspace?.close();
  });

  async function run(args: string[], env: Record<string, string | undefined> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runRegisterWebhookCli(
      args,
      { DOCSPACE_URL: docspace.baseUrl, DOCSPACE_API_KEY: docspace.apiKey, ...env },
      { out: (l) => out.push(l), err: (l) => err.push(l) },
    );
    return { code, out, err };
  }

  const configsTo = (uri: string) => [...docspace.webhooks.configs.values()].filter((c) => c.uri === uri);

  it('creates the webhook for created and uploaded files and prints its generated secret once', async () => {
    const uri = 'https://rooms.example.com/webhooks/docspace';
    const { code, out, err } = await run(['docspace', '--url', uri]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const [config] = configsTo(uri);
    expect(configsTo(uri)).toHaveLength(1);
    expect(config).toMatchObject({ name: 'ticket-rooms', enabled: true, triggers: 384 });
    const secret = config?.secretKey as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(secret.length).toBeLessThanOrEqual(50);
    expect(out.filter((l) => l.includes(secret))).toEqual([`DOCSPACE_WEBHOOK_SECRET=${secret}`]);
  });

  it('updates the webhook already sending to the same address instead of adding a second one', async () => {
    const uri = 'https://again.example.com/webhooks/docspace';
    await run(['docspace', '--url', uri]);
    const { code, out } = await run(['docspace', '--url', uri, '--name', 'rooms', '--secret', 'given-secret']);
    expect(code).toBe(0);
    expect(configsTo(uri)).toHaveLength(1);
    expect(configsTo(uri)[0]).toMatchObject({ name: 'rooms', secretKey: 'given-secret', triggers: 384 });
    expect(out[0]).toMatch(/^Updated the DocSpace webhook "rooms"/);
    // A secret the user gave is not repeated back.
    expect(out.join('\n')).not.toContain('given-secret');
  });

  it('says in one sentence which variable is missing, or that the key was refused', async () => {
    const url = ['docspace', '--url', 'https://x.example.com/webhooks/docspace'];
    const missing = await run(url, { DOCSPACE_API_KEY: '' });
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([
      'DOCSPACE_API_KEY is not set; set it in the environment or in .env, as for the worker.',
    ]);

    const refused = await run(url, { DOCSPACE_API_KEY: `sk-${'0'.repeat(64)}` });
    expect(refused.code).toBe(1);
    expect(refused.err).toHaveLength(1);
    expect(refused.err[0]).toMatch(/refused DOCSPACE_API_KEY \(401\); check that the key is right/);
    expect(refused.err[0]).not.toContain('0'.repeat(64));
    expect(configsTo('https://x.example.com/webhooks/docspace')).toHaveLength(0);
  });

  it('refuses a secret DocSpace could not store, and a missing --url, as usage mistakes', async () => {
    expect((await run(['docspace', '--url', 'https://y.example.com/h', '--secret', 's'.repeat(51)])).code).toBe(2);
    expect((await run(['docspace'])).code).toBe(2);
    expect((await run(['zendesk', '--url', 'https://y.example.com/h'])).code).toBe(2);
    expect(configsTo('https://y.example.com/h')).toHaveLength(0);
  });
});
