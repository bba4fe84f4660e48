/**
 * R3e: a committee's answer time as its policy words it, and what follows from it for one case.
 *
 * The policies say three different things, and the product keeps them apart:
 * - seeds 000, 001, 003: «خلال مدة لا تقل عن أسبوعين» — a minimum: the answer does not come
 *   before two weeks ({@link Deadline} `notBefore`). Nobody is late on that day.
 * - seed 002: «بمدة لا تتجاوز (15) يوم عمل من تاريخ اكتمال الطلب» — a maximum, in working days,
 *   counted from the day the request is complete (`within`, `from: 'completion'`). Only a
 *   maximum can be overdue.
 * - seed 004 (and every complaint policy): no answer time at all (`none`); the person is told
 *   nothing about a date, and no profile invents one.
 *
 * Reminding officers of a waiting case is a separate profile setting (a committee's
 * `remindAfterWorkingDays`), not a deadline: it is never shown to the person.
 */
import { z } from 'zod';
import { addCalendarDays, addWorkingDays, localDateText, type WorkCalendar } from './calendar.js';

/** How days are counted: the association's working days (R3e: Sunday to Thursday) or every day. */
export type DayUnit = 'working' | 'calendar';

/** From when the days are counted: the submission, or the day the request became complete. */
export type CountedFrom = 'submission' | 'completion';

/** A committee's answer time, as its policy states it (R3e). */
export type Deadline =
  | { kind: 'none' }
  /** A minimum: the answer does not come before `days` (seeds 000, 001, 003: two weeks). */
  | { kind: 'notBefore'; days: number; unit: DayUnit; from: CountedFrom }
  /** A maximum: the answer comes within `days` (seed 002: 15 working days from completion). */
  | { kind: 'within'; days: number; unit: DayUnit; from: CountedFrom };

/** The kinds of deadline. */
export type DeadlineKind = Deadline['kind'];

const bounded = {
  days: z.number().int().positive(),
  unit: z.enum(['working', 'calendar']),
  from: z.enum(['submission', 'completion']),
};

/**
 * The profile's form of a {@link Deadline} (a committee's `deadline` field), e.g.
 * `{ "kind": "notBefore", "days": 14, "unit": "calendar", "from": "submission" }`,
 * `{ "kind": "within", "days": 15, "unit": "working", "from": "completion" }`, `{ "kind": "none" }`.
 */
export const deadlineSchema: z.ZodType<Deadline> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('notBefore'), ...bounded }).strict(),
  z.object({ kind: z.literal('within'), ...bounded }).strict(),
]);

/** The deadline of one case: the rule it was filed under and the date it gives (when it gives one). */
export interface CaseDeadline {
  rule: Deadline;
  /** The date the rule gives; null for `none`, and for a rule counted from completion until then. */
  dueAt: Date | null;
}

/** The dates a deadline is counted from. */
export interface CaseDates {
  submittedAt: Date;
  /** When the request was complete (at submission, or when the missing information came); null while not. */
  completedAt: Date | null;
}

/** `days` after `from` in the rule's unit. */
function addDays(from: Date, days: number, unit: DayUnit, cal: WorkCalendar): Date {
  return unit === 'working' ? addWorkingDays(from, days, cal) : addCalendarDays(from, days, cal.timezone);
}

/**
 * R3e: the date a rule gives for a case: the earliest answer date (`notBefore`) or the latest one
 * (`within`); null for `none`, or when the rule counts from completion and the request is not
 * complete yet.
 */
export function deadlineDate(rule: Deadline, dates: CaseDates, cal: WorkCalendar): Date | null {
  if (rule.kind === 'none') return null;
  const from = rule.from === 'completion' ? dates.completedAt : dates.submittedAt;
  return from ? addDays(from, rule.days, rule.unit, cal) : null;
}

/** True when the rule's date moves when the request becomes complete (R3e, seed 002). */
export function countsFromCompletion(rule: Deadline): boolean {
  return rule.kind !== 'none' && rule.from === 'completion';
}

/**
 * True when a case is late: only a maximum (`within`) can be, only while the committee owes its
 * answer (`watched`, see case-lifecycle.ts), and only once its date has passed. A minimum
 * (`notBefore`, seeds 000/001/003) is never late: its date is the earliest answer, not the latest.
 */
export function isOverdue(d: CaseDeadline, watched: boolean, now: Date): boolean {
  return d.rule.kind === 'within' && watched && d.dueAt !== null && d.dueAt.getTime() <= now.getTime();
}

/** The locale key (namespace `deadline`) that tells the person the answer time, by rule. */
export type DeadlineTextKey =
  | 'none'
  | 'notBefore'
  | 'withinWorkingSubmission'
  | 'withinWorkingCompletion'
  | 'withinCalendarSubmission'
  | 'withinCalendarCompletion'
  /** A rule counted from completion while the request is not complete (waiting for information). */
  | 'pendingCompletion';

/** Which sentence states a case's answer time (R3e, R9: dates and rights stated plainly). */
export function deadlineTextKey(d: CaseDeadline): DeadlineTextKey {
  const rule = d.rule;
  if (rule.kind === 'none') return 'none';
  if (d.dueAt === null) return 'pendingCompletion';
  if (rule.kind === 'notBefore') return 'notBefore';
  const unit = rule.unit === 'working' ? 'Working' : 'Calendar';
  const from = rule.from === 'completion' ? 'Completion' : 'Submission';
  return `within${unit}${from}`;
}

/** A rule as stored on a case (four columns), parsed back; an unknown shape reads as `none`. */
export function ruleFromColumns(kind: unknown, days: unknown, unit: unknown, from: unknown): Deadline {
  const parsed = deadlineSchema.safeParse(
    kind === 'none' ? { kind } : { kind, days: days === null ? undefined : Number(days), unit, from },
  );
  return parsed.success ? parsed.data : { kind: 'none' };
}

/** A rule as the four columns of a case store it. */
export function ruleToColumns(rule: Deadline): {
  kind: DeadlineKind;
  days: number | null;
  unit: DayUnit | null;
  from: CountedFrom | null;
} {
  return rule.kind === 'none'
    ? { kind: 'none', days: null, unit: null, from: null }
    : { kind: rule.kind, days: rule.days, unit: rule.unit, from: rule.from };
}

/** Parameters of a `deadline:*` sentence: the date (Gregorian with Hijri) and the number of days. */
export interface DeadlineParams {
  deadline: DeadlineTextKey;
  /** Plural selector (Arabic has six forms); the number itself is `days`. */
  count: number;
  /** The number of days, Arabic-Indic digits in Arabic, isolated from the surrounding text. */
  days: { ar: string; en: string };
  /** The date, one format everywhere: Gregorian with Hijri (Umm al-Qura) in brackets. */
  date: { ar: string; en: string };
}

const arabicDigits = new Intl.NumberFormat('ar-SA-u-nu-arab', { useGrouping: false });

/** First-strong isolate … pop directional isolate: a number keeps its order inside Arabic text. */
const isolate = (s: string): string => `\u2068${s}\u2069`;

/** The parameters that state a case's answer time in a `deadline:*` sentence. */
export function deadlineParams(d: CaseDeadline, timezone: string): DeadlineParams {
  const days = d.rule.kind === 'none' ? 0 : d.rule.days;
  return {
    deadline: deadlineTextKey(d),
    count: days,
    days: { ar: isolate(arabicDigits.format(days)), en: String(days) },
    date: d.dueAt ? localDateText(d.dueAt, timezone) : { ar: '', en: '' },
  };
}
