import { ConfigError, type Env } from '@ticket-rooms/core';
import { standardWebhooksKey } from '../generic/signature';
import type { InboundConfig } from './types';

/** Comma-separated values, trimmed, blanks dropped: `a, b,` is `['a', 'b']`. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * The inbound part of the configuration, from the variables operators set. A vendor whose
 * variable is unset is left out, and its deliveries are refused with a sentence naming it.
 * Every variable takes a comma-separated list, so a secret can be rotated without downtime.
 * Throws `ConfigError` for a `GENERIC_WEBHOOK_SECRET` that is not a Standard Webhooks secret.
 */
export function inboundConfigFromEnv(env: Env = process.env): InboundConfig {
  const config: InboundConfig = {};
  const zendesk = splitList(env.ZENDESK_WEBHOOK_SECRET);
  if (zendesk.length > 0) config.zendesk = { secrets: zendesk };
  const freshdesk = splitList(env.FRESHDESK_WEBHOOK_TOKEN);
  if (freshdesk.length > 0) config.freshdesk = { tokens: freshdesk };
  const jira = splitList(env.JIRA_WEBHOOK_SECRET);
  if (jira.length > 0) config.jira = { secrets: jira };
  const genericSecrets = splitList(env.GENERIC_WEBHOOK_SECRET);
  const genericTokens = splitList(env.GENERIC_WEBHOOK_TOKEN);
  const bad = genericSecrets.findIndex((s) => standardWebhooksKey(s) === undefined);
  if (bad >= 0) {
    const which = genericSecrets.length > 1 ? ` (entry ${bad + 1} is not)` : '';
    throw new ConfigError([
      `GENERIC_WEBHOOK_SECRET: must be a Standard Webhooks secret, whsec_ followed by base64${which}.`,
    ]);
  }
  if (genericSecrets.length > 0 || genericTokens.length > 0) {
    config.generic = { secrets: genericSecrets, tokens: genericTokens };
  }
  return config;
}
