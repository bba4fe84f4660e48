/**
 * Texts the staff chat receives about a handoff, rendered from the "staff" locale namespace. The
 * summary is what the dialogue chose to tell staff (dialogue, step, request type, attempts): it
 * never holds a national ID or a phone number (R6).
 */
import type { Profile } from '../domain/profile.js';
import type { Lang } from '../domain/text.js';
import type { Translator } from '../i18n.js';

/** The staff language: alerts go to a shared staff chat, in Arabic (the association's language). */
export const STAFF_LANG: Lang = 'ar';

/** The parts of a handoff an alert shows. */
export interface AlertSubject {
  id: string;
  reason: string;
  category: string;
  channel: string;
  summary: Record<string, string | number>;
}

/** A staff alert as the outbox stores it: a text, and the handoff it is about (for a claim button). */
export interface StaffAlertPayload {
  text: string;
  handoffId?: string;
}

/**
 * The summary as one line, with known keys labelled (`staff:summaryKey.<key>`) and known values
 * named: the dialogue (`staff:flow.<id>`) and, with the profile, the request type and the step.
 */
export function summaryLine(
  t: Translator,
  summary: Record<string, string | number>,
  lang: Lang = STAFF_LANG,
  profile?: Profile,
): string {
  const type = profile?.requestTypes.find((r) => r.id === summary.requestType);
  const value = (k: string, v: string | number): string => {
    if (k === 'flow' && t.has(`staff:flow.${v}`, lang)) return t.t(`staff:flow.${v}`, lang);
    if (k === 'requestType' && type) return type.name[lang];
    if (k === 'step' && type) return type.fields.find((f) => f.id === v)?.label[lang] ?? String(v);
    return String(v);
  };
  const parts = Object.entries(summary)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${t.has(`staff:summaryKey.${k}`, lang) ? t.t(`staff:summaryKey.${k}`, lang) : k}: ${value(k, v)}`);
  return parts.length ? parts.join(lang === 'ar' ? '، ' : ', ') : '—';
}

/** Interpolation parameters of the handoff alert texts. */
export function alertParams(t: Translator, h: AlertSubject, lang: Lang = STAFF_LANG, profile?: Profile): Record<string, string> {
  return {
    case: h.id.slice(0, 8),
    reason: t.has(`staff:reason.${h.reason}`, lang) ? t.t(`staff:reason.${h.reason}`, lang) : h.reason,
    category: h.category,
    channel: h.channel,
    summary: summaryLine(t, h.summary, lang, profile),
  };
}

/** Reads a stored summary (JSON); anything but string and number values is dropped. */
export function parseSummary(json: string): Record<string, string | number> {
  try {
    const v: unknown = JSON.parse(json);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: Record<string, string | number> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number') out[k] = x;
    return out;
  } catch {
    return {};
  }
}
