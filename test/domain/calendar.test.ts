import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  dueDate,
  formatDate,
  gregorianToHijri,
  hijriToGregorian,
  isQuietHours,
  isWorkingDay,
  nextWorkingTime,
  type WorkCalendar,
  zonedParts,
} from '../../src/domain/calendar.js';

/** A Saudi association: Sunday to Thursday, Riyadh time, with two holidays (Eid al-Fitr 1446 days). */
const cal: WorkCalendar = {
  workingDays: [0, 1, 2, 3, 4],
  holidays: ['2025-03-30', '2025-03-31'],
  timezone: 'Asia/Riyadh',
};

/** The Riyadh wall-clock date of an instant, 'YYYY-MM-DD'. */
function riyadhDay(d: Date): string {
  const p = zonedParts(d, 'Asia/Riyadh');
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

describe('isWorkingDay', () => {
  it('follows the Saudi week and the holidays, in Riyadh time', () => {
    expect(isWorkingDay(new Date('2025-03-16T09:00:00+03:00'), cal)).toBe(true); // Sunday
    expect(isWorkingDay(new Date('2025-03-20T09:00:00+03:00'), cal)).toBe(true); // Thursday
    expect(isWorkingDay(new Date('2025-03-21T09:00:00+03:00'), cal)).toBe(false); // Friday
    expect(isWorkingDay(new Date('2025-03-22T09:00:00+03:00'), cal)).toBe(false); // Saturday
    expect(isWorkingDay(new Date('2025-03-30T09:00:00+03:00'), cal)).toBe(false); // Sunday, a holiday
  });

  it('uses the calendar timezone, not UTC', () => {
    // 22:30 UTC on Thursday is already 01:30 on Friday in Riyadh.
    expect(isWorkingDay(new Date('2025-03-20T22:30:00Z'), cal)).toBe(false);
    // 21:30 UTC on Saturday is 00:30 on Sunday in Riyadh.
    expect(isWorkingDay(new Date('2025-03-22T21:30:00Z'), cal)).toBe(true);
  });
});

describe('addWorkingDays', () => {
  it('skips the weekend and holidays and keeps the time of day', () => {
    const thursday = new Date('2025-03-27T10:15:00+03:00');
    // Fri, Sat (weekend), Sun 30, Mon 31 (Eid) → Tue 1 April is the first working day after.
    expect(addWorkingDays(thursday, 1, cal)).toEqual(new Date('2025-04-01T10:15:00+03:00'));
    expect(addWorkingDays(thursday, 3, cal)).toEqual(new Date('2025-04-03T10:15:00+03:00'));
  });

  it('does not count the starting day, and zero days is the start itself', () => {
    const sunday = new Date('2025-03-16T08:00:00+03:00');
    expect(addWorkingDays(sunday, 1, cal)).toEqual(new Date('2025-03-17T08:00:00+03:00'));
    expect(addWorkingDays(sunday, 0, cal)).toEqual(sunday);
  });

  it('refuses negative days and a calendar without working days', () => {
    expect(() => addWorkingDays(new Date(), -1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date(), 1, { ...cal, workingDays: [] })).toThrow(RangeError);
  });

  const start = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true });
  const holidays = fc.uniqueArray(
    fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2031-06-30T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    { maxLength: 40 },
  );

  it('always lands on a working day: never a Friday, a Saturday or a holiday', () => {
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 60 }), holidays, (from, n, hols) => {
        const c = { ...cal, holidays: hols };
        const due = addWorkingDays(from, n, c);
        const p = zonedParts(due, c.timezone);
        expect(isWorkingDay(due, c)).toBe(true);
        expect([5, 6]).not.toContain(p.weekday);
        expect(hols).not.toContain(riyadhDay(due));
      }),
      { numRuns: 200 },
    );
  });

  it('counts exactly n working days after the start', () => {
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 40 }), holidays, (from, n, hols) => {
        const c = { ...cal, holidays: hols };
        const due = addWorkingDays(from, n, c);
        let counted = 0;
        for (let t = from.getTime() + 86_400_000; t <= due.getTime(); t += 86_400_000) {
          if (isWorkingDay(new Date(t), c)) counted++;
        }
        expect(counted).toBe(n);
      }),
      { numRuns: 100 },
    );
  });

  it('is strictly increasing in the number of days', () => {
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 60 }), holidays, (from, n, hols) => {
        const c = { ...cal, holidays: hols };
        expect(addWorkingDays(from, n + 1, c).getTime()).toBeGreaterThan(addWorkingDays(from, n, c).getTime());
        expect(addWorkingDays(from, n, c).getTime()).toBeGreaterThanOrEqual(from.getTime());
      }),
      { numRuns: 200 },
    );
  });
});

describe('dueDate', () => {
  it('R3e: "not less than two weeks" is 14 calendar days later', () => {
    const from = new Date('2025-03-13T10:00:00+03:00');
    expect(dueDate(from, { days: 14, unit: 'calendar', bound: 'atLeast' }, cal)).toEqual(new Date('2025-03-27T10:00:00+03:00'));
  });

  it('R3e: "at most 15 working days" is three Saudi working weeks later', () => {
    const sunday = new Date('2025-03-09T11:00:00+03:00');
    expect(dueDate(sunday, { days: 15, unit: 'working', bound: 'atMost' }, { ...cal, holidays: [] })).toEqual(
      new Date('2025-03-30T11:00:00+03:00'),
    );
    // With Eid on 30-31 March the deadline moves to Tuesday 1 April.
    expect(dueDate(sunday, { days: 15, unit: 'working', bound: 'atMost' }, cal)).toEqual(new Date('2025-04-01T11:00:00+03:00'));
  });
});

