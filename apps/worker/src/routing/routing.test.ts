import { ConfigError } from '@ticket-rooms/core';
import { AccessRole, RoomType } from '@ticket-rooms/docspace-client';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../config/config';
import type { RoomSettings } from '../stages/context';
import { DEFAULT_FOLDERS, parseFolderPaths } from '../stages/folder-plan';
import { DEFAULT_TITLE_TEMPLATE } from '../stages/title';
import type { RoutableTicket } from './match';
import { routingFromText } from './routing';

const SECURITY = '11111111-1111-4111-8111-111111111111';
const BILLING = '22222222-2222-4222-8222-222222222222';

const BASE: RoomSettings = {
  type: RoomType.Collaboration,
  titleTemplate: DEFAULT_TITLE_TEMPLATE,
  folders: parseFolderPaths(DEFAULT_FOLDERS.join(',')).nodes,
  share: [],
  options: {},
  lifecycle: { archiveOn: new Set(['solved', 'closed']), rename: true, onDeleted: 'archive', createOnUpdate: true },
};

function ticket(over: Partial<RoutableTicket> = {}): RoutableTicket {
  return { source: 'zendesk', tenant: 'acme', subject: 'Printer on fire', ...over };
}

function compile(text: string) {
  const { routing, problems } = routingFromText(text, BASE, 'routing.yaml');
  if (!routing) throw new Error(`routing did not compile: ${problems.join(' | ')}`);
  return routing;
}

function problemsOf(text: string): string[] {
  const { routing, problems } = routingFromText(text, BASE, 'routing.yaml');
  expect(routing).toBeUndefined();
  return problems;
}

/** The rule a ticket gets under a file holding only `match` as its one rule. */
function hits(match: string, t: RoutableTicket): boolean {
  return compile(`rules:\n  - name: r\n    match: ${match}\n`).pick(t).name === 'r';
}

describe('each matcher', () => {
  it('source and tenant, any of a list', () => {
    expect(hits('{source: [jira, zendesk]}', ticket())).toBe(true);
    expect(hits('{source: jira}', ticket())).toBe(false);
    expect(hits('{tenant: ACME}', ticket())).toBe(true);
    expect(hits('{tenant: other}', ticket())).toBe(false);
  });

  it('normalized priority, in any case', () => {
    expect(hits('{priority: Urgent}', ticket({ priority: 'urgent' }))).toBe(true);
    expect(hits('{priority: [high, urgent]}', ticket({ priority: 'normal' }))).toBe(false);
    expect(hits('{priority: urgent}', ticket())).toBe(false);
  });

  it('brand, group and ticket type', () => {
    expect(hits('{brand: acme-eu}', ticket({ brand: 'ACME-EU' }))).toBe(true);
    expect(hits('{brand: acme-eu}', ticket({ brand: 'acme-us' }))).toBe(false);
    expect(hits('{group: billing}', ticket({ group: 'Billing' }))).toBe(true);
    expect(hits('{group: billing}', ticket())).toBe(false);
    expect(hits('{ticketType: question}', ticket({ ticketType: 'question' }))).toBe(true);
    expect(hits('{ticketType: question}', ticket({ ticketType: 'incident' }))).toBe(false);
  });

  it('tags: a list is any of, all needs every one', () => {
    expect(hits('{tags: [security, breach]}', ticket({ tags: ['vip', 'Breach'] }))).toBe(true);
    expect(hits('{tags: [security, breach]}', ticket({ tags: ['vip'] }))).toBe(false);
    expect(hits('{tags: {all: [security, vip]}}', ticket({ tags: ['vip', 'security', 'x'] }))).toBe(true);
    expect(hits('{tags: {all: [security, vip]}}', ticket({ tags: ['security'] }))).toBe(false);
    expect(hits('{tags: {any: [a], all: [b]}}', ticket({ tags: ['a'] }))).toBe(false);
    expect(hits('{tags: [security]}', ticket())).toBe(false);
  });

  it('a subject pattern, case-insensitive, anywhere in the subject', () => {
    expect(hits("{subject: 'invoice|refund'}", ticket({ subject: 'Where is my REFUND?' }))).toBe(true);
    expect(hits("{subject: '^invoice'}", ticket({ subject: 'My invoice' }))).toBe(false);
  });

  it('every condition of a rule must hold', () => {
    const match = '{priority: urgent, tags: [security]}';
    expect(hits(match, ticket({ priority: 'urgent', tags: ['security'] }))).toBe(true);
    expect(hits(match, ticket({ priority: 'urgent', tags: [] }))).toBe(false);
    expect(hits(match, ticket({ priority: 'high', tags: ['security'] }))).toBe(false);
  });
});

