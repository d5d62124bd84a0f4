import { describe, expect, it } from 'vitest';
import { FRESHDESK_AUTOMATION_BODY_TEMPLATE } from '../freshdesk/payload';
import { ZENDESK_TRIGGER_BODY_TEMPLATE } from '../zendesk/payload';
import { renderTemplate, templateReader } from './template';

describe('template bodies', () => {
  it('the documented templates are valid JSON once rendered', () => {
    for (const template of [ZENDESK_TRIGGER_BODY_TEMPLATE, FRESHDESK_AUTOMATION_BODY_TEMPLATE]) {
      expect(() => JSON.parse(renderTemplate(template, {}))).not.toThrow();
    }
  });

  it('reads back what it rendered, constants included', () => {
    const reader = templateReader(ZENDESK_TRIGGER_BODY_TEMPLATE);
    const body = renderTemplate(
      ZENDESK_TRIGGER_BODY_TEMPLATE,
      { 'ticket.id': '9', 'ticket.title': 'a "b"' },
      { jsonEscape: false },
    );
    expect(reader.read(body)).toEqual({
      event: 'ticket.created',
      ticket_id: '9',
      priority: '',
      requester_email: '',
      url: '',
      brand: '',
      group: '',
      ticket_type: '',
      tags: '',
      subject: 'a "b"',
    });
  });

  it('tolerates re-indentation but not another layout', () => {
    const template = '{"outer": {"id": "{{ticket.id}}", "kind": "x", "text": "{{ticket.subject}}"}}';
    const reader = templateReader(template);
    expect(reader.read('{ "outer" : {\n "id":"1",\t"kind" : "x", "text":"t"} }\n')).toEqual({
      outer: { id: '1', kind: 'x', text: 't' },
    });
    expect(reader.read('{"outer": {"kind": "x", "id": "1", "text": "t"}}')).toBeUndefined();
    expect(reader.read('{"outer": {"id": "1", "kind": "y", "text": "t"}}')).toBeUndefined();
  });

  it('renders unknown placeholders empty and escapes by default', () => {
    expect(renderTemplate('{"a":"{{x}}","b":"{{ y }}"}', { y: 'q"\n' })).toBe('{"a":"","b":"q\\"\\n"}');
    expect(renderTemplate('{"b":"{{y}}"}', { y: 'q"' }, { jsonEscape: false })).toBe('{"b":"q""}');
  });
});
