import { randomBytes } from 'node:crypto';
import type { Logger } from '@ticket-rooms/core';
import { type FaultConfig, Faults, RequestStats } from '../faults';
import { BlobStore } from '../shared/blob-store';
import { type SimulatorServer, withLifecycle } from '../shared/lifecycle';
import { buildDocspaceApp } from './app';
import { SIM_GROUPS, SIM_USERS, type SimGroup, type SimUser } from './directory';
import { PortalFiles } from './files';
import { Portal } from './portal';
import { WebhookSender } from './webhooks/sender';

export interface DocspaceSimulatorOptions {
  /** The key clients must send as `Authorization: Bearer …`; a random `sk-…` if omitted. */
  apiKey?: string;
  faults?: FaultConfig;
  /** Extra portal accounts, on top of `SIM_USERS`. */
  users?: readonly SimUser[];
  /** Extra groups, on top of `SIM_GROUPS`. */
  groups?: readonly SimGroup[];
  /** How long archive, unarchive and delete run before they report `finished`; default 50 ms. */
  operationMs?: number;
  /** The tariff's room limit (402 beyond it); unlimited by default. */
  maxRooms?: number;
  /** The portal setting that makes new share links need a DocSpace login; off by default. */
  defaultShareLinkInternal?: boolean;
  /** The tariff's total storage in bytes; a room quota above it is refused. Default 100 GB. */
  maxStorageBytes?: number;
  /** The URL links and envelope `links` use; default: the address each request came to. */
  publicUrl?: string;
  logger?: Logger | false;
  /** Webhook retries after the first attempt (`webhooks:repeatcount`, default 5) and the first retry's delay (1 s). */
  webhookRetries?: { repeatCount?: number; firstDelayMs?: number };
}

export interface DocspaceSimulator extends SimulatorServer {
  readonly apiKey: string;
  /** The portal's state, for debugging and for seeding large data sets; tests read through the HTTP API. */
  readonly portal: Portal;
  /** The portal's files and upload sessions; their bytes are in a temp directory removed on close. */
  readonly files: PortalFiles;
  /** Webhook configurations and deliveries; `idle()` waits for every delivery under way. */
  readonly webhooks: WebhookSender;
}

/** A random key in DocSpace's own format: `sk-` and 64 lowercase hex characters. */
export function generateApiKey(): string {
  return `sk-${randomBytes(32).toString('hex')}`;
}

/**
 * A local DocSpace: the REST endpoints the service uses, with the server's envelopes, errors and
 * rules, plus fault injection (`PUT /__sim/faults`) and request counts (`GET /__sim/stats`).
 */
export async function createDocspaceSimulator(opts: DocspaceSimulatorOptions = {}): Promise<DocspaceSimulator> {
  const apiKey = opts.apiKey ?? generateApiKey();
  const faults = new Faults(opts.faults ?? {});
  const stats = new RequestStats();
  const portal = new Portal({
    users: [...Object.values(SIM_USERS), ...(opts.users ?? [])],
    groups: [...Object.values(SIM_GROUPS), ...(opts.groups ?? [])],
    actorId: SIM_USERS.admin.id,
    operationMs: opts.operationMs ?? 50,
    ...(opts.maxRooms === undefined ? {} : { maxRooms: opts.maxRooms }),
    ...(opts.defaultShareLinkInternal === undefined ? {} : { defaultShareLinkInternal: opts.defaultShareLinkInternal }),
    ...(opts.maxStorageBytes === undefined ? {} : { maxStorageBytes: opts.maxStorageBytes }),
  });
  const blobs = new BlobStore();
  const files = new PortalFiles(portal, blobs);
  const webhooks = new WebhookSender({
    repeatCount: opts.webhookRetries?.repeatCount ?? 5,
    firstDelayMs: opts.webhookRetries?.firstDelayMs ?? 1_000,
    actorId: SIM_USERS.admin.id,
  });
  files.onNewFile.push((file, how) => webhooks.fileEvent(how === 'created' ? 'file.created' : 'file.uploaded', file));
  const app = buildDocspaceApp({
    portal,
    files,
    apiKey,
    faults,
    stats,
    publicUrl: opts.publicUrl?.replace(/\/+$/, ''),
    logger: opts.logger ?? false,
    webhooks,
  });
  await app.ready();
  return withLifecycle({ app, apiKey, faults, stats, portal, files, webhooks }, () => {
    portal.close();
    blobs.close();
  });
}
