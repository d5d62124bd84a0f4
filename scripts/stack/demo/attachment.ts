import { basicAuthHeader, type Env } from '@ticket-rooms/core';
import { stackEnv } from '../plan';
import type { RunningStack } from '../stack';

/** Where the demo puts a file on a ticket and reads it back from the room: the simulated Zendesk and DocSpace. */
export interface DemoFileServices {
  zendesk: { url: string; email: string; apiToken: string };
  docspace: { url: string; apiKey: string };
}

/** The services, when the stack simulates both Zendesk and DocSpace; a real one is never written to. */
export function demoFileServices(stack: RunningStack, env: Env): DemoFileServices | undefined {
  const { plan } = stack;
  if (!plan.docspace.embedded || !plan.helpdesks.zendesk.embedded) return undefined;
  const e = stackEnv(env, plan, stack.simulators);
  const [url, email, apiToken, dsUrl, apiKey] = [
    e.ZENDESK_URL,
    e.ZENDESK_EMAIL,
    e.ZENDESK_API_TOKEN,
    e.DOCSPACE_URL,
    e.DOCSPACE_API_KEY,
  ];
  if (!url || !email || !apiToken || !dsUrl || !apiKey) return undefined;
  return { zendesk: { url, email, apiToken }, docspace: { url: dsUrl, apiKey } };
}

/** The demo's file: a small generated text, named like what a customer attaches. */
export const DEMO_FILE = {
  name: 'printer-error-log.txt',
  text: `${Array.from({ length: 40 }, (_, i) => `E${1000 + i} fuser temperature out of range`).join('\n')}\n`,
};

/**
 * A Zendesk ticket with the demo file, made the Zendesk way (`uploads.json`, then a ticket whose
 * first comment names the upload token), before any webhook is sent: the room job finds the file
 * by listing the ticket's attachments. Returns the ticket id.
 */
export async function zendeskTicketWithFile(s: DemoFileServices, subject: string, priority?: string): Promise<string> {
  const auth = basicAuthHeader(`${s.zendesk.email}/token`, s.zendesk.apiToken);
  const up = await fetch(`${s.zendesk.url}/api/v2/uploads.json?filename=${encodeURIComponent(DEMO_FILE.name)}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'text/plain' },
    body: DEMO_FILE.text,
  });
  if (!up.ok) throw new Error(`the Zendesk simulator refused the upload: ${up.status}`);
  const token = ((await up.json()) as { upload: { token: string } }).upload.token;
  const res = await fetch(`${s.zendesk.url}/api/v2/tickets.json`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      ticket: {
        subject,
        ...(priority ? { priority } : {}),
        comment: { body: 'Error log attached.', uploads: [token] },
      },
    }),
  });
  if (!res.ok) throw new Error(`the Zendesk simulator refused the ticket: ${res.status}`);
  return String(((await res.json()) as { ticket: { id: number } }).ticket.id);
}

/** The room's Attachments folder as DocSpace's API lists it (`GET files/{id}`), once it holds `count` files or the time is up. */
export async function attachmentsListing(
  s: DemoFileServices,
  folderId: number,
  deadlineMs: number,
  count = 1,
): Promise<Array<{ title: string; size: number | undefined }>> {
  for (;;) {
    const res = await fetch(`${s.docspace.url}/api/2.0/files/${folderId}?filterType=1`, {
      headers: { authorization: `Bearer ${s.docspace.apiKey}`, accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`DocSpace answered ${res.status} listing folder ${folderId}`);
    const body = (await res.json()) as {
      response?: { files?: Array<{ title: string; pureContentLength?: number }> };
    };
    const files = (body.response?.files ?? []).map((f) => ({ title: f.title, size: f.pureContentLength }));
    if (files.length >= count || Date.now() > deadlineMs) return files;
    await new Promise((r) => setTimeout(r, 200));
  }
}
