import type { Env, QUEUE_NAMES, Source } from '@ticket-rooms/core';
import { HELPDESKS, helpdeskAdapter, WRITE_BACK_HELPDESKS } from '@ticket-rooms/helpdesk';
import { SIM_GROUPS } from '@ticket-rooms/simulators';

/** The helpdesks that have a write-back, and so a simulator to stand in for them. */
export type Helpdesk = keyof typeof QUEUE_NAMES.notes;
export const SIMULATED_HELPDESKS = WRITE_BACK_HELPDESKS.map((h) => h.source as Helpdesk);

/** The variable that authenticates a route's deliveries (the first of its adapter's). */
export function inboundVariable(source: Source): string {
  return helpdeskAdapter(source).inbound.variables[0] as string;
}

/** A fixed, non-secret value a simulated account is given, such as its agent's email. */
export function simulatedFixed(variable: string): string | undefined {
  for (const h of WRITE_BACK_HELPDESKS) {
    const value = h.writeBack.simulated[variable];
    if (value && 'fixed' in value) return value.fixed;
  }
  return undefined;
}

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
  /**
   * With the simulated DocSpace, the secret its file webhook signs with (`DOCSPACE_WEBHOOK_SECRET`,
   * the user's or generated); the stack registers that webhook once the receiver listens.
   */
  docspaceWebhook: { origin: 'configured' | 'generated' } | undefined;
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
  // The simulated portal's file webhook brings findings back: 32 bytes as base64url are 43
  // characters, within the 50 DocSpace stores.
  let docspaceWebhook: StackPlan['docspaceWebhook'];
  if (docspace.embedded) {
    if (isSet(env, 'DOCSPACE_WEBHOOK_SECRET')) docspaceWebhook = { origin: 'configured' };
    else {
      keep('DOCSPACE_WEBHOOK_SECRET', token(32));
      docspaceWebhook = { origin: 'generated' };
    }
  }

  // 2. Helpdesk write-backs, each simulated when none of its variables is set: fixed identities
  //    as overrides, generated credentials kept as secrets.
  const helpdesks = {} as StackPlan['helpdesks'];
  for (const h of WRITE_BACK_HELPDESKS) {
    const embedded = h.writeBack.variables.every((v) => !isSet(env, v));
    helpdesks[h.source as Helpdesk] = { embedded };
    if (!embedded) continue;
    for (const [variable, value] of Object.entries(h.writeBack.simulated)) {
      if ('fixed' in value) overrides[variable] = value.fixed;
      else keep(variable, token(value.randomBytes));
    }
  }

  // 3. Inbound secrets: a route is configured by any of its variables. A simulated helpdesk, or a
  //    route with no helpdesk behind it, gets a generated one so its deliveries can be signed; a
  //    real helpdesk must be given its own, or the receiver refuses its deliveries and says why.
  const inbound = {} as StackPlan['inbound'];
  for (const h of HELPDESKS) {
    const configured = h.inbound.variables.find((v) => isSet(env, v));
    const variable = configured ?? (h.inbound.variables[0] as string);
    let origin: InboundOrigin = 'missing';
    if (configured) origin = 'configured';
    else if (h.writeBack === undefined || helpdesks[h.source as Helpdesk]?.embedded) {
      keep(variable, () => h.inbound.simulatedSecret(random));
      origin = 'generated';
    }
    inbound[h.source] = { variable, origin };
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
    overrides.ROOM_SHARE = JSON.stringify([{ group: SIM_GROUPS.support.name, role: 'ContentCreator' }]);
    roomShare = 'simulated-group';
  }

  return { redis, docspace, docspaceWebhook, helpdesks, inbound, dashboard, roomShare, overrides, secrets };
}

/** The base URLs of what the stack started, once it listens. */
export type EmbeddedUrls = Partial<Record<'redis' | 'docspace' | Helpdesk, string>>;

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
  for (const h of WRITE_BACK_HELPDESKS) {
    const name = h.source as Helpdesk;
    if (plan.helpdesks[name].embedded) out[h.writeBack.urlVariable] = at(name, 'http://127.0.0.1:9');
  }
  return out;
}
