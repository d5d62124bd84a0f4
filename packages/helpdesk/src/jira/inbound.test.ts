import { describe, expect, it } from 'vitest';
import { fixture, fixtureJson } from '../../test/fixtures';
import type { InboundOutcome, InboundRequest } from '../inbound/types';
import { parseJiraDelivery } from './inbound';
import { signJira } from './signature';

const SECRET = 'jira-webhook-secret';
const config = { secrets: [SECRET] };

function delivery(body: Buffer | string, opts: { secret?: string | null; headers?: Record<string, string> } = {}) {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/json; charset=UTF-8',
    'user-agent': 'Atlassian Webhook HTTP Client',
    'x-atlassian-webhook-flow': 'Primary',
    'x-atlassian-webhook-identifier': '69312270414585119',
    ...(opts.secret === null ? {} : { 'x-hub-signature': signJira(rawBody, opts.secret ?? SECRET) }),
    ...opts.headers,
  };
  return { headers, rawBody, nowMs: Date.now() } satisfies InboundRequest;
}

function rejection(outcome: InboundOutcome) {
  if (outcome.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
  expect(outcome.message).not.toContain(SECRET);
  return outcome;
}

describe('Jira issue webhooks', () => {
  it('normalizes a captured jira:issue_created delivery', () => {
    expect(parseJiraDelivery(delivery(fixture('jira-issue-created.json')), config)).toEqual({
      kind: 'event',
      event: {
        kind: 'ticket.created',
        source: 'jira',
        tenant: 'site.atlassian.net',
        ticketId: 'SD-1',
        subject: 'Laptop does not boot',
        priority: 'medium',
        requester: { id: 'qm:1c2d3e4f-5a6b-7c8d-9e0f-112233445566:778899', name: 'Carl Customer' },
        brand: 'SD',
        ticketType: 'Service Request',
        ticketUrl: 'https://site.atlassian.net/browse/SD-1',
        deliveryId: '69312270414585119',
      },
    });
  });

  it('keeps the same delivery id on a retry, so the receiver can dedupe it', () => {
    const first = parseJiraDelivery(delivery(fixture('jira-issue-created.json')), config);
    const retry = parseJiraDelivery(
      delivery(fixture('jira-issue-created.json'), { headers: { 'x-atlassian-webhook-retry': '1' } }),
      config,
    );
    expect(retry).toEqual(first);
  });

  it('accepts a bare issue with nulls, a numeric id and emoji', () => {
    const body = {
      webhookEvent: 'jira:issue_created',
      issue: {
        id: 11111,
        key: 'SD-77',
        self: 'https://acme.atlassian.net/rest/api/2/issue/11111',
        fields: { summary: 'VPN 🔒 down', priority: null, reporter: null, customfield_1: { x: 1 } },
      },
    };
    const outcome = parseJiraDelivery(delivery(JSON.stringify(body)), config);
    expect(outcome).toMatchObject({ kind: 'event', event: { ticketId: 'SD-77', subject: 'VPN 🔒 down' } });
    if (outcome.kind === 'event') expect(outcome.event.priority).toBeUndefined();
  });

  it('acknowledges an update that changes neither status nor summary as ignored, with the identifier', () => {
    const body = fixtureJson('jira-issue-updated.json');
    body.changelog = {
      id: '10200',
      items: [{ field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, to: 'abc', toString: 'Ada' }],
    };
    expect(parseJiraDelivery(delivery(JSON.stringify(body)), config)).toMatchObject({
      kind: 'ignored',
      deliveryId: '69312270414585119',
    });
    expect(
      parseJiraDelivery(delivery(JSON.stringify({ ...body, webhookEvent: 'comment_created' })), config),
    ).toMatchObject({ kind: 'ignored' });
  });

  it('names the missing or broken field', () => {
    const body = fixtureJson('jira-issue-created.json');
    delete (body.issue as Record<string, unknown>).key;
    expect(rejection(parseJiraDelivery(delivery(JSON.stringify(body)), config)).message).toBe(
      'The field issue.key is missing.',
    );
    (body.issue as Record<string, unknown>).key = 'SD-1';
    (body.issue as Record<string, unknown>).self = 'not a url';
    expect(rejection(parseJiraDelivery(delivery(JSON.stringify(body)), config)).message).toContain('issue.self');
  });
});

describe('Jira updates and deletions', () => {
  it('normalizes a transition by the category of the status it moved to', () => {
    expect(parseJiraDelivery(delivery(fixture('jira-issue-resolved.json')), config)).toEqual({
      kind: 'event',
      event: {
        kind: 'ticket.status_changed',
        source: 'jira',
        tenant: 'site.atlassian.net',
        ticketId: 'SD-1',
        subject: 'Laptop does not boot',
        status: 'solved',
        changed: ['status'],
        occurredAt: '2024-01-04T17:31:09.063Z',
        ticketUrl: 'https://site.atlassian.net/browse/SD-1',
        deliveryId: '69312270414585119',
      },
    });
  });

  it('maps each category, whatever its case', () => {
    for (const [key, status] of [
      ['new', 'new'],
      ['INDETERMINATE', 'open'],
      ['Done', 'solved'],
    ]) {
      const body = fixtureJson('jira-issue-resolved.json');
      const fields = (body.issue as { fields: { status: { statusCategory: { key: string } } } }).fields;
      fields.status.statusCategory.key = key as string;
      expect(parseJiraDelivery(delivery(JSON.stringify(body)), config)).toMatchObject({ event: { status } });
    }
  });

  it('falls back to the status name when the issue shows another status than the changelog, or no category', () => {
    // The issue moved on before this delivery was built: its category belongs to a later status.
    const body = fixtureJson('jira-issue-resolved.json');
    const fields = (body.issue as { fields: { status: Record<string, unknown> } }).fields;
    fields.status = { name: 'Reopened', id: '10004', statusCategory: { key: 'indeterminate' } };
    expect(parseJiraDelivery(delivery(JSON.stringify(body)), config)).toMatchObject({ event: { status: 'solved' } });
    // The original captured update: no category, a default JSM status name.
    expect(parseJiraDelivery(delivery(fixture('jira-issue-updated.json')), config)).toMatchObject({
      event: { kind: 'ticket.status_changed', status: 'open', changed: ['status'] },
    });
    // A site's own status name without a category is kept verbatim.
    const custom = fixtureJson('jira-issue-updated.json');
    (custom.changelog as { items: Array<Record<string, unknown>> }).items[0] = {
      field: 'status',
      fieldtype: 'jira',
      fieldId: 'status',
      from: '10002',
      fromString: 'Waiting for support',
      to: '10010',
      toString: 'Awaiting Vendor',
    };
    expect(parseJiraDelivery(delivery(JSON.stringify(custom)), config)).toMatchObject({
      event: { status: 'Awaiting Vendor' },
    });
  });

  it('normalizes a summary change to the new summary', () => {
    expect(parseJiraDelivery(delivery(fixture('jira-issue-summary-changed.json')), config)).toMatchObject({
      kind: 'event',
      event: {
        kind: 'ticket.subject_changed',
        subject: 'Laptop does not boot after BIOS update',
        changed: ['subject'],
        occurredAt: '2024-01-03T19:31:09.063Z',
      },
    });
  });

  it('records both fields when one update changes status and summary', () => {
    const body = fixtureJson('jira-issue-resolved.json');
    (body.changelog as { items: unknown[] }).items.push({
      field: 'summary',
      fieldtype: 'jira',
      fieldId: 'summary',
      from: null,
      fromString: 'Laptop does not boot',
      to: null,
      toString: 'Laptop boots again',
    });
    expect(parseJiraDelivery(delivery(JSON.stringify(body)), config)).toMatchObject({
      event: {
        kind: 'ticket.status_changed',
        status: 'solved',
        subject: 'Laptop boots again',
        changed: ['status', 'subject'],
      },
    });
  });

  it('normalizes jira:issue_deleted to a deletion', () => {
    expect(parseJiraDelivery(delivery(fixture('jira-issue-deleted.json')), config)).toMatchObject({
      kind: 'event',
      event: {
        kind: 'ticket.deleted',
        ticketId: 'SD-1',
        status: 'deleted',
        changed: ['status'],
        occurredAt: '2024-01-05T17:31:09.063Z',
        deliveryId: '69312270414585119',
      },
    });
  });

  it('keeps the same delivery id and event time on a retry, and derives a stable one without the header', () => {
    const first = parseJiraDelivery(delivery(fixture('jira-issue-resolved.json')), config);
    const retry = parseJiraDelivery(
      delivery(fixture('jira-issue-resolved.json'), { headers: { 'x-atlassian-webhook-retry': '2' } }),
      config,
    );
    expect(retry).toEqual(first);
    const bare = () => {
      const req = delivery(fixture('jira-issue-resolved.json'));
      delete req.headers['x-atlassian-webhook-identifier'];
      return parseJiraDelivery(req, config);
    };
    expect(bare()).toMatchObject({ event: { deliveryId: expect.stringMatching(/^jira-[0-9a-f]{32}$/) } });
    expect(bare()).toEqual(bare());
  });
});

describe('Jira authenticity', () => {
  const body = fixture('jira-issue-created.json');

  it('is refused when no secret is configured, naming the variable', () => {
    const outcome = rejection(parseJiraDelivery(delivery(body), undefined));
    expect(outcome).toMatchObject({ status: 401, code: 'SOURCE_NOT_CONFIGURED' });
    expect(outcome.message).toContain('JIRA_WEBHOOK_SECRET');
  });

  it('names the missing signature header', () => {
    const outcome = rejection(parseJiraDelivery(delivery(body, { secret: null }), config));
    expect(outcome).toMatchObject({ status: 401, code: 'SIGNATURE_MISSING' });
    expect(outcome.message).toContain('x-hub-signature');
  });

  it('refuses a wrong secret, a changed body and an unknown method', () => {
    expect(rejection(parseJiraDelivery(delivery(body, { secret: 'other' }), config)).code).toBe('SIGNATURE_INVALID');
    const req = delivery(body);
    const changed = { ...req, rawBody: Buffer.from(body.toString().replace('SD-1', 'SD-2')) };
    expect(rejection(parseJiraDelivery(changed, config)).code).toBe('SIGNATURE_INVALID');
    const sha1 = delivery(body, { headers: { 'x-hub-signature': 'sha1=0123' } });
    expect(rejection(parseJiraDelivery(sha1, config)).message).toContain('sha256');
  });

  it('accepts either secret during a rotation', () => {
    expect(parseJiraDelivery(delivery(body, { secret: 'next' }), { secrets: [SECRET, 'next'] }).kind).toBe('event');
  });
});

describe('Jira new attachments', () => {
  it('reads an update whose changelog adds an Attachment as a new file on the issue', () => {
    const outcome = parseJiraDelivery(delivery(fixture('jira-issue-attachment-added.json')), config);
    expect(outcome).toEqual({
      kind: 'event',
      event: {
        kind: 'ticket.attachment_added',
        source: 'jira',
        tenant: 'site.atlassian.net',
        ticketId: 'SD-1',
        subject: expect.any(String),
        occurredAt: new Date(1704310869063).toISOString(),
        ticketUrl: 'https://site.atlassian.net/browse/SD-1',
        deliveryId: '69312270414585119',
      },
    });
  });

  it('ignores an attachment removal, and attachment_created without an issue', () => {
    const body = fixtureJson('jira-issue-attachment-added.json');
    body.changelog = {
      items: [
        { field: 'Attachment', fieldId: 'attachment', from: '10031', fromString: 'x.png', to: null, toString: null },
      ],
    };
    expect(parseJiraDelivery(delivery(JSON.stringify(body)), config)).toMatchObject({ kind: 'ignored' });
    const created = parseJiraDelivery(delivery(fixture('jira-attachment-created.json')), config);
    expect(created).toMatchObject({ kind: 'ignored', deliveryId: '69312270414585119' });
    if (created.kind === 'ignored') expect(created.reason).toContain('jira:issue_updated');
  });

  it('reads attachment_created when it does carry the issue', () => {
    const body = fixtureJson('jira-attachment-created.json');
    body.issue = (fixtureJson('jira-issue-attachment-added.json') as { issue: unknown }).issue;
    expect(parseJiraDelivery(delivery(JSON.stringify(body)), config)).toMatchObject({
      kind: 'event',
      event: { kind: 'ticket.attachment_added', ticketId: 'SD-1', deliveryId: '69312270414585119' },
    });
  });
});
