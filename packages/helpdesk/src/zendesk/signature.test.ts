import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signZendesk, verifyZendeskSignature, ZENDESK_TEST_SECRET } from './signature';

// The reference's self-computed vector: timestamp + body, keyed with the secret as a UTF-8 string.
const VECTOR = {
  secret: ZENDESK_TEST_SECRET,
  timestamp: '2025-01-08T10:12:08Z',
  body: '{"type":"zen:event-type:ticket.created","account_id":22129848,"id":"cbe4028c-7239-495d-b020-f22348516046","time":"2025-01-08T10:12:07.672717030Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:5158","detail":{"id":"5158","subject":"Cannot login","priority":"HIGH","requester_id":"8447388090494","brand_id":"8447346621310"},"event":{}}',
  signature: 'A6/kTmTLSmAnSp3WSrc6YLKkFEqKPRwnsFdDz4keEZk=',
};

describe('Zendesk signatures', () => {
  it('reproduces the reference vector', () => {
    expect(signZendesk(VECTOR.body, VECTOR.timestamp, VECTOR.secret)).toBe(VECTOR.signature);
    expect(verifyZendeskSignature(Buffer.from(VECTOR.body), VECTOR.signature, VECTOR.timestamp, [VECTOR.secret])).toBe(
      true,
    );
  });

  it('does not accept the older docs vector, which was computed over body + timestamp', () => {
    // Kept as evidence of the order we chose: the current docs and production code sign timestamp + body.
    const old = {
      secret: 'HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=',
      body: '{"say": "hello"}',
      timestamp: '2021-07-25T10:00:00Z',
      signature: 'tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=',
    };
    const bodyFirst = createHmac('sha256', old.secret)
      .update(old.body + old.timestamp)
      .digest('base64');
    expect(bodyFirst).toBe(old.signature);
    expect(verifyZendeskSignature(Buffer.from(old.body), old.signature, old.timestamp, [old.secret])).toBe(false);
  });

  it('accepts any of several secrets while one is rotated', () => {
    const body = Buffer.from(VECTOR.body);
    expect(verifyZendeskSignature(body, VECTOR.signature, VECTOR.timestamp, ['new-secret', VECTOR.secret])).toBe(true);
    expect(verifyZendeskSignature(body, VECTOR.signature, VECTOR.timestamp, ['new-secret', 'older'])).toBe(false);
  });

  it('rejects a signature over other bytes or another timestamp', () => {
    const tampered = Buffer.from(VECTOR.body.replace('5158', '5159'));
    expect(verifyZendeskSignature(tampered, VECTOR.signature, VECTOR.timestamp, [VECTOR.secret])).toBe(false);
    expect(
      verifyZendeskSignature(Buffer.from(VECTOR.body), VECTOR.signature, '2025-01-08T10:12:09Z', [VECTOR.secret]),
    ).toBe(false);
    expect(verifyZendeskSignature(Buffer.from(VECTOR.body), '', VECTOR.timestamp, [VECTOR.secret])).toBe(false);
  });
});
