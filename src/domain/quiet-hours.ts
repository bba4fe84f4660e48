/**
 * Quiet hours (R8): no unsolicited message (rating prompt, reminder) reaches a person at night.
 * A moment that falls inside them is moved to their end, in the association's timezone.
 */
import { isQuietHours, zonedParts, zonedTime } from './calendar.js';

/** Quiet hours as the profile states them ('22:00'-'08:00'; may span midnight). */
export interface QuietHours {
  start: string;
  end: string;
}

function hourMinute(hhmm: string): [number, number] {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) throw new RangeError(`time must be HH:MM, got "${hhmm}"`);
  return [Number(m[1]), Number(m[2])];
}

/**
 * The first moment at or after `at` outside the quiet hours: `at` itself when it is not quiet,
 * else the end of the quiet hours (today's when it is still ahead, else tomorrow's).
 */
export function outsideQuietHours(at: Date, quiet: QuietHours, timezone: string): Date {
  if (!isQuietHours(at, quiet, timezone)) return at;
  const [hour, minute] = hourMinute(quiet.end);
  const today = zonedParts(at, timezone);
  const endToday = zonedTime(today, timezone, hour, minute);
  if (endToday.getTime() > at.getTime()) return endToday;
  // Quiet hours that started this evening end tomorrow morning.
  const next = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  return zonedTime(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() },
    timezone,
    hour,
    minute,
  );
}
