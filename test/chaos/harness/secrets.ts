import { randomBytes } from 'node:crypto';
import type { Env } from '@ticket-rooms/core';

/**
 * Every secret the service holds, each given a recognizable random value so a scan of everything
 * the runs produced (logs, jobs, ledger, error bodies, the AOF) can find any that leaked.
 */
export interface Secrets {
  zendeskWebhookSecret: string;
  freshdeskWebhookToken: string;
  jiraWebhookSecret: string;
  /** Standard Webhooks secret: `whsec_` + base64 of a recognizable text. */
  genericWebhookSecret: string;
  genericWebhookToken: string;
  dashboardUser: string;
  dashboardPassword: string;
  docspaceApiKey: string;
  zendeskEmail: string;
  zendeskApiToken: string;
  freshdeskApiKey: string;
  jiraEmail: string;
  jiraApiToken: string;
}

const tag = (label: string) => `${label}-chaos-${randomBytes(10).toString('hex')}`;

export function makeSecrets(): Secrets {
  return {
    zendeskWebhookSecret: tag('zdwhsec'),
    freshdeskWebhookToken: tag('fdwhtok'),
    jiraWebhookSecret: tag('jirawhsec'),
    genericWebhookSecret: `whsec_${Buffer.from(tag('genwhsec')).toString('base64')}`,
    genericWebhookToken: tag('genwhtok'),
    dashboardUser: 'ops',
    dashboardPassword: tag('dashpw'),
    docspaceApiKey: `sk-${randomBytes(32).toString('hex')}`,
    zendeskEmail: 'agent@example.com',
    zendeskApiToken: tag('zdapitok'),
    freshdeskApiKey: tag('fdapikey'),
    jiraEmail: 'agent@example.com',
    jiraApiToken: tag('jiraapitok'),
  };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * What to search for: each secret as configured, and the forms it travels in (the decoded key of
 * the Standard Webhooks secret, the basic-auth headers built from the API credentials), so a
 * logged `Authorization` header counts as a leak too.
 */
export function secretNeedles(s: Secrets): Array<{ name: string; value: string }> {
  const genericKey = s.genericWebhookSecret.slice('whsec_'.length);
  return [
    { name: 'ZENDESK_WEBHOOK_SECRET', value: s.zendeskWebhookSecret },
    { name: 'FRESHDESK_WEBHOOK_TOKEN', value: s.freshdeskWebhookToken },
    { name: 'JIRA_WEBHOOK_SECRET', value: s.jiraWebhookSecret },
    { name: 'GENERIC_WEBHOOK_SECRET', value: s.genericWebhookSecret },
    { name: 'GENERIC_WEBHOOK_SECRET (base64 key)', value: genericKey },
    { name: 'GENERIC_WEBHOOK_SECRET (decoded key)', value: Buffer.from(genericKey, 'base64').toString('utf8') },
    { name: 'GENERIC_WEBHOOK_TOKEN', value: s.genericWebhookToken },
    { name: 'DASHBOARD_PASSWORD', value: s.dashboardPassword },
    { name: 'DASHBOARD basic auth', value: b64(`${s.dashboardUser}:${s.dashboardPassword}`) },
    { name: 'DOCSPACE_API_KEY', value: s.docspaceApiKey },
    { name: 'ZENDESK_API_TOKEN', value: s.zendeskApiToken },
    { name: 'ZENDESK basic auth', value: b64(`${s.zendeskEmail}/token:${s.zendeskApiToken}`) },
    { name: 'FRESHDESK_API_KEY', value: s.freshdeskApiKey },
    { name: 'FRESHDESK basic auth', value: b64(`${s.freshdeskApiKey}:X`) },
    { name: 'JIRA_API_TOKEN', value: s.jiraApiToken },
    { name: 'JIRA basic auth', value: b64(`${s.jiraEmail}:${s.jiraApiToken}`) },
    { name: 'FRESHDESK webhook basic auth', value: b64(`freshdesk:${s.freshdeskWebhookToken}`) },
  ];
}

/** The receiver's credential variables. */
export function receiverSecretEnv(s: Secrets): Env {
  return {
    ZENDESK_WEBHOOK_SECRET: s.zendeskWebhookSecret,
    FRESHDESK_WEBHOOK_TOKEN: s.freshdeskWebhookToken,
    JIRA_WEBHOOK_SECRET: s.jiraWebhookSecret,
    GENERIC_WEBHOOK_SECRET: s.genericWebhookSecret,
    GENERIC_WEBHOOK_TOKEN: s.genericWebhookToken,
    DASHBOARD_USER: s.dashboardUser,
    DASHBOARD_PASSWORD: s.dashboardPassword,
    METRICS_REQUIRE_AUTH: 'true',
  };
}

/** The worker's credential variables, for simulators at these URLs. */
export function workerSecretEnv(
  s: Secrets,
  urls: { docspace: string; zendesk: string; freshdesk: string; jira: string },
): Env {
  return {
    DOCSPACE_URL: urls.docspace,
    DOCSPACE_API_KEY: s.docspaceApiKey,
    ZENDESK_URL: urls.zendesk,
    ZENDESK_EMAIL: s.zendeskEmail,
    ZENDESK_API_TOKEN: s.zendeskApiToken,
    FRESHDESK_URL: urls.freshdesk,
    FRESHDESK_API_KEY: s.freshdeskApiKey,
    JIRA_URL: urls.jira,
    JIRA_EMAIL: s.jiraEmail,
    JIRA_API_TOKEN: s.jiraApiToken,
  };
}
