import { ConfigError } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { inboundConfigFromEnv } from './inbound-config';
import { parseDelivery } from './parse-delivery';

describe('inboundConfigFromEnv', () => {
  it('reads every vendor, splitting lists on commas for rotation', () => {
    expect(
      inboundConfigFromEnv({
        ZENDESK_WEBHOOK_SECRET: 'new, old ,',
        FRESHDESK_WEBHOOK_TOKEN: 'ft',
        JIRA_WEBHOOK_SECRET: 'js',
        GENERIC_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        GENERIC_WEBHOOK_TOKEN: 'gt1,gt2',
      }),
    ).toEqual({
      zendesk: { secrets: ['new', 'old'] },
      freshdesk: { tokens: ['ft'] },
      jira: { secrets: ['js'] },
      generic: { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], tokens: ['gt1', 'gt2'] },
    });
  });

  it('leaves out what is not set, and those deliveries are refused naming the variable', () => {
    const config = inboundConfigFromEnv({ ZENDESK_WEBHOOK_SECRET: '', GENERIC_WEBHOOK_TOKEN: 't' });
    expect(config).toEqual({ generic: { secrets: [], tokens: ['t'] } });
    const outcome = parseDelivery('jira', { headers: {}, rawBody: Buffer.alloc(0), nowMs: 0 }, config);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 401, code: 'SOURCE_NOT_CONFIGURED' });
    if (outcome.kind === 'rejected') expect(outcome.message).toContain('JIRA_WEBHOOK_SECRET');
  });

  it('fails at start-up on a generic secret that is not a Standard Webhooks secret, without echoing it', () => {
    try {
      inboundConfigFromEnv({ GENERIC_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,plain text secret' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'GENERIC_WEBHOOK_SECRET: must be a Standard Webhooks secret, whsec_ followed by base64 (entry 2 is not).',
      ]);
      expect(String(err)).not.toContain('plain text secret');
    }
  });
});

describe('parseDelivery', () => {
  it('dispatches on the source and never throws, even on a source it does not know', () => {
    const req = { headers: {}, rawBody: Buffer.from('{}'), nowMs: 0 };
    expect(parseDelivery('freshdesk', req, { freshdesk: { tokens: ['t'] } })).toMatchObject({
      code: 'CREDENTIAL_MISSING',
    });
    expect(parseDelivery('nope' as 'generic', req, {})).toMatchObject({ kind: 'rejected', status: 401 });
  });
});

describe('parseDelivery when a parser throws', () => {
  it('returns a failed outcome with the exception, for a retryable 5xx, instead of a rejection', () => {
    // Reading any header throws: the parser itself fails, whatever the delivery holds.
    const headers = new Proxy({} as Record<string, string>, {
      get() {
        throw new RangeError('header access failed');
      },
    });
    const outcome = parseDelivery(
      'generic',
      { headers, rawBody: Buffer.from('{}'), nowMs: 0 },
      {
        generic: { secrets: [], tokens: ['t'] },
      },
    );
    expect(outcome).toMatchObject({ kind: 'failed', code: 'PARSER_FAILED' });
    if (outcome.kind !== 'failed') return;
    expect(outcome.message).toMatch(/^The generic delivery could not be read .*\.$/);
    expect(outcome.cause).toBeInstanceOf(RangeError);
  });
});
