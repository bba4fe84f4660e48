import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isReference, newReference, normalizeReference, REFERENCE_ALPHABET, referenceKind } from '../../src/domain/reference.js';

function arabicIndic(s: string): string {
  return s.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
}

describe('newReference', () => {
  it('is a kind letter and two groups of four unambiguous characters', () => {
    for (let i = 0; i < 200; i++) {
      expect(newReference('request')).toMatch(/^R-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
      expect(newReference('complaint')).toMatch(/^C-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
    }
  });

  it('never uses characters people confuse', () => {
    expect(REFERENCE_ALPHABET).not.toMatch(/[01OILU]/);
    expect(new Set(REFERENCE_ALPHABET).size).toBe(REFERENCE_ALPHABET.length);
    expect(REFERENCE_ALPHABET.length ** 8).toBeGreaterThan(2 ** 39); // about 40 bits
  });

  it('does not repeat', () => {
    const refs = new Set(Array.from({ length: 2000 }, () => newReference('request')));
    expect(refs.size).toBe(2000);
  });
});

describe('normalizeReference', () => {
  it('reads a reference typed in lower case, without dashes, with spaces or Arabic-Indic digits', () => {
    for (const typed of ['R-7KQ3-M9XD', 'r-7kq3-m9xd', 'R7KQ3M9XD', 'r 7kq3 m9xd', 'R-٧KQ٣-M٩XD', ' R–7KQ3–M9XD ']) {
      expect(normalizeReference(typed), typed).toBe('R-7KQ3-M9XD');
    }
  });

  it('rejects anything else', () => {
    for (const typed of [
      '',
      'R-7KQ3-M9X',
      'R-7KQ3-M9XDD',
      'X-7KQ3-M9XD',
      'R-7KQ0-M9XD',
      'R-7KQ1-M9XD',
      'R-OKQ3-M9XD',
      'R-UKQ3-M9XD',
      '7KQ3M9XD',
      'طلب',
    ]) {
      expect(normalizeReference(typed), typed).toBeNull();
      expect(isReference(typed)).toBe(false);
    }
  });

  it('gives back every generated reference from any way of typing it', () => {
    fc.assert(
      fc.property(fc.constantFrom('request' as const, 'complaint' as const), fc.nat(3), (kind, variant) => {
        const ref = newReference(kind);
        const typed = [ref.toLowerCase(), ref.replace(/-/g, ''), arabicIndic(ref), ref.replace(/-/g, ' ')][variant] ?? ref;
        expect(normalizeReference(typed)).toBe(ref);
        expect(isReference(typed)).toBe(true);
        expect(referenceKind(typed)).toBe(kind);
      }),
      { numRuns: 200 },
    );
  });
});
