import type { Source } from '@ticket-rooms/core';
import type { HelpdeskAdapter, WriteBack } from '../adapter';
import { freshdeskHelpdesk } from '../freshdesk/adapter';
import { genericHelpdesk } from '../generic/adapter';
import { jiraHelpdesk } from '../jira/adapter';
import { zendeskHelpdesk } from '../zendesk/adapter';

/** Every helpdesk we take deliveries from. Adding one is its folder and a line here. */
export const HELPDESKS: readonly HelpdeskAdapter[] = [
  zendeskHelpdesk,
  freshdeskHelpdesk,
  jiraHelpdesk,
  genericHelpdesk,
];

const BY_SOURCE = new Map<string, HelpdeskAdapter>(HELPDESKS.map((h) => [h.source, h]));

/** The adapter of `source`, or `undefined` for a source no folder provides. */
export function findHelpdesk(source: string): HelpdeskAdapter | undefined {
  return BY_SOURCE.get(source);
}

/** The adapter of a source the core `Source` enum admits; every one has a folder (a test checks). */
export function helpdeskAdapter(source: Source): HelpdeskAdapter {
  const adapter = BY_SOURCE.get(source);
  if (!adapter) throw new Error(`No helpdesk adapter is registered for the source ${source}.`);
  return adapter;
}

/** A helpdesk that has a write-back, and so a notes queue and a local simulator. */
export type WriteBackHelpdesk = HelpdeskAdapter & { readonly writeBack: WriteBack };

/** The helpdesks notes are written back to, in registry order. */
export const WRITE_BACK_HELPDESKS: readonly WriteBackHelpdesk[] = HELPDESKS.filter(
  (h): h is WriteBackHelpdesk => h.writeBack !== undefined,
);

/** Every delivery route and the source its payloads are parsed as. */
export const HELPDESK_ROUTES: ReadonlyArray<{ url: string; source: Source }> = HELPDESKS.flatMap((h) =>
  h.routes.map((url) => ({ url, source: h.source })),
);

/** Log paths of every header a helpdesk authenticates with, for the logger's `redact` option. */
export function helpdeskRedactPaths(): string[] {
  const headers = new Set(HELPDESKS.flatMap((h) => h.redactHeaders.map((name) => name.toLowerCase())));
  return [...headers].map((name) => `req.headers[${JSON.stringify(name)}]`);
}
