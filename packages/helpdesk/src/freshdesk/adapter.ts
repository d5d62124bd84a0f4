import { basicAuthHeader, httpUrlVariable } from '@ticket-rooms/core';
import { z } from 'zod';
import type { HelpdeskAdapter } from '../adapter';
import { splitList } from '../inbound/list';
import { TOKEN_HEADER } from '../inbound/types';
import { checkAccount } from '../notes/account';
import { createFreshdeskAttachmentReader } from './attachments';
import { freshdeskBackfill } from './backfill';
import { parseFreshdeskDelivery } from './inbound';
import { FRESHDESK_PRIORITIES } from './priority';
import { createFreshdeskWriter, freshdeskErrorMessage } from './writer';

type FreshdeskSettings = { baseUrl: string; apiKey: string };

export const freshdeskHelpdesk: HelpdeskAdapter<FreshdeskSettings> = {
  source: 'freshdesk',
  routes: ['/webhooks/freshdesk'],
  inbound: {
    variables: ['FRESHDESK_WEBHOOK_TOKEN'],
    credentials: { token: 'FRESHDESK_WEBHOOK_TOKEN' },
    config(env) {
      const tokens = splitList(env.FRESHDESK_WEBHOOK_TOKEN);
      return tokens.length > 0 ? { freshdesk: { tokens } } : {};
    },
    parse: (req, config) => parseFreshdeskDelivery(req, config.freshdesk),
    simulatedSecret: (random) => random(32).toString('base64url'),
    priorities: FRESHDESK_PRIORITIES,
  },
  writeBack: {
    variables: ['FRESHDESK_URL', 'FRESHDESK_API_KEY'],
    urlVariable: 'FRESHDESK_URL',
    env: {
      FRESHDESK_URL: httpUrlVariable('your Freshdesk, such as https://yourcompany.freshdesk.com').optional(),
      FRESHDESK_API_KEY: z.string().optional(),
    },
    settings(env) {
      const { FRESHDESK_URL: baseUrl, FRESHDESK_API_KEY: apiKey } = env;
      if (typeof baseUrl !== 'string' || typeof apiKey !== 'string') return undefined;
      return { baseUrl, apiKey };
    },
    createWriter: (settings, deps) => createFreshdeskWriter({ ...settings, ...deps }),
    checkAccount: (settings, deps) =>
      checkAccount(
        {
          vendor: 'freshdesk',
          baseUrl: settings.baseUrl,
          authorization: basicAuthHeader(settings.apiKey, 'X'),
          path: '/api/v2/agents/me',
          messageOf: freshdeskErrorMessage,
        },
        deps,
        (body) => {
          // Only agents answer /agents/me; an occasional agent without a day pass cannot act.
          const contact = (body.contact ?? {}) as { email?: unknown };
          return { who: `${String(contact.email ?? body.id)} (agent)`, canAddNotes: body.id !== undefined };
        },
      ),
    createAttachmentReader: (settings, deps) => createFreshdeskAttachmentReader({ ...settings, ...deps }),
    backfill: freshdeskBackfill,
    simulated: { FRESHDESK_API_KEY: { randomBytes: 15 } },
  },
  // An older integration sent its token in `x-freshdesk-token`; it is blanked all the same.
  redactHeaders: [TOKEN_HEADER, 'x-freshdesk-token'],
};
