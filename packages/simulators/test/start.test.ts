import { basicAuthHeader } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { startSimulators } from '../src/index';

describe('startSimulators', () => {
  it('starts only what is asked for, each accepting the given credentials, and closes them all', async () => {
    const sims = await startSimulators({
      docspace: { apiKey: 'sk-start-test' },
      helpdesks: { freshdesk: { apiKey: 'fd-start-test' } },
    });
    try {
      expect(Object.keys(sims.urls).sort()).toEqual(['docspace', 'freshdesk']);
      expect(sims.helpdesks.zendesk).toBeUndefined();
      const url = `${sims.urls.freshdesk}/api/v2/tickets/1/conversations`;
      expect((await fetch(url, { headers: { authorization: basicAuthHeader('fd-start-test', 'X') } })).status).not.toBe(
        401,
      );
      expect((await fetch(url, { headers: { authorization: basicAuthHeader('wrong', 'X') } })).status).toBe(401);
    } finally {
      await sims.close();
    }
    await expect(fetch(`${sims.urls.docspace}/api/2.0/people/@self`)).rejects.toThrow();
  });
});
