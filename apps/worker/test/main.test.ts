import { describe, expect, it } from 'vitest';
import { ChildWorker } from './support/child-worker';

describe('pnpm --filter ./apps/worker start', () => {
  it('refuses to start without a DocSpace key, saying so before it takes any job', async () => {
    const child = new ChildWorker({
      REDIS_URL: 'redis://127.0.0.1:1',
      DOCSPACE_URL: 'https://portal.example.com',
      DOCSPACE_API_KEY: '',
      ROOM_TYPE: 'meeting',
    });
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.log).toContain('DOCSPACE_API_KEY: is missing; create a key in DocSpace');
    expect(child.log).toContain('ROOM_TYPE: unknown DocSpace room type "meeting"');
    expect(child.log).not.toContain('worker started');
  });
});
