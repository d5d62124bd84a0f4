import {
  parseDelivery,
  signJira,
  signStandardWebhook,
  signZendesk,
  verifyJiraSignature,
  verifyStandardWebhook,
  verifyZendeskSignature,
} from '@ticket-rooms/helpdesk';
import { buildDelivery } from '@ticket-rooms/simulators';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Record every `timingSafeEqual` the verifiers make, to see what they compare and when.
const compared = vi.hoisted(() => [] as Array<[NodeJS.ArrayBufferView, NodeJS.ArrayBufferView]>);
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a, b]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const body = Buffer.from('{"ticketId":"1","subject":"Printer on fire"}');
const secret = 'a-signing-secret';
const whsec = `whsec_${Buffer.from(secret).toString('base64')}`;
const ts = '2026-11-28T00:00:00Z';
const change = (s: string, at: number) => s.slice(0, at) + (s[at] === '0' ? '1' : '0') + s.slice(at + 1);

/** The right signature, wrong ones of its length (first or last character), shorter and longer ones. */
function variants(right: string, first: number): Record<string, string> {
  return {
    right,
    'first character wrong': change(right, first),
    'last character wrong': change(right, right.length - 2),
    shorter: right.slice(0, 8),
    longer: `${right}${right}`,
  };
}

describe('signature checks are constant-time', () => {
  beforeEach(() => {
    compared.length = 0;
  });

  const checks: Array<{ name: string; right: string; first: number; verify: (sig: string) => boolean }> = [
    {
      name: 'Zendesk',
      right: signZendesk(body, ts, secret),
      first: 0,
      verify: (sig) => verifyZendeskSignature(body, sig, ts, [secret]),
    },
    {
      name: 'Jira',
      right: signJira(body, secret),
      first: 7,
      verify: (sig) => verifyJiraSignature(body, sig, [secret]) === 'valid',
    },
    {
      name: 'Standard Webhooks',
      right: signStandardWebhook('msg_1', 1795000000, body, whsec),
      first: 3,
      verify: (sig) => verifyStandardWebhook('msg_1', '1795000000', body, sig, [whsec]),
    },
  ];

  for (const check of checks) {
    it(`${check.name}: every signature, right or wrong, of any length, is compared in full by timingSafeEqual`, () => {
      for (const [label, sig] of Object.entries(variants(check.right, check.first))) {
        compared.length = 0;
        expect(check.verify(sig), label).toBe(label === 'right');
        // No early exit on length or content: one full comparison of equal-length digests.
        expect(compared, label).toHaveLength(1);
        const [a, b] = compared[0] as [Buffer, Buffer];
        expect(a.byteLength, label).toBe(32);
        expect(b.byteLength, label).toBe(32);
      }
    });
  }

  it('compares against every configured secret even after a match (rotation does not leak which one)', () => {
    const right = signZendesk(body, ts, secret);
    verifyZendeskSignature(body, right, ts, [secret, 'old-secret', 'older-secret']);
    expect(compared).toHaveLength(3);
  });
});

describe('replays outside the tolerance are rejected', () => {
  const secrets = { zendesk: { secrets: [secret] }, generic: { secrets: [whsec], tokens: [] } };
  const sentAt = Date.parse('2026-11-28T12:00:00Z');

  for (const vendor of ['zendesk', 'generic'] as const) {
    it(`${vendor}: accepted up to 300 s either way, refused beyond`, () => {
      const d = buildDelivery(vendor, {
        ticketId: '5158',
        subject: 'Printer',
        secret: vendor === 'zendesk' ? secret : whsec,
        nowMs: sentAt,
      });
      const at = (offsetS: number) =>
        parseDelivery(
          vendor,
          { headers: d.headers, rawBody: Buffer.from(d.body), nowMs: sentAt + offsetS * 1000 },
          secrets,
        );
      expect(at(0).kind).toBe('event');
      expect(at(299).kind).toBe('event');
      expect(at(-299).kind).toBe('event');
      for (const late of [301, 3_600, -301]) {
        const outcome = at(late);
        expect(outcome).toMatchObject({ kind: 'rejected', status: 401, code: 'TIMESTAMP_EXPIRED' });
      }
    });
  }
});
