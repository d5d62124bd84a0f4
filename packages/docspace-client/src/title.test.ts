import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeTitle, TITLE_LIMITS } from './title';

describe('sanitizeTitle', () => {
  it('trims and replaces each of \\t * + : " < > ? | \\ / with _', () => {
    expect(sanitizeTitle('  INC-1: "Printer" <on> fire? a|b\\c/d*e+f\tg  ', 'room')).toBe(
      'INC-1_ _Printer_ _on_ fire_ a_b_c_d_e_f_g',
    );
  });

  it('turns an emoji into two underscores, one per UTF-16 half, as the .NET regex does', () => {
    expect(sanitizeTitle('Fire 🔥', 'room')).toBe('Fire __');
  });

  it('trims what .NET trims: U+0085 yes, U+FEFF no', () => {
    expect(sanitizeTitle('\u0085Title\u0085', 'room')).toBe('Title');
    expect(sanitizeTitle('\uFEFFTitle', 'room')).toBe('\uFEFFTitle');
  });

  it('shortens to 170 characters for rooms and 165 for folders', () => {
    expect(sanitizeTitle('r'.repeat(400), 'room')).toHaveLength(170);
    expect(sanitizeTitle('f'.repeat(400), 'folder')).toHaveLength(165);
    expect(sanitizeTitle('x'.repeat(170), 'room')).toHaveLength(170);
  });

  it('leaves no trailing space where the cut falls, since the server would trim it and the titles would differ', () => {
    const title = `${'a'.repeat(168)}  tail`;
    expect(sanitizeTitle(title, 'room')).toBe('a'.repeat(168));
  });

  it('gives an empty string for a blank title', () => {
    expect(sanitizeTitle(' \t ', 'folder')).toBe('');
  });

  it('is a fixed point: sending its result gives back the same title, within the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.constantFrom('room', 'folder'), (raw, kind) => {
        const once = sanitizeTitle(raw, kind as 'room' | 'folder');
        expect(sanitizeTitle(once, kind as 'room' | 'folder')).toBe(once);
        expect(once.length).toBeLessThanOrEqual(TITLE_LIMITS[kind as 'room' | 'folder']);
      }),
    );
  });
});
