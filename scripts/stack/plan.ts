import type { Env, Source } from '@ticket-rooms/core';
import { SIM_GROUPS } from '@ticket-rooms/simulators';
import { WRITE_BACK_VARIABLES } from '@ticket-rooms/worker';

/** The helpdesks that have a write-back, and so a simulator to stand in for them. */
export const HELPDESKS = ['zendesk', 'freshdesk', 'jira'] as const;
export type Helpdesk = (typeof HELPDESKS)[number];

/** The variable that authenticates each route's deliveries. */
export const INBOUND_VARIABLE: Record<Source, string> = {
  zendesk: 'ZENDESK_WEBHOOK_SECRET',
  freshdesk: 'FRESHDESK_WEBHOOK_TOKEN',
  jira: 'JIRA_WEBHOOK_SECRET',
  generic: 'GENERIC_WEBHOOK_SECRET',
};

/** Fixed, non-secret identities of the simulated accounts. */
export const SIM_EMAILS = { zendesk: 'agent@zendesk.test', jira: 'agent@jira.test' } as const;

/** Where each inbound secret comes from in this run. */
export type InboundOrigin =
  /** The user set the variable. */
  | 'configured'
  /** Generated (or reused from dev-stack.json) because the helpdesk is simulated. */
  | 'generated'
  /** The helpdesk is real but its webhook secret is not set: its deliveries are refused with 401. */
  | 'missing';

export interface StackPlan {
  redis: { embedded: boolean };
  docspace: { embedded: boolean };
  helpdesks: Record<Helpdesk, { embedded: boolean }>;
  inbound: Record<Source, { variable: string; origin: InboundOrigin }>;
  /** `partial`: only one of the two variables is set, which the receiver's config reports. */
  dashboard: { origin: 'configured' | 'generated' | 'partial' };
  /** Who each room is shared with: `ROOM_SHARE`, the simulated Support group, or nobody. */
  roomShare: 'configured' | 'simulated-group' | 'none';
  /** Variables the embedded parts supply, layered over the environment (their URLs come later). */
  overrides: Record<string, string>;
  /** Generated secrets to keep in dev-stack.json: the stored ones and any new ones. */
  secrets: Record<string, string>;
}

/** Random bytes, injected so the plan is pure and tests are deterministic. */
export type RandomBytes = (size: number) => Buffer;

export function isSet(env: Env, name: string): boolean {
  const value = env[name];
  return value !== undefined && value !== '';
}

/**
 * Decides, from the environment alone, which parts run embedded: a part the user configured is
 * used as configured, and one left unconfigured gets a local stand-in. Secrets it makes up are
 * reused from `stored` (dev-stack.json) so a restart keeps the data it already has valid.
 */
