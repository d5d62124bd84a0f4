import { basicAuthHeader } from '@ticket-rooms/core';

/** The file the demo adds to a room's Findings folder, as an agent would after investigating. */
export const DEMO_FINDING = 'root-cause.md';

export interface FindingServices {
  docspace: { url: string; apiKey: string };
  zendesk: { url: string; email: string; apiToken: string };
}

export interface FindingOutcome {
  file: string;
  /** The Zendesk comment that notes the file, once it is on the ticket. */
  noteId?: number;
  ok: boolean;
  /** Why there is no note, when there is none. */
  reason?: string;
}

/**
 * Creates the finding through DocSpace's own API (`POST files/{folderId}/file`, which fires the
 * portal's `file.created` webhook to the receiver), then reads the ticket's comments back through
 * the helpdesk's API until the findings note names the file or the time is up.
 */
export async function addFinding(
  s: FindingServices,
  target: { folderId: number; ticketId: string },
  deadlineMs: number,
): Promise<FindingOutcome> {
  const created = await fetch(`${s.docspace.url}/api/2.0/files/${target.folderId}/file`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.docspace.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: DEMO_FINDING }),
  });
  if (!created.ok) return { file: DEMO_FINDING, ok: false, reason: `DocSpace answered ${created.status}` };
  const auth = basicAuthHeader(`${s.zendesk.email}/token`, s.zendesk.apiToken);
  const comments = `${s.zendesk.url}/api/v2/tickets/${encodeURIComponent(target.ticketId)}/comments.json?sort_order=desc`;
  for (;;) {
    const res = await fetch(comments, { headers: { authorization: auth, accept: 'application/json' } });
    if (!res.ok) return { file: DEMO_FINDING, ok: false, reason: `the helpdesk answered ${res.status}` };
    const body = (await res.json()) as { comments?: Array<{ id: number; body?: string; public?: boolean }> };
    // The findings note is internal and names the file; the room note and the customer's comment do not.
    const note = body.comments?.find((c) => c.public === false && c.body?.includes(DEMO_FINDING));
    if (note) return { file: DEMO_FINDING, noteId: note.id, ok: true };
    if (Date.now() > deadlineMs) return { file: DEMO_FINDING, ok: false, reason: 'no note on the ticket in time' };
    await new Promise((r) => setTimeout(r, 200));
  }
}
