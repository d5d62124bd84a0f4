import { signZendesk } from '@ticket-rooms/helpdesk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  post,
  type ReceiverUnderTest,
  SECRETS,
  signedGeneric,
  startReceiverUnderTest,
} from './support/receiver-under-test';

// Every class of bad input gets its status, a stable code, one sentence, and leaves nothing in Redis.

let rcv: ReceiverUnderTest;
const LIMIT = 16 * 1024;

beforeAll(async () => {
  rcv = await startReceiverUnderTest({ env: { BODY_LIMIT: String(LIMIT) } });
});
afterAll(async () => {
  await rcv.close();
});

function signedZendesk(body: string, secret: string): Record<string, string> {
  const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'content-type': 'application/json',
    'x-zendesk-account-id': '22129848',
    'x-zendesk-webhook-invocation-id': String(Date.now()),
    'x-zendesk-webhook-signature-timestamp': ts,
    'x-zendesk-webhook-signature': signZendesk(body, ts, secret),
  };
}

const zendeskBody = JSON.stringify({
  type: 'zen:event-type:ticket.created',
  account_id: 22129848,
  id: 'cbe4028c-7239-495d-b020-f22348516046',
  time: '2025-01-08T10:12:07.672717030Z',
  subject: 'zen:ticket:5158',
  detail: { id: '5158', subject: 'Cannot login' },
  event: {},
});

interface Case {
  name: string;
  path: string;
  body: () => string;
  headers: (body: string) => Record<string, string>;
  status: number;
  code: string;
  mentions?: RegExp;
}

const cases: Case[] = [
  {
    name: 'malformed JSON, correctly signed',
    path: '/webhooks/generic',
    body: () => '{"ticketId": "1", "subject": ',
    headers: signedGeneric,
    status: 400,
    code: 'RCV_ERR_JSON_INVALID',
    mentions: /JSON/,
  },
  {
    name: 'an empty JSON body',
    path: '/webhooks/generic',
    body: () => '',
    headers: signedGeneric,
    status: 400,
    code: 'RCV_ERR_JSON_INVALID',
  },
  {
    name: 'a schema error (no ticket id)',
    path: '/helpdesk/ticket-created',
    body: () => JSON.stringify({ subject: 'no id here' }),
    headers: signedGeneric,
    status: 400,
    code: 'RCV_ERR_PAYLOAD_INVALID',
    mentions: /ticketId/,
  },
  {
    name: 'a missing signature',
    path: '/webhooks/zendesk',
    body: () => zendeskBody,
    headers: () => ({ 'content-type': 'application/json' }),
    status: 401,
    code: 'RCV_ERR_SIGNATURE_MISSING',
    mentions: /signature/i,
  },
  {
    name: 'a signature made with the wrong secret',
    path: '/webhooks/zendesk',
    body: () => zendeskBody,
    headers: (body) => signedZendesk(body, 'not-the-secret'),
    status: 401,
    code: 'RCV_ERR_SIGNATURE_INVALID',
  },
  {
    name: 'a body changed after signing',
    path: '/webhooks/zendesk',
    body: () => zendeskBody,
    headers: (body) => signedZendesk(body.replace('Cannot login', 'Cannot log in'), SECRETS.zendesk),
    status: 401,
    code: 'RCV_ERR_SIGNATURE_INVALID',
  },
  {
    name: 'a wrong shared token',
    path: '/webhooks/freshdesk',
    body: () =>
      JSON.stringify({ ticket_id: '11', subject: 'x', ticket_url: 'https://acme.freshdesk.com/a/tickets/11' }),
    headers: () => ({ 'content-type': 'application/json', 'x-ticket-rooms-token': 'guessed' }),
    status: 401,
    code: 'RCV_ERR_CREDENTIAL_INVALID',
  },
  {
    name: 'a body over the limit',
    path: '/webhooks/generic',
    body: () => JSON.stringify({ ticketId: '1', subject: 'x'.repeat(LIMIT) }),
    headers: signedGeneric,
    status: 413,
    code: 'RCV_ERR_BODY_TOO_LARGE',
    mentions: new RegExp(String(LIMIT)),
  },
  {
    name: 'a form-encoded body (checked before the signature)',
    path: '/webhooks/zendesk',
    body: () => 'ticket_id=1&subject=x',
    headers: () => ({ 'content-type': 'application/x-www-form-urlencoded' }),
    status: 415,
    code: 'RCV_ERR_UNSUPPORTED_MEDIA_TYPE',
    mentions: /application\/json/,
  },
  {
    name: 'a text/plain body, even signed',
    path: '/webhooks/generic',
    body: () => JSON.stringify({ ticketId: '1', subject: 'x' }),
    headers: (body) => ({ ...signedGeneric(body), 'content-type': 'text/plain' }),
    status: 415,
    code: 'RCV_ERR_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'an unknown route',
    path: '/webhooks/servicenow',
    body: () => JSON.stringify({ ticketId: '1' }),
    headers: signedGeneric,
    status: 404,
    code: 'RCV_ERR_NOT_FOUND',
    mentions: /\/webhooks\/servicenow/,
  },
];

describe('bad input', () => {
  it.each(cases)('answers $status $code to $name, and enqueues nothing', async (c) => {
    const body = c.body();
    const res = await post(rcv.url + c.path, body, c.headers(body));

    expect(res.status).toBe(c.status);
    expect(res.json).toMatchObject({ status: 'error', code: c.code });
    expect(typeof res.json.message).toBe('string');
    if (c.mentions) expect(res.json.message).toMatch(c.mentions);
    expect(await rcv.traces()).toEqual({ jobs: 0, markers: 0 });
  });

  it('answers 404 in the same shape to a GET on a delivery route', async () => {
    const res = await fetch(`${rcv.url}/webhooks/zendesk`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 'error', code: 'RCV_ERR_NOT_FOUND' });
  });

  it('still accepts a good delivery on the same receiver (the cases above can fail)', async () => {
    const body = JSON.stringify({ ticketId: 'ok-1', subject: 'fine' });
    const res = await post(`${rcv.url}/helpdesk/ticket-created`, body, signedGeneric(body));
    expect(res.status).toBe(202);
    expect(await rcv.traces()).toEqual({ jobs: 1, markers: 1 });
  });
});
