/**
 * Management reports (issue 13; R8; 002 د and 004: management follows complaints and inquiries
 * with periodic reports): figures computed from the rows of a period, for the reports page, its
 * charts and its CSV export.
 */
import type { CaseFact, HandoffFact, RatingFact } from '../db/staff-reports.repository.js';
import type { Profile } from '../domain/profile.js';
import type { Lang } from '../domain/text.js';
import { figuresFrom } from './satisfaction.js';

/** Satisfaction of a group of ratings. */
export interface SatisfactionRow {
  key: string;
  label: string;
  count: number;
  /** Mean score, 2 decimals. */
  average: number;
  /** Share of 4 and 5, percent, 1 decimal. */
  csat: number;
}

/** Answers of one committee in the period. */
export interface CommitteeRow {
  key: string;
  label: string;
  /** 'max' (within N days: can be late), 'min' (not before N days: cannot be late), 'none'. */
  bound: 'max' | 'min' | 'none';
  onTime: number;
  late: number;
  /** Still open after a maximum due date. */
  overdueOpen: number;
  /** Answered before a minimum period was over. */
  beforeMinimum: number;
  open: number;
}

/** Complaints of one category by outcome (status). */
export interface ComplaintRow {
  key: string;
  label: string;
  total: number;
  byStatus: Record<string, number>;
}

/** Inquiries handed to staff by topic, and those the bot could not answer. */
export interface InquiryRow {
  key: string;
  label: string;
  handedOver: number;
  unanswered: number;
}

/** Time from a handoff to its claim, per officer category. */
export interface ClaimRow {
  key: string;
  label: string;
  handoffs: number;
  claimed: number;
  /** Minutes, 1 decimal; null without claims. */
  median: number | null;
  average: number | null;
}

/** Every report of a period. */
export interface Reports {
  from: Date;
  to: Date;
  byMonth: SatisfactionRow[];
  byService: SatisfactionRow[];
  /** The rating questions of the profile, each with the satisfaction of the ratings that answered it. */
  byQuestion: SatisfactionRow[];
  committees: CommitteeRow[];
  complaints: ComplaintRow[];
  inquiries: InquiryRow[];
  claims: ClaimRow[];
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;

/** The satisfaction of some scores, computed as the satisfaction page computes it. */
function satisfaction(key: string, label: string, scores: number[]): SatisfactionRow {
  const counts = [1, 2, 3, 4, 5].map((score) => ({ score, n: scores.filter((s) => s === score).length }));
  const f = figuresFrom(counts);
  return { key, label, count: f.count, average: f.average ?? 0, csat: f.csat ?? 0 };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    out.set(k, [...(out.get(k) ?? []), i]);
  }
  return out;
}

/** The month of a date in the association's time zone, as YYYY-MM. */
export function monthOf(d: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' }).formatToParts(d);
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}