describe('rules in order', () => {
  const routing = compile(`
rules:
  - name: security-urgent
    match: {priority: urgent, tags: [security]}
    room:
      type: custom
      title: "SECURITY {ticketId} - {subject}"
      folders: [Evidence, Logs/App]
      share:
        - {id: ${SECURITY}, type: group, role: ContentCreator}
      options: {denyDownload: true, color: ff0000}
      archiveOnSolve: false
  - name: urgent
    match: {priority: urgent}
    room: {folders: Evidence}
  - name: how-to
    match: {priority: low, ticketType: question}
    skip: true
default:
  room:
    share: [{id: ${BILLING}, role: Editing}]
    options: {indexing: true}
`);

  it('the first rule that matches wins, then the default', () => {
    expect(routing.pick(ticket({ priority: 'urgent', tags: ['security'] })).name).toBe('security-urgent');
    expect(routing.pick(ticket({ priority: 'urgent', tags: ['printer'] })).name).toBe('urgent');
    expect(routing.pick(ticket({ priority: 'low', ticketType: 'question' })).name).toBe('how-to');
    expect(routing.pick(ticket({ priority: 'low' })).name).toBe('default');
  });

  it('a rule sets what it names and takes the rest from the default, which takes the rest from ROOM_*', () => {
    const security = routing.settingsFor('security-urgent');
    expect(security).toMatchObject({
      rule: 'security-urgent',
      skip: false,
      type: RoomType.Custom,
      titleTemplate: 'SECURITY {ticketId} - {subject}',
      share: [{ id: SECURITY, type: 'group', access: AccessRole.ContentCreator }],
      options: { indexing: true, denyDownload: true, color: 'FF0000' },
      archiveOnSolve: false,
    });
    expect(security.folders.map((f) => f.path)).toEqual(['Evidence', 'Logs', 'Logs/App']);
    const urgent = routing.settingsFor('urgent');
    expect(urgent.type).toBe(RoomType.Collaboration);
    expect(urgent.folders.map((f) => f.path)).toEqual(['Evidence']);
    expect(urgent.share).toEqual([{ id: BILLING, type: 'user', access: AccessRole.Editing }]);
    expect(routing.settingsFor('how-to').skip).toBe(true);
    expect(routing.settingsFor('default').titleTemplate).toBe(DEFAULT_TITLE_TEMPLATE);
  });

  it('a ticket recorded under a rule that left the file gets the default', () => {
    expect(routing.settingsFor('retired').rule).toBe('default');
  });

  it('reads the same rules from JSON', () => {
    const json = compile(
      JSON.stringify({ rules: [{ name: 'eu-billing', match: { brand: 'acme-eu', group: 'billing' }, skip: false }] }),
    );
    expect(json.pick(ticket({ brand: 'acme-eu', group: 'billing' })).name).toBe('eu-billing');
  });
});

describe('mistakes in the routing file', () => {
  it('a YAML syntax error names its line and the rule it is in', () => {
    const text = [
      'rules:', //                                  1
      '  - name: first', //                         2
      '    match: {priority: low}', //              3
      '  - name: security-urgent', //               4
      '    match: {priority: urgent, tags: [x}', // 5: ] missing
      '    room: {type: custom}', //                6
    ].join('\n');
    const [problem] = problemsOf(text);
    expect(problem).toMatch(/^ROUTING_FILE: routing\.yaml line 5, rule "security-urgent": /);
  });

  it('a bad value names the line, the rule and the field, each in one sentence', () => {
    const text = [
      'rules:',
      '  - name: ok',
      '    match: {priority: low}',
      '  - name: security-urgent',
      '    match: {priority: urgent}',
      '    room:',
      '      type: collaboration',
      '      share:',
      `        - {id: ${SECURITY}, type: group, role: RoomManager}`,
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'ROUTING_FILE: routing.yaml line 9, rule "security-urgent": room.share: entry 0: a group cannot be RoomManager in a Collaboration room; allowed: ContentCreator, Editing, Read.',
    ]);
  });

  it('checks a share a rule inherits against the rule’s own room type', () => {
    const text = `default:\n  room:\n    share: [{id: ${SECURITY}, type: group, role: Editing}]\nrules:\n  - name: forms\n    room: {type: fillingforms}\n`;
    const [problem, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^ROUTING_FILE: routing\.yaml line 6, rule "forms": room\.share \(from the default\): entry 0: a group cannot be Editing in a/,
    );
  });

  it('reports every mistake at once, each by rule and field', () => {
    const text = `
rules:
  - name: a
    match: {source: zendsk, subject: '(unclosed'}
    room: {type: boardroom, title: '{ticket}', options: {color: red, speed: 3}}
  - name: a
    skip: true
    room: {folders: Evidence}
  - match: {priority: high}
`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^ROUTING_FILE: routing\.yaml line 9, rule 3: name: is missing; give every rule a name\.$/,
    );
    const fixed = problemsOf(text.replace('  - match: {priority: high}\n', ''));
    expect(fixed.map((p) => p.replace(/^ROUTING_FILE: routing\.yaml line \d+, /, ''))).toEqual([
      'rule "a": match.source: "zendsk" is not a source; use zendesk, freshdesk, jira, generic.',
      expect.stringMatching(/^rule "a": match\.subject: is not a valid regular expression \(/),
      expect.stringMatching(/^rule "a": room\.type: unknown DocSpace room type "boardroom"/),
      'rule "a": room.title: {ticket} is not a field; use {ticketId} {subject} {source} {tenant} {priority}.',
      expect.stringMatching(/^rule "a": room\.options: speed is not a room option/),
      'rule "a": room.options: color must be six hex digits without #, like 1F6FEB.',
      'rule "a": name: the name a is used twice.',
      'rule "a": room: skip: true makes no room, so room settings would never apply.',
    ]);
  });
});

describe('ROUTING_FILE in the worker configuration', () => {
  const env = { DOCSPACE_URL: 'https://portal.example.com', DOCSPACE_API_KEY: 'sk-x' };

  it('without it every ticket gets the ROOM_* settings under the rule "default"', () => {
    const config = loadWorkerConfig({ ...env, ROOM_TYPE: 'custom' });
    expect(config.routing.rules).toEqual([]);
    expect(config.routing.pick(ticket({ priority: 'urgent' })).settings).toMatchObject({
      rule: 'default',
      skip: false,
      type: RoomType.Custom,
    });
  });

  it('a file that does not exist is one sentence naming the variable and the file', () => {
    try {
      loadWorkerConfig({ ...env, ROUTING_FILE: '/nonexistent/routing.yaml' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual(['ROUTING_FILE: /nonexistent/routing.yaml does not exist.']);
    }
  });
});
