/** Quiet hours (R8): a moment inside them moves to their end, in the association's timezone. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuietHours } from '../../src/domain/calendar.js';
import { outsideQuietHours } from '../../src/domain/quiet-hours.js';

const NIGHT = { start: '22:00', end: '08:00' };
const RIYADH = 'Asia/Riyadh';

describe('outsideQuietHours', () => {
  it('keeps a moment outside the quiet hours', () => {
    const at = new Date('2026-12-01T18:59:00Z'); // 21:59 in Riyadh
    expect(outsideQuietHours(at, NIGHT, RIYADH)).toBe(at);
  });

  it('moves a late evening to 08:00 the next morning, and an early morning to 08:00 the same day', () => {
    expect(outsideQuietHours(new Date('2026-12-01T19:00:00Z'), NIGHT, RIYADH).toISOString()).toBe('2026-12-02T05:00:00.000Z');
    expect(outsideQuietHours(new Date('2026-12-01T20:59:59Z'), NIGHT, RIYADH).toISOString()).toBe('2026-12-02T05:00:00.000Z');
    expect(outsideQuietHours(new Date('2026-12-01T22:00:00Z'), NIGHT, RIYADH).toISOString()).toBe('2026-12-02T05:00:00.000Z');
    expect(outsideQuietHours(new Date('2026-12-02T04:59:00Z'), NIGHT, RIYADH).toISOString()).toBe('2026-12-02T05:00:00.000Z');
  });

  it('handles quiet hours within one day and across a month end', () => {
    const siesta = { start: '13:00', end: '16:00' };
    expect(outsideQuietHours(new Date('2026-12-01T11:00:00Z'), siesta, RIYADH).toISOString()).toBe('2026-12-01T13:00:00.000Z');
    expect(outsideQuietHours(new Date('2026-12-31T20:00:00Z'), NIGHT, RIYADH).toISOString()).toBe('2027-01-01T05:00:00.000Z');
  });

  it('always gives the earliest moment at or after `at` that is not quiet', () => {
    const quiet = fc.record({
      start: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })),
      end: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })),
    });
    const hhmm = ([h, m]: [number, number]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
        quiet,
        fc.constantFrom(RIYADH, 'Europe/London', 'UTC'),
        (at, q, tz) => {
          const hours = { start: hhmm(q.start), end: hhmm(q.end) };
          const out = outsideQuietHours(at, hours, tz);
          expect(out.getTime()).toBeGreaterThanOrEqual(at.getTime());
          expect(isQuietHours(out, hours, tz)).toBe(false);
          // Earliest: a minute before it (when after `at`) is still quiet.
          if (out.getTime() > at.getTime()) {
            const before = new Date(Math.max(at.getTime(), out.getTime() - 60_000));
            expect(isQuietHours(before, hours, tz)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