export function planStack(env: Env, stored: Readonly<Record<string, string>>, random: RandomBytes): StackPlan {
  const secrets: Record<string, string> = { ...stored };
  const overrides: Record<string, string> = {};
  const keep = (name: string, make: () => string): string => {
    secrets[name] ??= make();
    overrides[name] = secrets[name];
    return secrets[name];
  };
  const token = (bytes: number) => () => random(bytes).toString('base64url');

  // 1. Redis and DocSpace: embedded only when none of their variables is set, so a half-done
  //    configuration is reported by the apps' own checks instead of quietly replaced.
  const redis = {
    embedded: !['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'].some((name) => isSet(env, name)),
  };
  const docspace = { embedded: !isSet(env, 'DOCSPACE_URL') && !isSet(env, 'DOCSPACE_API_KEY') };
  if (docspace.embedded) keep('DOCSPACE_API_KEY', () => `sk-${random(32).toString('hex')}`);

  // 2. Helpdesk write-backs, each simulated when none of its variables is set.
  const helpdesks = Object.fromEntries(
    HELPDESKS.map((h) => [h, { embedded: WRITE_BACK_VARIABLES[h].every((v) => !isSet(env, v)) }]),
  ) as Record<Helpdesk, { embedded: boolean }>;
  if (helpdesks.zendesk.embedded) {
    overrides.ZENDESK_EMAIL = SIM_EMAILS.zendesk;
    keep('ZENDESK_API_TOKEN', token(24));
  }
  if (helpdesks.freshdesk.embedded) keep('FRESHDESK_API_KEY', token(15));
  if (helpdesks.jira.embedded) {
    overrides.JIRA_EMAIL = SIM_EMAILS.jira;
    keep('JIRA_API_TOKEN', token(24));
  }

  // 3. Inbound secrets: a simulated helpdesk gets a generated one so its deliveries can be signed;
  //    a real one must be given its own, or the receiver refuses its deliveries and says why.
  const inbound = {} as StackPlan['inbound'];
  for (const h of HELPDESKS) {
    const variable = INBOUND_VARIABLE[h];
    let origin: InboundOrigin = 'missing';
    if (isSet(env, variable)) origin = 'configured';
    else if (helpdesks[h].embedded) {
      keep(variable, token(32));
      origin = 'generated';
    }
    inbound[h] = { variable, origin };
  }
  // The generic route has no helpdesk behind it; it is configured by a secret or a token.
  if (isSet(env, 'GENERIC_WEBHOOK_SECRET') || isSet(env, 'GENERIC_WEBHOOK_TOKEN')) {
    inbound.generic = {
      variable: isSet(env, 'GENERIC_WEBHOOK_SECRET') ? 'GENERIC_WEBHOOK_SECRET' : 'GENERIC_WEBHOOK_TOKEN',
      origin: 'configured',
    };
  } else {
    keep('GENERIC_WEBHOOK_SECRET', () => `whsec_${random(24).toString('base64')}`);
    inbound.generic = { variable: 'GENERIC_WEBHOOK_SECRET', origin: 'generated' };
  }

  // 4. Dashboard credentials: generated when neither is set.
  let dashboard: StackPlan['dashboard'] = { origin: 'configured' };
  const user = isSet(env, 'DASHBOARD_USER');
  const password = isSet(env, 'DASHBOARD_PASSWORD');
  if (!user && !password) {
    keep('DASHBOARD_USER', () => 'admin');
    keep('DASHBOARD_PASSWORD', token(15));
    dashboard = { origin: 'generated' };
  } else if (user !== password) dashboard = { origin: 'partial' };

  // 5. With the simulated DocSpace, rooms are shared with its Support group unless ROOM_SHARE says
  //    otherwise, so the share stage has something to do. ContentCreator is allowed for groups in
  //    every room type.
  let roomShare: StackPlan['roomShare'] = isSet(env, 'ROOM_SHARE') ? 'configured' : 'none';
  if (docspace.embedded && roomShare === 'none') {
    overrides.ROOM_SHARE = JSON.stringify([{ id: SIM_GROUPS.support.id, type: 'group', role: 'ContentCreator' }]);
    roomShare = 'simulated-group';
  }

  return { redis, docspace, helpdesks, inbound, dashboard, roomShare, overrides, secrets };
}

/** The base URLs of what the stack started, once it listens. */
export interface EmbeddedUrls {
  redis?: string;
  docspace?: string;
  zendesk?: string;
  freshdesk?: string;
  jira?: string;
}

/**
 * The environment the receiver and the worker read: the user's, then the plan's stand-ins, then
 * the URLs of what was started. Before anything listens, placeholders let the configuration be
 * checked first, so a mistake stops the command before it starts anything.
 */
export function stackEnv(env: Env, plan: StackPlan, urls: EmbeddedUrls | 'placeholders'): Env {
  const at = (name: keyof EmbeddedUrls, placeholder: string) =>
    urls === 'placeholders' ? placeholder : (urls[name] ?? placeholder);
  const out: Env = { ...env, ...plan.overrides };
  if (plan.redis.embedded) out.REDIS_URL = at('redis', 'redis://127.0.0.1:6379');
  if (plan.docspace.embedded) out.DOCSPACE_URL = at('docspace', 'http://127.0.0.1:9');
  for (const h of HELPDESKS) {
    if (plan.helpdesks[h].embedded) out[`${h.toUpperCase()}_URL`] = at(h, 'http://127.0.0.1:9');
  }
  return out;
}
