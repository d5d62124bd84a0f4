import { ticketKey } from '@ticket-rooms/core';
import { describe, expect, it } from 'vitest';
import { carriesMarker, noteMarker, renderRoomNote } from './note';

const key = ticketKey({ source: 'zendesk', tenant: 'acme_corp--eu', ticketId: '5158' });

/** Roughly what vendors do to HTML before storing plain text: drop tags and comments, decode entities. */
function plainText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('room notes', () => {
  it('carries the marker as visible text in both forms', () => {
    const note = renderRoomNote({ roomTitle: 'Ticket 5158', url: 'https://docs.example.com/rooms/1', key });
    expect(carriesMarker(note.marker, plainText(note.html))).toBe(true);
    expect(carriesMarker(note.marker, note.text)).toBe(true);
    expect(note.text).toContain('https://docs.example.com/rooms/1');
  });

  it('gives one ticket one marker, made of characters no markup touches', () => {
    expect(noteMarker(key, 'https://a')).toBe(renderRoomNote({ roomTitle: 'x', url: 'https://a', key }).marker);
    expect(noteMarker(key, 'https://a')).toMatch(/^[a-z0-9-]+$/);
    expect(noteMarker(key, 'https://a')).not.toBe(noteMarker(key, 'https://b'));
    expect(noteMarker(key)).toMatch(/^[a-z0-9-]+$/);
    expect(noteMarker(key)).not.toContain('--');
    expect(noteMarker(`${key}x`)).not.toBe(noteMarker(key));
  });

  it('escapes the title and URL in the HTML', () => {
    const note = renderRoomNote({ roomTitle: '<script>alert(1)</script> & co', url: 'https://a/?x="1"&y=2', key });
    expect(note.html).not.toContain('<script>');
    expect(note.html).toContain('&lt;script&gt;');
    expect(note.html).toContain('href="https://a/?x=&quot;1&quot;&amp;y=2"');
  });
});
