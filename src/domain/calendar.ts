/**
 * Working-day arithmetic and date display in the association's timezone, Gregorian and Hijri
 * (Umm al-Qura). R3e: the bot tells the person the expected answer date; the Saudi week runs
 * Sunday to Thursday. Hijri dates come from `Intl` (full ICU in Node 20), so no Hijri library.
 */
import type { Lang } from './text.js';

/** When an association works: JS weekday numbers (0 = Sunday) in `timezone`, and holidays as 'YYYY-MM-DD'. */
export interface WorkCalendar {
  workingDays: number[];
  holidays: string[];
  timezone: string;
}

/** R3e: a committee's answer time, e.g. "not less than two weeks" or "at most 15 working days". */
export interface Sla {
  days: number;
  unit: 'working' | 'calendar';
  bound: 'atLeast' | 'atMost';
}

/** A day on a calendar, without a time or a timezone. */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** The default timezone of the product (Saudi Arabia, no daylight saving). */
export const DEFAULT_TIMEZONE = 'Asia/Riyadh';

const DAY_MS = 86_400_000;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter giving numeric wall-clock parts in `timezone`. */
function partsFormatter(timezone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(timezone, f);
  }
  return f;
}

/** A wall-clock date and time in a timezone. */
export interface WallClock extends CalendarDay {
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

/** The wall-clock date and time of an instant in `timezone`. */
export function zonedParts(d: Date, timezone: string): WallClock {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(timezone).formatToParts(d)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  const year = out.year ?? 1970;
  const month = out.month ?? 1;
  const day = out.day ?? 1;
  return {
    year,
    month,
    day,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Milliseconds `timezone` is ahead of UTC at an instant. */
function offsetMs(instant: number, timezone: string): number {
  const p = zonedParts(new Date(instant), timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The instant at which the wall clock in `timezone` shows the given date and time. */
export function zonedTime(day: CalendarDay, timezone: string, hour = 0, minute = 0, second = 0, ms = 0): Date {
  const guess = Date.UTC(day.year, day.month - 1, day.day, hour, minute, second, ms);
  const first = guess - offsetMs(guess, timezone);
  // A second pass settles the offset when the first guess fell on the other side of a DST change.
  return new Date(guess - offsetMs(first, timezone));
}

/** 'YYYY-MM-DD' of a calendar day. */
export function isoDay(d: CalendarDay): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The calendar day `n` days after `d` (n may be negative). */
function shiftDay(d: CalendarDay, n: number): CalendarDay {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function isWorkingCalendarDay(d: CalendarDay, cal: WorkCalendar): boolean {
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return cal.workingDays.includes(weekday) && !cal.holidays.includes(isoDay(d));
}

/** True when `d` falls on a working day (not a weekend, not a holiday) in `cal.timezone`. */
export function isWorkingDay(d: Date, cal: WorkCalendar): boolean {
  return isWorkingCalendarDay(zonedParts(d, cal.timezone), cal);
}

function assertDays(days: number): void {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer, got ${days}`);
}

function assertHasWorkingDays(cal: WorkCalendar): void {
  if (!cal.workingDays.some((w) => Number.isInteger(w) && w >= 0 && w <= 6)) {
    throw new RangeError('the work calendar has no working days');
  }
}

/** The same wall-clock time as `from`, `n` calendar days later, in `timezone`. */
function sameTimeOnDay(from: Date, day: CalendarDay, timezone: string): Date {
  const p = zonedParts(from, timezone);
  return zonedTime(day, timezone, p.hour, p.minute, p.second, from.getUTCMilliseconds());
}

/**
 * The moment `days` working days after `from`, at the same wall-clock time. `from` itself is not
 * counted, so the result of `days >= 1` is always a working day; `days = 0` gives `from`.
 */
export function addWorkingDays(from: Date, days: number, cal: WorkCalendar): Date {
  assertDays(days);
  if (days === 0) return new Date(from.getTime());
  assertHasWorkingDays(cal);
  let day: CalendarDay = zonedParts(from, cal.timezone);
  let left = days;
  // Holidays are finite, so a year without a working day cannot happen in a valid profile; the guard
  // stops a list of holidays covering years from hanging the process.
  for (let guard = 0; left > 0; guard++) {
    if (guard > days * 7 + 3660) throw new RangeError('no working day found: check the holidays list');
    day = shiftDay(day, 1);
    if (isWorkingCalendarDay(day, cal)) left--;
  }
  return sameTimeOnDay(from, day, cal.timezone);
}

/** The moment `days` calendar days after `from`, at the same wall-clock time in `timezone`. */
export function addCalendarDays(from: Date, days: number, timezone: string = DEFAULT_TIMEZONE): Date {
  assertDays(days);
  return sameTimeOnDay(from, shiftDay(zonedParts(from, timezone), days), timezone);
}

/**
 * R3e: the date to state to the person for a committee's answer. Calendar days: `from + days`;
 * working days: {@link addWorkingDays}. Both bounds are computed the same way; only the wording
 * differs: for `atLeast` ("not less than two weeks") the date is the earliest answer date, for
 * `atMost` ("at most 15 working days") it is the deadline.
 */
export function dueDate(from: Date, sla: Sla, cal: WorkCalendar): Date {
  return sla.unit === 'working' ? addWorkingDays(from, sla.days, cal) : addCalendarDays(from, sla.days, cal.timezone);
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

function displayFormatter(locale: string, timezone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timezone}`;
  let f = displayFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: timezone, day: 'numeric', month: 'long', year: 'numeric' });
    displayFormatters.set(key, f);
  }
  return f;
}

/** Formats as "day month year [era]" whatever order the locale prefers. */
function dayMonthYear(f: Intl.DateTimeFormat, d: Date): string {
  const parts = f.formatToParts(d);
  const get = (t: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === t)?.value ?? '';
  return [get('day'), get('month'), get('year'), get('era')].filter((s) => s !== '').join(' ');
}

/**
 * A date as the person reads it, Gregorian and Hijri (Umm al-Qura), day month year:
 * Arabic '١٥ مارس ٢٠٢٥' / '١٥ رمضان ١٤٤٦ هـ', English '15 March 2025' / '15 Ramadan 1446 AH'.
 */
export function formatDate(d: Date, lang: Lang, timezone: string = DEFAULT_TIMEZONE): { gregorian: string; hijri: string } {
  const gLocale = lang === 'ar' ? 'ar-SA-u-ca-gregory-nu-arab' : 'en-GB';
  const hLocale = lang === 'ar' ? 'ar-SA-u-ca-islamic-umalqura' : 'en-u-ca-islamic-umalqura';
  return {
    gregorian: dayMonthYear(displayFormatter(gLocale, timezone), d),
    hijri: dayMonthYear(displayFormatter(hLocale, timezone), d),
  };
}

/** A date in both languages as the dialogues show it: Gregorian with the Hijri date in brackets. */
export function localDateText(d: Date, timezone?: string): { ar: string; en: string } {
  const ar = formatDate(d, 'ar', timezone);
  const en = formatDate(d, 'en', timezone);
  return { ar: `${ar.gregorian} (${ar.hijri})`, en: `${en.gregorian} (${en.hijri})` };
}

const hijriFormatters = new Map<string, Intl.DateTimeFormat>();

/** The Umm al-Qura date of an instant, as seen in `timezone` (UTC by default). */
export function gregorianToHijri(d: Date, timezone = 'UTC'): CalendarDay {
  let f = hijriFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', {
      timeZone: timezone,
      day: 'numeric',
      month: 'numeric',
      year: 'numeric',
    });
    hijriFormatters.set(timezone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(d)) {
    if (p.type === 'day' || p.type === 'month' || p.type === 'year') out[p.type] = Number.parseInt(p.value, 10);
  }
  return { year: out.year ?? 0, month: out.month ?? 0, day: out.day ?? 0 };
}

/** Days from 1970-01-01 to 1 Muharram 1 AH (16 July 622 Julian) in the arithmetic Islamic calendar. */
const HIJRI_EPOCH_DAYS = Date.UTC(622, 6, 19) / DAY_MS;

/**
 * The Gregorian day (at 00:00 UTC) of an Umm al-Qura date, or null when that Hijri date does not
 * exist (e.g. the 30th of a 29-day month). Starts from the arithmetic calendar and searches the
 * nearby days with `Intl`, since Umm al-Qura months differ from it by a day or two.
 */
export function hijriToGregorian(year: number, month: number, day: number): Date | null {
  if (![year, month, day].every(Number.isInteger) || month < 1 || month > 12 || day < 1 || day > 30 || year < 1) return null;
  const estimate =
    day + Math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + Math.floor((3 + 11 * year) / 30) + HIJRI_EPOCH_DAYS - 1;
  for (const delta of [0, -1, 1, -2, 2, -3, 3, -4, 4]) {
    const candidate = new Date((estimate + delta) * DAY_MS);
    const h = gregorianToHijri(candidate);
    if (h.year === year && h.month === month && h.day === day) return candidate;
  }
  return null;
}

/** Minutes since midnight of an 'HH:MM' string. */
function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) throw new RangeError(`time must be HH:MM, got "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * The next moment the association is at work: `now` itself when it is inside working hours on a
 * working day, otherwise the start of working hours on the next working day (today if before the
 * start). Working hours are `start <= time < end` on the same day. Without working hours (a
 * profile whose association has not supplied them, issue 12) no time is promised: `now`.
 */
export function nextWorkingTime(now: Date, cal: WorkCalendar, hours: { start: string; end: string } | undefined): Date {
  if (!hours) return now;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const p = zonedParts(now, cal.timezone);
  const minute = p.hour * 60 + p.minute;
  if (isWorkingCalendarDay(p, cal)) {
    if (minute >= start && minute < end) return now;
    if (minute < start) return zonedTime(p, cal.timezone, Math.floor(start / 60), start % 60);
  }
  assertHasWorkingDays(cal);
  let day: CalendarDay = p;
  for (let guard = 0; ; guard++) {
    if (guard > 3660) throw new RangeError('no working day found: check the holidays list');
    day = shiftDay(day, 1);
    if (isWorkingCalendarDay(day, cal)) return zonedTime(day, cal.timezone, Math.floor(start / 60), start % 60);
  }
}

/**
 * True when `now` falls in the quiet hours in `timezone` (no unsolicited messages, e.g. rating
 * prompts, R8). The interval may span midnight ('22:00'-'08:00'); start is inside, end is not;
 * equal start and end mean no quiet hours.
 */
export function isQuietHours(now: Date, quiet: { start: string; end: string }, timezone: string): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const p = zonedParts(now, timezone);
  const minute = p.hour * 60 + p.minute;
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
