import { ConfigError } from '@ticket-rooms/core';
import type { HelpdeskAdapter } from '../adapter';
import { splitList } from '../inbound/list';
import { TOKEN_HEADER } from '../inbound/types';
import { parseGenericDelivery } from './inbound';
import { GENERIC_PRIORITIES } from './priority';
import { standardWebhooksKey, WEBHOOK_SIGNATURE_HEADER } from './signature';

/** The plain `{ticketId, subject}` route: any sender that can sign (Standard Webhooks) or hold a token. */
export const genericHelpdesk: HelpdeskAdapter = {
  source: 'generic',
  // The second is the path existing integrations already post `{"ticketId","subject"}` to.
  routes: ['/webhooks/generic', '/helpdesk/ticket-created'],
  inbound: {
    variables: ['GENERIC_WEBHOOK_SECRET', 'GENERIC_WEBHOOK_TOKEN'],
    credentials: { secret: 'GENERIC_WEBHOOK_SECRET', token: 'GENERIC_WEBHOOK_TOKEN' },
    config(env) {
      const secrets = splitList(env.GENERIC_WEBHOOK_SECRET);
      const tokens = splitList(env.GENERIC_WEBHOOK_TOKEN);
      const bad = secrets.findIndex((s) => standardWebhooksKey(s) === undefined);
      if (bad >= 0) {
        const which = secrets.length > 1 ? ` (entry ${bad + 1} is not)` : '';
        throw new ConfigError([
          `GENERIC_WEBHOOK_SECRET: must be a Standard Webhooks secret, whsec_ followed by base64${which}.`,
        ]);
      }
      return secrets.length > 0 || tokens.length > 0 ? { generic: { secrets, tokens } } : {};
    },
    parse: (req, config) => parseGenericDelivery(req, config.generic),
    simulatedSecret: (random) => `whsec_${random(24).toString('base64')}`,
    priorities: GENERIC_PRIORITIES,
  },
  writeBack: undefined,
  redactHeaders: [WEBHOOK_SIGNATURE_HEADER, TOKEN_HEADER],
};
