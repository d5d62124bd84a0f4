import { describe, expect, it } from 'vitest';
import { isoTime, normalizeStatus } from './normalize';

describe('normalizeStatus', () => {
  const table = { solved: 'solved', hold: 'on-hold' } as const;

  it('looks the status up trimmed and lower-cased, and keeps an unknown one verbatim but trimmed', () => {
    expect(normalizeStatus(table, '  SOLVED ')).toBe('solved');
    expect(normalizeStatus(table, 'Hold')).toBe('on-hold');
    expect(normalizeStatus(table, ' Waiting on Customer ')).toBe('Waiting on Customer');
  });

  it('does not take a key of Object for a status', () => {
    expect(normalizeStatus(table, 'constructor')).toBe('constructor');
  });
});

describe('isoTime', () => {
  it('reads the vendors’ zoned times as UTC with milliseconds', () => {
    expect(isoTime('2025-01-08T16:45:20.987654321Z')).toBe('2025-01-08T16:45:20.987Z');
    expect(isoTime('2024-01-03T18:31:08.954+0100')).toBe('2024-01-03T17:31:08.954Z');
    expect(isoTime('2026-11-30 18:02:11 +01:00')).toBe('2026-11-30T17:02:11.000Z');
    expect(isoTime(1704303069063)).toBe('2024-01-03T17:31:09.063Z');
  });

  it('refuses what it would have to guess: no zone, a localized date, an empty placeholder', () => {
    for (const raw of ['2026-11-30T18:02:11', 'Mon, 30 Nov 2026 06:02 PM', '', '{{ticket.updated_at}}']) {
      expect(isoTime(raw)).toBeUndefined();
    }
    expect(isoTime(Number.NaN)).toBeUndefined();
  });
});
