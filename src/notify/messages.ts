/**
 * The texts the bot sends on its own initiative: decision notifications to the person in their
 * language (R3h), the prefaces of rating prompts (R8), and staff alerts (low ratings, SLA watch).
 * Every string comes from locales/<lang>/notify.json.
 */
import { statusKey } from '../../flows/status.machine.js';
import { formatDate } from '../domain/calendar.js';
import type { CaseKind, Decision } from '../domain/case-lifecycle.js';
import type { Reply } from '../domain/flow-contract.js';
import type { Lang, LocalText } from '../domain/text.js';
import type { Translator } from '../i18n.js';

export type { CaseKind, Decision };

/** Staff alerts are written in Arabic, as the engine's handoff alerts are. */
export const STAFF_LANG: Lang = 'ar';

/** Free text from the back office must not switch on i18next nesting (`$t(...)`) in our templates. */
function inert(text: string): string {
  return text.replace(/\$t\(/g, '$t (');
}

/**
 * The notification of a decision, in the person's language: what was decided about which case
 * (reference and title), and the committee's note when there is one.
 */
export function decisionText(
  t: Translator,
  lang: Lang,
  kind: CaseKind,
  decision: Decision,
  p: { ref: string; title: LocalText; note?: string | null },
): string {
  const text = t.t(`notify:decision.${kind}.${decision}`, lang, { ref: p.ref, title: p.title });
  return p.note ? `${text}\n${t.t('notify:note', lang, { note: inert(p.note) })}` : text;
}

/** What precedes the rating question of a prompt (first time) or of its one reminder (R8). */
export function ratingPreface(reminder: boolean): Reply {
  return { key: reminder ? 'notify:rating.reminder' : 'notify:rating.prompt' };
}

/** A date for staff: Gregorian with Hijri in brackets, in the association's timezone. */
function staffDate(d: Date, timezone: string): string {
  const f = formatDate(d, STAFF_LANG, timezone);
  return `${f.gregorian} (${f.hijri})`;
}

/** What a staff alert names of a case (no personal data: reference, type, committee, dates). */
export interface CaseForStaff {
  kind: CaseKind;
  ref: string;
  title: LocalText;
  committee: LocalText;
  status: string;
  /** The date its deadline gives (R3e); null when it has none. */
  dueAt: Date | null;
}

/** R8: a score of 1 or 2 goes to the officer responsible so the case is followed up. */
export function lowRatingAlert(t: Translator, score: number, c: Pick<CaseForStaff, 'kind' | 'ref' | 'title'> | null): string {
  if (!c) return t.t('notify:staff.lowRatingGeneral', STAFF_LANG, { score });
  return t.t('notify:staff.lowRating', STAFF_LANG, {
    score,
    kind: t.t(`notify:kind.${c.kind}`, STAFF_LANG),
    ref: c.ref,
    title: c.title,
  });
}

/**
 * SLA watch: a case nearing the latest answer date its policy states (to the officer), past it (to
 * management), or waiting as long as the committee's reminder setting says (to the officer; R3e).
 */
export function slaAlert(
  t: Translator,
  which: 'near' | 'overdue' | 'reminder',
  c: CaseForStaff,
  officer: LocalText | null,
  timezone: string,
  waitingDays = 0,
): string {
  const key = { near: 'notify:staff.slaNear', overdue: 'notify:staff.slaOverdue', reminder: 'notify:staff.reminder' }[which];
  return t.t(key, STAFF_LANG, {
    kind: t.t(`notify:kind.${c.kind}`, STAFF_LANG),
    ref: c.ref,
    title: c.title,
    committee: c.committee,
    status: statusKey(c.status),
    due: c.dueAt ? staffDate(c.dueAt, timezone) : '—',
    ...(which === 'reminder' ? { days: new Intl.NumberFormat('ar-SA-u-nu-arab').format(waitingDays), count: waitingDays } : {}),
    officer: officer ?? t.t('notify:staff.noOfficer', STAFF_LANG),
  });
}
