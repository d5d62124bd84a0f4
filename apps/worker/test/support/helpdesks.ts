import { basicAuthHeader, type Env, type Source } from '@ticket-rooms/core';
import {
  createFreshdeskSimulator,
  createJiraSimulator,
  createZendeskSimulator,
  type FreshdeskSimulator,
  type JiraSimulator,
  type ZendeskSimulator,
} from '@ticket-rooms/simulators';

export type Vendor = Exclude<Source, 'generic'>;
export const VENDORS: readonly Vendor[] = ['zendesk', 'freshdesk', 'jira'];

const CREDS = {
  zendesk: { email: 'agent@zendesk.test', apiToken: 'zd-token-0123456789' },
  freshdesk: { apiKey: 'fd-key-0123456789' },
  jira: { email: 'agent@jira.test', apiToken: 'jira-token-0123456789' },
};

export interface Helpdesks {
  zendesk: ZendeskSimulator;
  freshdesk: FreshdeskSimulator;
  jira: JiraSimulator;
  /** The worker's write-back variables for these simulators. */
  env(): Env;
  close(): Promise<void>;
}

export async function startHelpdesks(faults: { latencyMs?: number } = {}): Promise<Helpdesks> {
  const zendesk = await createZendeskSimulator({ ...CREDS.zendesk, faults });
  const freshdesk = await createFreshdeskSimulator({ ...CREDS.freshdesk, faults });
  const jira = await createJiraSimulator({ ...CREDS.jira, faults });
  const host = { port: 0, host: '127.0.0.1' };
  const [zendeskUrl, freshdeskUrl, jiraUrl] = await Promise.all([
    zendesk.listen(host),
    freshdesk.listen(host),
    jira.listen(host),
  ]);
  return {
    zendesk,
    freshdesk,
    jira,
    env: () => ({
      ZENDESK_URL: zendeskUrl,
      ZENDESK_EMAIL: CREDS.zendesk.email,
      ZENDESK_API_TOKEN: CREDS.zendesk.apiToken,
      FRESHDESK_URL: freshdeskUrl,
      FRESHDESK_API_KEY: CREDS.freshdesk.apiKey,
      JIRA_URL: jiraUrl,
      JIRA_EMAIL: CREDS.jira.email,
      JIRA_API_TOKEN: CREDS.jira.apiToken,
    }),
    close: async () => {
      await Promise.all([zendesk.close(), freshdesk.close(), jira.close()]);
    },
  };
}

export interface SeenNote {
  id: string;
  text: string;
  /** Internal / private: agents only. */
  internal: boolean;
}

async function getJson(url: string, authorization: string): Promise<unknown> {
  const res = await fetch(url, { headers: { authorization, accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** The ticket's comments or notes, read through the vendor's own API. */
export async function notesOn(h: Helpdesks, vendor: Vendor, ticketId: string): Promise<SeenNote[]> {
  if (vendor === 'zendesk') {
    const auth = basicAuthHeader(`${CREDS.zendesk.email}/token`, CREDS.zendesk.apiToken);
    const body = (await getJson(`${h.zendesk.baseUrl}/api/v2/tickets/${ticketId}/comments.json`, auth)) as {
      comments: Array<{ id: number; plain_body?: string; body?: string; html_body?: string; public: boolean }>;
    };
    return body.comments.map((c) => ({
      id: String(c.id),
      text: `${c.plain_body ?? ''} ${c.html_body ?? ''} ${c.body ?? ''}`,
      internal: !c.public,
    }));
  }
  if (vendor === 'freshdesk') {
    const auth = basicAuthHeader(CREDS.freshdesk.apiKey, 'X');
    const body = (await getJson(
      `${h.freshdesk.baseUrl}/api/v2/tickets/${ticketId}/conversations?per_page=100`,
      auth,
    )) as Array<{ id: number; body?: string; body_text?: string; private: boolean }>;
    return body.map((c) => ({ id: String(c.id), text: `${c.body_text ?? ''} ${c.body ?? ''}`, internal: c.private }));
  }
  const auth = basicAuthHeader(CREDS.jira.email, CREDS.jira.apiToken);
  const body = (await getJson(`${h.jira.baseUrl}/rest/servicedeskapi/request/${ticketId}/comment?limit=100`, auth)) as {
    values: Array<{ id: string; body: string; public: boolean }>;
  };
  return body.values.map((c) => ({ id: String(c.id), text: c.body, internal: !c.public }));
}
