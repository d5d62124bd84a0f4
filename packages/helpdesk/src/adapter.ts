import type { Env, FetchLike, Source } from '@ticket-rooms/core';
import type { z } from 'zod';
import type { AttachmentReader } from './attachments/reader';
import type { Backfill } from './backfill/lister';
import type { PriorityTable } from './inbound/normalize';
import type { InboundConfig, InboundOutcome, InboundRequest } from './inbound/types';
import type { AccountCheck } from './notes/account';
import type { NoteWriter } from './notes/note';

/** Random bytes, injected so what is generated from them can be tested deterministically. */
export type RandomBytes = (size: number) => Buffer;

/** Write-back credentials from the environment: the vendor's base URL and what else its API takes. */
export type WriteBackSettings = { readonly baseUrl: string; readonly [name: string]: string };

/** What the worker hands a writer: its own fetch (counted, pooled) and a per-request timeout. */
export interface WriterDeps {
  fetch?: FetchLike;
  timeoutMs?: number;
}

/** How a vendor's internal note is written back: its variables, their checks and the writer. */
export interface WriteBack<S extends WriteBackSettings = WriteBackSettings> {
  /** Every variable it reads, set all together or none. */
  readonly variables: readonly string[];
  /** The one of them holding the base URL (a local simulator's URL goes there). */
  readonly urlVariable: string;
  /** The variables' schemas, spread into the worker's environment schema. */
  readonly env: Readonly<Record<string, z.ZodType>>;
  /** The settings once every variable is set, from values `env` has already checked. */
  settings(env: Readonly<Record<string, unknown>>): S | undefined;
  createWriter(settings: S, deps: WriterDeps): NoteWriter;
  /** Asks the vendor who the credentials act as (its "me" endpoint) and whether that account may add internal notes. */
  checkAccount(settings: S, deps: WriterDeps): Promise<AccountCheck>;
  /** Lists a ticket's attachments and downloads them with the same credentials; absent: none are copied. */
  createAttachmentReader?(settings: S, deps: WriterDeps): AttachmentReader;
  /** Lists its tickets through its own API for `pnpm backfill`; absent: it cannot be backfilled. */
  readonly backfill?: Backfill<S>;
  /** What a local simulator is given instead of real credentials: a fixed value or random bytes. */
  readonly simulated: Readonly<Record<string, { fixed: string } | { randomBytes: number }>>;
}

/**
 * Everything the service knows about one helpdesk, exported by its folder and listed once in
 * `registry/helpdesks.ts`. The apps, the stack and the tools iterate the list; none names a vendor.
 */
export interface HelpdeskAdapter<S extends WriteBackSettings = WriteBackSettings> {
  readonly source: Source;
  /** The receiver paths its deliveries arrive on. */
  readonly routes: readonly string[];
  readonly inbound: {
    /** The variables that authenticate its deliveries; any one of them configures the route. */
    readonly variables: readonly string[];
    /** Which of them a sender signs with (`secret`) or presents (`token`): for `pnpm send` and the demo. */
    readonly credentials: { readonly secret?: string; readonly token?: string };
    /** Its part of the inbound configuration; throws `ConfigError` for a malformed value. */
    config(env: Env): InboundConfig;
    /** Checks and normalizes one delivery; sender mistakes are rejections, never throws. */
    parse(req: InboundRequest, config: InboundConfig): InboundOutcome;
    /** A secret for `inbound.variables[0]` when a local stand-in sends its deliveries. */
    simulatedSecret(random: RandomBytes): string;
    /** Its priorities, lower case, in the one vocabulary (`low`, `normal`, `high`, `urgent`). */
    readonly priorities: PriorityTable;
  };
  /** `undefined` for a route with no helpdesk behind it to write back to. */
  readonly writeBack: WriteBack<S> | undefined;
  /** Request headers that carry its credentials or signatures, blanked in logs. */
  readonly redactHeaders: readonly string[];
}
