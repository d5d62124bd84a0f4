import { helpdeskAdapter } from '@ticket-rooms/helpdesk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { post, type ReceiverUnderTest, signedGeneric, startReceiverUnderTest } from './support/receiver-under-test';

// A parser that throws is our bug, not the sender's mistake: the sender must keep the delivery and
// retry it (a 5xx), and the operator must see the exception (an error line with its cause).

let rcv: ReceiverUnderTest;

beforeAll(async () => {
  rcv = await startReceiverUnderTest();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rcv.close();
});

describe('a parser that throws', () => {
  it('answers 500 PARSER_FAILED, logs the cause at error level and enqueues nothing', async () => {
    const parse = vi.spyOn(helpdeskAdapter('generic').inbound, 'parse').mockImplementation(() => {
      throw new TypeError('parser bug: cannot read properties of undefined');
    });
    const body = JSON.stringify({ ticketId: 'T-parser-bug', subject: 'Parser bug' });
    const res = await post(`${rcv.url}/webhooks/generic`, body, signedGeneric(body));
    parse.mockRestore();

    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ status: 'error', code: 'RCV_ERR_PARSER_FAILED' });
    expect(String(res.json.message)).toMatch(/^The generic delivery could not be read .*\.$/);
    expect(String(res.json.message)).not.toContain('parser bug');
    const lines = rcv.logs.map((l) => JSON.parse(l) as { level: number; code?: string; err?: { message?: string } });
    const line = lines.find((l) => l.code === 'RCV_ERR_PARSER_FAILED');
    expect(line?.level).toBe(50);
    expect(line?.err?.message).toContain('parser bug');
    expect((await rcv.traces()).jobs).toBe(0);
  });
});
