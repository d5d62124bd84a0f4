import { TicketEvent } from '@ticket-rooms/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFreshdeskDelivery } from '../freshdesk/inbound';
import { FRESHDESK_AUTOMATION_BODY_TEMPLATE } from '../freshdesk/payload';
import { parseGenericDelivery } from '../generic/inbound';
import { signStandardWebhook } from '../generic/signature';
import { parseJiraDelivery } from '../jira/inbound';
import { signJira } from '../jira/signature';
import { parseZendeskDelivery } from '../zendesk/inbound';
import { ZENDESK_TRIGGER_BODY_TEMPLATE } from '../zendesk/payload';
import { signZendesk } from '../zendesk/signature';
import { renderTemplate } from './template';
import type { InboundConfig, InboundOutcome, InboundRequest } from './types';

/**
 * The parsers are called directly, not through `parseDelivery`, whose catch-all would hide a
 * throw: the property is that sender input never makes them throw at all.
 */
const NOW = Date.parse('2026-01-01T00:00:00Z');
const config: Required<InboundConfig> = {
  zendesk: { secrets: ['zs'] },
  freshdesk: { tokens: ['ft'] },
  jira: { secrets: ['js'] },
  generic: { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], tokens: ['gt'] },
};
const parsers = {
  zendesk: (req: InboundRequest) => parseZendeskDelivery(req, config.zendesk),
  freshdesk: (req: InboundRequest) => parseFreshdeskDelivery(req, config.freshdesk),
  jira: (req: InboundRequest) => parseJiraDelivery(req, config.jira),
  generic: (req: InboundRequest) => parseGenericDelivery(req, config.generic),
};
type Vendor = keyof typeof parsers;
const vendors = Object.keys(parsers) as Vendor[];

const HEADER_NAMES = [
  'x-zendesk-webhook-signature',
  'x-zendesk-webhook-signature-timestamp',
  'x-zendesk-account-id',
  'x-zendesk-webhook-invocation-id',
  'x-hub-signature',
  'x-atlassian-webhook-identifier',
  'x-ticket-rooms-token',
  'authorization',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
];

const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('sha256=', 'v1,', 'Basic Og==', 'Bearer ', '2026-01-01T00:00:00Z', '1767225600', ''),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constant(undefined),
);
const arbitraryHeaders = fc.dictionary(fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.string()), headerValue, {
  maxKeys: 8,
});
const arbitraryBody = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
);

/** Signs a body the way each vendor does, with the configured credentials. */
function authentic(vendor: Vendor, rawBody: Buffer, extra: Record<string, string> = {}): InboundRequest {
  const iso = new Date(NOW).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const headers: Record<string, string> = { ...extra };
  if (vendor === 'zendesk') {
    headers['x-zendesk-webhook-signature-timestamp'] = iso;
    headers['x-zendesk-webhook-signature'] = signZendesk(rawBody, iso, 'zs');
  } else if (vendor === 'jira') {
    headers['x-hub-signature'] = signJira(rawBody, 'js');
  } else if (vendor === 'freshdesk') {
    headers['x-ticket-rooms-token'] = 'ft';
  } else {
    const ts = String(NOW / 1000);
    headers['webhook-id'] = extra['webhook-id'] ?? 'msg_1';
    headers['webhook-timestamp'] = ts;
    headers['webhook-signature'] = signStandardWebhook(
      headers['webhook-id'],
      ts,
      rawBody,
      config.generic.secrets[0] as string,
    );
  }
  return { headers, rawBody, nowMs: NOW };
}

function checkOutcome(outcome: InboundOutcome): void {
  if (outcome.kind === 'rejected') {
    expect([400, 401]).toContain(outcome.status);
    expect(outcome.message).toMatch(/^[A-Z].*\.$/s);
  } else if (outcome.kind === 'event') {
    expect(TicketEvent.safeParse({ ...outcome.event, receivedAt: new Date(NOW).toISOString() }).success).toBe(true);
  } else if (outcome.kind === 'ignored') {
    expect(outcome.reason.length).toBeGreaterThan(0);
  } else {
    // A parser that throws is a bug of ours, whatever the sender sent.
    expect.fail(`a parser threw: ${String(outcome.cause)}`);
  }
}

