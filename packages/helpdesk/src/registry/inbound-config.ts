import { ConfigError, type Env } from '@ticket-rooms/core';
import type { InboundConfig } from '../inbound/types';
import { HELPDESKS } from './helpdesks';

/**
 * The inbound part of the configuration, from the variables operators set. A helpdesk whose
 * variable is unset is left out, and its deliveries are refused with a sentence naming it.
 * Every variable takes a comma-separated list, so a secret can be rotated without downtime.
 * Throws `ConfigError` naming every malformed variable at once.
 */
export function inboundConfigFromEnv(env: Env = process.env): InboundConfig {
  const config: InboundConfig = {};
  const problems: string[] = [];
  for (const helpdesk of HELPDESKS) {
    try {
      Object.assign(config, helpdesk.inbound.config(env));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Every variable that authenticates a delivery route, in registry order. */
export function inboundVariables(): string[] {
  return HELPDESKS.flatMap((h) => h.inbound.variables);
}
