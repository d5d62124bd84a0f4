import { basicAuthHeader, httpUrlVariable } from '@ticket-rooms/core';
import { z } from 'zod';
import type { HelpdeskAdapter } from '../adapter';
import { splitList } from '../inbound/list';
import { checkAccount } from '../notes/account';
import { createZendeskAttachmentReader } from './attachments';
import { zendeskBackfill } from './backfill';
import { parseZendeskDelivery } from './inbound';
import { ZENDESK_PRIORITIES } from './priority';
import { ZENDESK_SIGNATURE_HEADER } from './signature';
import { createZendeskWriter, zendeskErrorMessage } from './writer';

type ZendeskSettings = { baseUrl: string; email: string; apiToken: string };

export const zendeskHelpdesk: HelpdeskAdapter<ZendeskSettings> = {
  source: 'zendesk',
  routes: ['/webhooks/zendesk'],
  inbound: {
    variables: ['ZENDESK_WEBHOOK_SECRET'],
    credentials: { secret: 'ZENDESK_WEBHOOK_SECRET' },
    config(env) {
      const secrets = splitList(env.ZENDESK_WEBHOOK_SECRET);
      return secrets.length > 0 ? { zendesk: { secrets } } : {};
    },
    parse: (req, config) => parseZendeskDelivery(req, config.zendesk),
    simulatedSecret: (random) => random(32).toString('base64url'),
    priorities: ZENDESK_PRIORITIES,
  },
  writeBack: {
    variables: ['ZENDESK_URL', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'],
    urlVariable: 'ZENDESK_URL',
    env: {
      ZENDESK_URL: httpUrlVariable('your Zendesk, such as https://yourcompany.zendesk.com').optional(),
      ZENDESK_EMAIL: z.string().optional(),
      ZENDESK_API_TOKEN: z.string().optional(),
    },
    settings(env) {
      const { ZENDESK_URL: baseUrl, ZENDESK_EMAIL: email, ZENDESK_API_TOKEN: apiToken } = env;
      if (typeof baseUrl !== 'string' || typeof email !== 'string' || typeof apiToken !== 'string') return undefined;
      return { baseUrl, email, apiToken };
    },
    createWriter: (settings, deps) => createZendeskWriter({ ...settings, ...deps }),
    checkAccount: (settings, deps) =>
      checkAccount(
        {
          vendor: 'zendesk',
          baseUrl: settings.baseUrl,
          authorization: basicAuthHeader(`${settings.email}/token`, settings.apiToken),
          path: '/api/v2/users/me.json',
          messageOf: zendeskErrorMessage,
        },
        deps,
        (body) => {
          // Zendesk answers an anonymous "me" (id null, role end-user) rather than 401 for some bad credentials.
          const user = (body.user ?? {}) as { id?: unknown; email?: unknown; role?: unknown };
          const role = String(user.role ?? 'end-user');
          const canAddNotes = user.id !== null && user.id !== undefined && (role === 'agent' || role === 'admin');
          return {
            who: `${String(user.email ?? 'anonymous')} (${role})`,
            canAddNotes,
            ...(canAddNotes ? {} : { why: `the account is a Zendesk ${role}; internal notes need an agent or admin` }),
          };
        },
      ),
    createAttachmentReader: (settings, deps) => createZendeskAttachmentReader({ ...settings, ...deps }),
    backfill: zendeskBackfill,
    simulated: { ZENDESK_EMAIL: { fixed: 'agent@zendesk.test' }, ZENDESK_API_TOKEN: { randomBytes: 24 } },
  },
  redactHeaders: [ZENDESK_SIGNATURE_HEADER],
};
