/**
 * The requests and complaints lists of the staff console: status, responsible body and due date
 * (R3e), newest first, a page at a time. The applicant's national ID and mobile are masked here,
 * before anything reaches a page (R6); nothing else of the form's answers leaves the database.
 */
import { type Db, type SqlValue, toDate } from '../db/database.js';
import { isOpen, isWatched } from '../domain/case-lifecycle.js';
import { type Deadline, isOverdue, ruleFromColumns } from '../domain/deadline.js';
import type { Profile } from '../domain/profile.js';
import { maskNationalId, maskPhone } from '../domain/validators.js';
import { caseCategory } from './access.js';
import type { StaffAccount } from './accounts.js';

/** One row of a list. */
export interface CaseListRow {
  ref: string;
  /** Request type id or complaint category id. */
  topic: string;
  status: string;
  committee: string;
  channel: string;
  createdAt: Date;
  /** R3e: the committee's answer time as promised to the person, and the date it gives (null: none). */
  deadline: Deadline;
  dueAt: Date | null;
  /** Only a maximum (`within`) still awaited from the committee and past its date is late (R3e). */
  overdue: boolean;
  /** Masked national ID / mobile of the applicant (requests only, when the form asked). */
  nationalId?: string;
  mobile?: string;
}

/** A page of a list. */
export interface CasePage {
  rows: CaseListRow[];
  total: number;
  page: number;
  pages: number;
}

interface Row {
  ref: string;
  topic: string;
  status: string;
  committee: string;
  channel: string;
  created_at: unknown;
  deadline_kind: unknown;
  deadline_days: unknown;
  deadline_unit: unknown;
  deadline_from: unknown;
  due_at: unknown;
  data: string | null;
}

/** Reads a page of requests or complaints, optionally of one status. */
export async function listCases(
  db: Db,
  profile: Profile,
  kind: 'request' | 'complaint',
  opts: { status?: string; page?: number; pageSize?: number; viewer?: StaffAccount; now?: Date } = {},
): Promise<CasePage> {
  const table = kind === 'request' ? 'requests' : 'complaints';
  const topic = kind === 'request' ? 'type_id' : 'category';
  const pageSize = opts.pageSize ?? 50;
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (opts.status) {
    where.push('status = ?');
    params.push(opts.status);
  }
  if (opts.viewer) {
    const scope = scopeClause(profile, kind, opts.viewer);
    where.push(scope.sql);
    params.push(...scope.params);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = Number((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} ${clause}`, params))?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pages);
  const rows = await db.all<Row>(
    `SELECT ref, ${topic} AS topic, status, committee, channel, created_at, deadline_kind, deadline_days, deadline_unit, deadline_from,
            due_at, ${kind === 'request' ? 'data' : 'NULL AS data'}
       FROM ${table} ${clause} ORDER BY created_at DESC, ref LIMIT ? OFFSET ?`,
    [...params, pageSize, (page - 1) * pageSize],
  );
  const now = opts.now ?? new Date();
  return { rows: rows.map((r) => toRow(r, profile, kind, now)), total, page, pages };
}

function toRow(r: Row, profile: Profile, kind: 'request' | 'complaint', now: Date): CaseListRow {
  const deadline = ruleFromColumns(r.deadline_kind, r.deadline_days, r.deadline_unit, r.deadline_from);
  const dueAt = r.due_at === null || r.due_at === undefined ? null : toDate(r.due_at);
  const row: CaseListRow = {
    ref: r.ref,
    topic: r.topic,
    status: r.status,
    committee: r.committee,
    channel: r.channel,
    createdAt: toDate(r.created_at),
    deadline,
    dueAt,
    overdue: isOverdue({ rule: deadline, dueAt }, isWatched(kind, r.status), now),
  };
  if (kind !== 'request' || !r.data) return row;
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(r.data) as Record<string, unknown>;
  } catch {
    return row;
  }
  // The form says which answers are an ID or a phone; the field ids differ between profiles.
  const fields = profile.requestTypes.find((t) => t.id === r.topic)?.fields ?? [];
  const answerOf = (type: 'nationalId' | 'phone') => {
    const f = fields.find((x) => x.type === type);
    const v = f ? data[f.id] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
  const id = answerOf('nationalId');
  const phone = answerOf('phone');
  if (id) row.nationalId = maskNationalId(id);
  if (phone) row.mobile = maskPhone(phone);
  return row;
}

/** Counts of complaints, for the satisfaction page (R8: management follows the complaints). */
export async function complaintCounts(db: Db): Promise<{ total: number; open: number }> {
  const rows = await db.all<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM complaints GROUP BY status');
  let total = 0;
  let open = 0;
  for (const r of rows) {
    total += Number(r.n);
    if (isOpen('complaint', r.status)) open += Number(r.n);
  }
  return { total, open };
}

/**
 * The cases an account may see, as a WHERE condition (issue 13): a manager all, an officer those of
 * their categories, a committee member those of their committees, anyone those assigned to them.
 */
function scopeClause(profile: Profile, kind: 'request' | 'complaint', a: StaffAccount): { sql: string; params: SqlValue[] } {
  if (a.role === 'manager') return { sql: '1 = 1', params: [] };
  const assigned = 'ref IN (SELECT case_ref FROM case_assignments WHERE account_id = ?)';
  const any = (col: string, values: string[]) =>
    values.length ? { sql: `${col} IN (${values.map(() => '?').join(', ')})`, params: values as SqlValue[] } : null;
  let own: { sql: string; params: SqlValue[] } | null = null;
  if (a.role === 'committee') own = any('committee', a.scope);
  else if (a.role === 'officer') {
    if (kind === 'request')
      own = any(
        'type_id',
        profile.requestTypes.filter((t) => a.scope.includes(caseCategory(profile, 'request', t.id))).map((t) => t.id),
      );
    else {
      const mine = profile.complaintCategories.filter((c) => a.scope.includes(caseCategory(profile, 'complaint', c.id)));
      own = any(
        'category',
        mine.map((c) => c.id),
      );
    }
  }
  return own ? { sql: `(${own.sql} OR ${assigned})`, params: [...own.params, a.id] } : { sql: assigned, params: [a.id] };
}
