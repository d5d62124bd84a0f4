import { describe, expect, it } from 'vitest';
import { signStandardWebhook, standardWebhooksKey, verifyStandardWebhook } from './signature';

// The vector of the Standard Webhooks reference library (libraries/javascript/src/webhook.test.ts).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signatures', () => {
  it('reproduces the specification vector', () => {
    expect(signStandardWebhook(VECTOR.id, VECTOR.timestamp, VECTOR.body, VECTOR.secret)).toBe(VECTOR.signature);
  });

  it('verifies with and without the whsec_ prefix', () => {
    const body = Buffer.from(VECTOR.body);
    for (const secret of [VECTOR.secret, VECTOR.secret.slice('whsec_'.length)]) {
      expect(verifyStandardWebhook(VECTOR.id, VECTOR.timestamp, body, VECTOR.signature, [secret])).toBe(true);
    }
  });

  it('finds the valid entry among several, skipping other versions', () => {
    const header = [
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      `v2,${VECTOR.signature.slice(3)}`,
      VECTOR.signature,
    ].join(' ');
    expect(verifyStandardWebhook(VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.body), header, [VECTOR.secret])).toBe(
      true,
    );
  });

  it('rejects partial, versionless, re-versioned and foreign signatures', () => {
    const body = Buffer.from(VECTOR.body);
    const check = (header: string, id = VECTOR.id) =>
      verifyStandardWebhook(id, VECTOR.timestamp, body, header, [VECTOR.secret]);
    expect(check(VECTOR.signature.slice(0, 8))).toBe(false);
    expect(check('v1,')).toBe(false);
    expect(check(VECTOR.signature.slice(3))).toBe(false);
    expect(check(`v2,${VECTOR.signature.slice(3)}`)).toBe(false);
    expect(check(VECTOR.signature, 'msg_other')).toBe(false);
  });

  it('refuses secrets that are not base64', () => {
    expect(standardWebhooksKey('whsec_not base64!')).toBeUndefined();
    expect(standardWebhooksKey('whsec_')).toBeUndefined();
    expect(standardWebhooksKey(VECTOR.secret)?.length).toBe(24);
    expect(() => signStandardWebhook('id', 1, 'x', 'whsec_***')).toThrow(TypeError);
  });
});