describe('formatDate', () => {
  const d = new Date('2025-03-15T10:00:00+03:00');

  it('gives day month year in both calendars, Arabic with Arabic-Indic digits', () => {
    expect(formatDate(d, 'ar')).toEqual({ gregorian: '١٥ مارس ٢٠٢٥', hijri: '١٥ رمضان ١٤٤٦ هـ' });
    expect(formatDate(d, 'en')).toEqual({ gregorian: '15 March 2025', hijri: '15 Ramadan 1446 AH' });
  });

  it('uses the timezone to decide the day', () => {
    const lateUtc = new Date('2025-03-15T22:00:00Z'); // already 16 March in Riyadh
    expect(formatDate(lateUtc, 'en').gregorian).toBe('16 March 2025');
    expect(formatDate(lateUtc, 'en', 'UTC').gregorian).toBe('15 March 2025');
  });
});

describe('hijriToGregorian', () => {
  it('converts known Umm al-Qura dates', () => {
    expect(hijriToGregorian(1446, 9, 15)).toEqual(new Date('2025-03-15T00:00:00Z'));
    expect(hijriToGregorian(1446, 10, 1)).toEqual(new Date('2025-03-30T00:00:00Z')); // Eid al-Fitr 1446
    expect(hijriToGregorian(1445, 12, 1)).toEqual(new Date('2024-06-07T00:00:00Z'));
  });

  it('returns null for dates that do not exist', () => {
    expect(hijriToGregorian(1446, 9, 30)).toBeNull(); // Ramadan 1446 had 29 days
    expect(hijriToGregorian(1446, 13, 1)).toBeNull();
    expect(hijriToGregorian(1446, 1, 0)).toBeNull();
    expect(hijriToGregorian(1446, 1, 31)).toBeNull();
  });

  it('is the inverse of the Intl Umm al-Qura calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2150, 0, 1) / 86_400_000 }), (days) => {
        const d = new Date(days * 86_400_000);
        const h = gregorianToHijri(d);
        expect(hijriToGregorian(h.year, h.month, h.day)).toEqual(d);
      }),
      { numRuns: 200 },
    );
  });
});

describe('nextWorkingTime', () => {
  const hours = { start: '08:00', end: '16:00' };

  it('is now during working hours', () => {
    const now = new Date('2025-03-16T10:00:00+03:00');
    expect(nextWorkingTime(now, cal, hours)).toEqual(now);
  });

  it('is the start of today before hours and of the next working day after hours', () => {
    expect(nextWorkingTime(new Date('2025-03-16T06:30:00+03:00'), cal, hours)).toEqual(new Date('2025-03-16T08:00:00+03:00'));
    expect(nextWorkingTime(new Date('2025-03-16T16:00:00+03:00'), cal, hours)).toEqual(new Date('2025-03-17T08:00:00+03:00'));
  });

  it('skips the weekend and holidays', () => {
    // Thursday evening → Sunday morning; Thursday 27 March evening → Tuesday 1 April (Eid on 30-31).
    expect(nextWorkingTime(new Date('2025-03-20T18:00:00+03:00'), cal, hours)).toEqual(new Date('2025-03-23T08:00:00+03:00'));
    expect(nextWorkingTime(new Date('2025-03-27T18:00:00+03:00'), cal, hours)).toEqual(new Date('2025-04-01T08:00:00+03:00'));
    expect(nextWorkingTime(new Date('2025-03-22T09:00:00+03:00'), cal, hours)).toEqual(new Date('2025-03-23T08:00:00+03:00'));
  });
});

describe('isQuietHours', () => {
  const quiet = { start: '22:00', end: '08:00' };
  const at = (hhmm: string) => new Date(`2025-03-16T${hhmm}:00+03:00`);

  it('spans midnight in the given timezone', () => {
    expect(isQuietHours(at('23:30'), quiet, 'Asia/Riyadh')).toBe(true);
    expect(isQuietHours(at('22:00'), quiet, 'Asia/Riyadh')).toBe(true);
    expect(isQuietHours(at('03:00'), quiet, 'Asia/Riyadh')).toBe(true);
    expect(isQuietHours(at('07:59'), quiet, 'Asia/Riyadh')).toBe(true);
    expect(isQuietHours(at('08:00'), quiet, 'Asia/Riyadh')).toBe(false);
    expect(isQuietHours(at('21:59'), quiet, 'Asia/Riyadh')).toBe(false);
    // 20:00 UTC is 23:00 in Riyadh.
    expect(isQuietHours(new Date('2025-03-16T20:00:00Z'), quiet, 'Asia/Riyadh')).toBe(true);
    expect(isQuietHours(new Date('2025-03-16T20:00:00Z'), quiet, 'UTC')).toBe(false);
  });

  it('handles an interval within one day', () => {
    expect(isQuietHours(at('13:00'), { start: '12:00', end: '14:00' }, 'Asia/Riyadh')).toBe(true);
    expect(isQuietHours(at('14:00'), { start: '12:00', end: '14:00' }, 'Asia/Riyadh')).toBe(false);
  });
});
