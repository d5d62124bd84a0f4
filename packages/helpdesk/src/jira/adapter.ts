import { basicAuthHeader, httpUrlVariable } from '@ticket-rooms/core';
import { z } from 'zod';
import type { HelpdeskAdapter } from '../adapter';
import { splitList } from '../inbound/list';
import { checkAccount } from '../notes/account';
import { createJiraAttachmentReader } from './attachments';
import { jiraBackfill } from './backfill';
import { parseJiraDelivery } from './inbound';
import { JIRA_PRIORITIES } from './priority';
import { JIRA_SIGNATURE_HEADER } from './signature';
import { createJiraWriter, jiraErrorMessage } from './writer';

type JiraSettings = { baseUrl: string; email: string; apiToken: string };

export const jiraHelpdesk: HelpdeskAdapter<JiraSettings> = {
  source: 'jira',
  routes: ['/webhooks/jira'],
  inbound: {
    variables: ['JIRA_WEBHOOK_SECRET'],
    credentials: { secret: 'JIRA_WEBHOOK_SECRET' },
    config(env) {
      const secrets = splitList(env.JIRA_WEBHOOK_SECRET);
      return secrets.length > 0 ? { jira: { secrets } } : {};
    },
    parse: (req, config) => parseJiraDelivery(req, config.jira),
    simulatedSecret: (random) => random(32).toString('base64url'),
    priorities: JIRA_PRIORITIES,
  },
  writeBack: {
    variables: ['JIRA_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN'],
    urlVariable: 'JIRA_URL',
    env: {
      JIRA_URL: httpUrlVariable('your Jira site, such as https://yourcompany.atlassian.net').optional(),
      JIRA_EMAIL: z.string().optional(),
      JIRA_API_TOKEN: z.string().optional(),
    },
    settings(env) {
      const { JIRA_URL: baseUrl, JIRA_EMAIL: email, JIRA_API_TOKEN: apiToken } = env;
      if (typeof baseUrl !== 'string' || typeof email !== 'string' || typeof apiToken !== 'string') return undefined;
      return { baseUrl, email, apiToken };
    },
    createWriter: (settings, deps) => createJiraWriter({ ...settings, ...deps }),
    checkAccount: (settings, deps) =>
      checkAccount(
        {
          vendor: 'jira',
          baseUrl: settings.baseUrl,
          authorization: basicAuthHeader(settings.email, settings.apiToken),
          path: '/rest/api/3/myself',
          messageOf: jiraErrorMessage,
        },
        deps,
        (body) => {
          const active = body.active !== false;
          return {
            who: String(body.emailAddress ?? body.displayName ?? body.accountId),
            canAddNotes: active,
            ...(active ? {} : { why: 'the Jira account is deactivated' }),
          };
        },
      ),
    createAttachmentReader: (settings, deps) => createJiraAttachmentReader({ ...settings, ...deps }),
    backfill: jiraBackfill,
    simulated: { JIRA_EMAIL: { fixed: 'agent@jira.test' }, JIRA_API_TOKEN: { randomBytes: 24 } },
  },
  redactHeaders: [JIRA_SIGNATURE_HEADER],
};