/** Whether a committee's answer time is a maximum, a minimum or not stated (R3e, src/domain/deadline.ts). */
export function boundOf(profile: Profile, committeeId: string): 'max' | 'min' | 'none' {
  const kind = profile.committees.find((x) => x.id === committeeId)?.deadline.kind;
  return kind === 'within' ? 'max' : kind === 'notBefore' ? 'min' : 'none';
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? null) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** Computes the reports of a period from its rows. */
export function computeReports(
  profile: Profile,
  lang: Lang,
  facts: { from: Date; to: Date; now: Date; ratings: RatingFact[]; cases: CaseFact[]; handoffs: HandoffFact[] },
): Reports {
  const { ratings, cases, handoffs, now } = facts;
  const byMonth = [...groupBy(ratings, (r) => monthOf(r.at, profile.timezone))]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, rs]) =>
      satisfaction(
        k,
        k,
        rs.map((r) => r.score),
      ),
    );
  const serviceName = (key: string) => {
    const [kind, id] = key.split(':');
    const named =
      kind === 'request'
        ? profile.requestTypes.find((t) => t.id === id)?.name
        : profile.complaintCategories.find((c) => c.id === id)?.name;
    return named?.[lang] ?? id ?? key;
  };
  const byService = [...groupBy(ratings, (r) => r.service ?? 'none')]
    .map(([k, rs]) =>
      satisfaction(
        k,
        k === 'none' ? '—' : serviceName(k),
        rs.map((r) => r.score),
      ),
    )
    .sort((a, b) => b.count - a.count);
  // R8: one score answers the profile's rating questions (the rating dialogue asks them together).
  const all = ratings.map((r) => r.score);
  const byQuestion = profile.rating.questions.map((q) => satisfaction(q.id, q.text[lang], all));

  const committees = profile.committees.map((c): CommitteeRow => {
    const bound = boundOf(profile, c.id);
    const row: CommitteeRow = {
      key: c.id,
      label: c.name[lang],
      bound,
      onTime: 0,
      late: 0,
      overdueOpen: 0,
      beforeMinimum: 0,
      open: 0,
    };
    for (const k of cases.filter((x) => x.committee === c.id)) {
      // Each case is judged by the deadline it was promised (the profile may have changed since).
      const bound = k.dueAt === null ? 'none' : k.deadlineKind;
      const due = k.dueAt?.getTime() ?? 0;
      if (k.answeredAt) {
        const at = k.answeredAt.getTime();
        if (bound === 'max') at <= due ? row.onTime++ : row.late++;
        else if (bound === 'min') at < due ? row.beforeMinimum++ : row.onTime++;
        else row.onTime++;
      } else if (bound === 'max' && now.getTime() > due) row.overdueOpen++;
      else row.open++;
    }
    return row;
  });

  const complaints = profile.complaintCategories.map((cat): ComplaintRow => {
    const mine = cases.filter((k) => k.kind === 'complaint' && k.topic === cat.id);
    const byStatus: Record<string, number> = {};
    for (const k of mine) byStatus[k.status] = (byStatus[k.status] ?? 0) + 1;
    return { key: cat.id, label: cat.name[lang], total: mine.length, byStatus };
  });

  const inquiryHandoffs = handoffs
    .map((h) => {
      try {
        const s = JSON.parse(h.summary) as { flow?: unknown; lastTopic?: unknown };
        return s.flow === 'inquiry'
          ? { h, topic: typeof s.lastTopic === 'string' && s.lastTopic ? s.lastTopic : 'unknown' }
          : null;
      } catch {
        return null;
      }
    })
    .filter((x): x is { h: HandoffFact; topic: string } => x !== null);
  const topicName = (id: string) =>
    profile.faq.find((f) => f.id === id)?.question[lang] ??
    profile.policies.find((p) => `policy:${p.id}` === id)?.title[lang] ??
    id;
  const inquiries = [...groupBy(inquiryHandoffs, (x) => x.topic)]
    .map(([k, xs]) => ({
      key: k,
      label: k === 'unknown' ? '—' : topicName(k),
      handedOver: xs.length,
      unanswered: xs.filter((x) => x.h.reason === 'inquiry_unresolved' || x.h.reason === 'inquiry_low_confidence').length,
    }))
    .sort((a, b) => b.handedOver - a.handedOver);

  const officerName = (cat: string) => profile.officers.find((o) => o.categories.includes(cat))?.name[lang] ?? cat;
  const claims = [...groupBy(handoffs, (h) => h.category)].map(([k, hs]): ClaimRow => {
    const waits = hs.filter((h) => h.claimedAt).map((h) => ((h.claimedAt?.getTime() ?? 0) - h.createdAt.getTime()) / 60_000);
    const avg = waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : null;
    const med = median(waits);
    return {
      key: k,
      label: officerName(k),
      handoffs: hs.length,
      claimed: waits.length,
      median: med === null ? null : round(med, 1),
      average: avg === null ? null : round(avg, 1),
    };
  });

  return { from: facts.from, to: facts.to, byMonth, byService, byQuestion, committees, complaints, inquiries, claims };
}

/** One report as CSV (RFC 4180, UTF-8 with a BOM so that spreadsheets read the Arabic). */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    // A leading = + - @ would be a formula in a spreadsheet: quote it as text.
    const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