describe('parsers never throw on sender input', () => {
  it('arbitrary bytes and headers without credentials are rejected or ignored', () => {
    fc.assert(
      fc.property(fc.constantFrom(...vendors), arbitraryHeaders, arbitraryBody, (vendor, headers, rawBody) => {
        const outcome = parsers[vendor]({ headers, rawBody, nowMs: NOW });
        expect(['rejected', 'ignored']).toContain(outcome.kind);
        checkOutcome(outcome);
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary authentic bodies give a well-formed outcome', () => {
    fc.assert(
      fc.property(fc.constantFrom(...vendors), arbitraryBody, (vendor, rawBody) => {
        checkOutcome(parsers[vendor](authentic(vendor, rawBody)));
      }),
      { numRuns: 400 },
    );
  });

  it('authentic bodies shaped like each payload, with arbitrary values, give a well-formed outcome', () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.constant(null),
    );
    // Biased towards plausible values, so that a good share of the runs get past validation.
    const id = fc.oneof({ arbitrary: fc.string({ minLength: 1 }), weight: 3 }, fc.integer(), value);
    const text = fc.oneof({ arbitrary: fc.string({ unit: 'grapheme', maxLength: 12_000 }), weight: 3 }, value);
    const url = fc.oneof({ arbitrary: fc.webUrl(), weight: 3 }, value);
    const loose = { requiredKeys: [] as never[] };
    const shapes: Record<Vendor, fc.Arbitrary<unknown>> = {
      zendesk: fc.oneof(
        fc.record(
          {
            type: fc.oneof({ arbitrary: fc.constant('zen:event-type:ticket.created'), weight: 3 }, value),
            id: text,
            account_id: id,
            detail: fc.oneof(
              { arbitrary: fc.record({ id, subject: text, priority: text, requester_id: id }, loose), weight: 3 },
              value,
            ),
          },
          loose,
        ),
        fc.record({ event: fc.oneof(fc.constant('ticket.created'), value), ticket_id: id, subject: text, url }, loose),
      ),
      jira: fc.record(
        {
          webhookEvent: fc.oneof({ arbitrary: fc.constant('jira:issue_created'), weight: 3 }, value),
          issue: fc.oneof(
            {
              arbitrary: fc.record(
                {
                  key: id,
                  self: url,
                  fields: fc.oneof(fc.record({ summary: text, priority: value, reporter: value }, loose), value),
                },
                loose,
              ),
              weight: 3,
            },
            value,
          ),
        },
        loose,
      ),
      freshdesk: fc.oneof(
        fc.record({ ticket_id: id, ticket_url: url, subject: text, tenant: text, priority: text }, loose),
        fc.record({
          freshdesk_webhook: fc.oneof(fc.record({ ticket_id: id, ticket_url: url, triggered_event: text }), value),
        }),
      ),
      generic: fc.record(
        { ticketId: id, subject: text, requester: value, tenant: text, event: value, deliveryId: text },
        loose,
      ),
    };
    const seen: Record<InboundOutcome['kind'], number> = { event: 0, ignored: 0, rejected: 0, failed: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...vendors).chain((vendor) => fc.tuple(fc.constant(vendor), shapes[vendor])),
        ([vendor, body]) => {
          const outcome = parsers[vendor](
            authentic(vendor, Buffer.from(JSON.stringify(body)), { 'x-zendesk-account-id': '1' }),
          );
          seen[outcome.kind] += 1;
          checkOutcome(outcome);
        },
      ),
      { numRuns: 600 },
    );
    // The property only means something if all three outcomes were exercised.
    expect(seen.event).toBeGreaterThan(50);
    expect(seen.rejected).toBeGreaterThan(50);
    expect(seen.ignored).toBeGreaterThan(0);
  });

  it('template bodies with arbitrary placeholder values, escaped or not, give a well-formed outcome', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 200 });
    fc.assert(
      fc.property(
        fc.constantFrom<Vendor>('zendesk', 'freshdesk'),
        fc.dictionary(
          fc.constantFrom(
            'ticket.id',
            'ticket.title',
            'ticket.subject',
            'ticket.url',
            'ticket.link',
            'ticket.priority',
          ),
          text,
        ),
        fc.boolean(),
        (vendor, values, jsonEscape) => {
          const template = vendor === 'zendesk' ? ZENDESK_TRIGGER_BODY_TEMPLATE : FRESHDESK_AUTOMATION_BODY_TEMPLATE;
          const body = Buffer.from(renderTemplate(template, values, { jsonEscape }));
          checkOutcome(parsers[vendor](authentic(vendor, body, { 'x-zendesk-account-id': '1' })));
        },
      ),
      { numRuns: 400 },
    );
  });
});
