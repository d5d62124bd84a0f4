import type { TicketEvent } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TITLE_TEMPLATE, renderRoomTitle, unknownPlaceholders } from './title';

const event = (over: Partial<TicketEvent> = {}): TicketEvent => ({
  kind: 'ticket.created',
  source: 'zendesk',
  tenant: 'acme',
  ticketId: '5158',
  subject: 'Printer on fire',
  deliveryId: 'd-1',
  receivedAt: '2026-11-27T00:00:00.000Z',
  ...over,
});

describe('renderRoomTitle', () => {
  it('fills the default template', () => {
    expect(renderRoomTitle(DEFAULT_TITLE_TEMPLATE, event())).toBe('Ticket #5158 - Printer on fire');
  });

  it('fills every field a template may use', () => {
    const title = renderRoomTitle('{source} {tenant} {ticketId} [{priority}] {subject}', event({ priority: 'high' }));
    expect(title).toBe('zendesk acme 5158 [high] Printer on fire');
  });

  it('replaces the characters DocSpace would replace, so the title comes back unchanged', () => {
    expect(renderRoomTitle(DEFAULT_TITLE_TEMPLATE, event({ subject: 'Disk C:\\ full? <urgent>' }))).toBe(
      'Ticket #5158 - Disk C__ full_ _urgent_',
    );
  });

  it('keeps long subjects within 170 characters without splitting an emoji into a lone surrogate', () => {
    const title = renderRoomTitle(
      DEFAULT_TITLE_TEMPLATE,
      event({ subject: `${'x'.repeat(150)}🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥` }),
    );
    expect(title.length).toBeLessThanOrEqual(170);
    expect(title).not.toMatch(/[\uD800-\uDFFF]/);
  });

  it('puts a multi-line subject on one line', () => {
    expect(renderRoomTitle(DEFAULT_TITLE_TEMPLATE, event({ subject: 'first\n\n  second\tthird' }))).toBe(
      'Ticket #5158 - first second third',
    );
  });

  it('drops the dangling separator of an empty subject', () => {
    expect(renderRoomTitle(DEFAULT_TITLE_TEMPLATE, event({ subject: '   ' }))).toBe('Ticket #5158');
  });

  it('falls back to the ticket id when the template renders to nothing', () => {
    expect(renderRoomTitle('{priority}', event())).toBe('Ticket #5158');
  });
});

describe('unknownPlaceholders', () => {
  it('names misspelt fields once each', () => {
    expect(unknownPlaceholders('{ticketID} {subject} {ticketID} {title}')).toEqual(['{ticketID}', '{title}']);
    expect(unknownPlaceholders(DEFAULT_TITLE_TEMPLATE)).toEqual([]);
  });
});
