/**
 * Cases as the SLA watch reads them (R3e): maxima near or past their date, and cases waiting long
 * enough for the officer's reminder; and the once-only marks it writes with its alerts.
 */
import { z } from 'zod';
import type { CaseKind } from '../domain/case-lifecycle.js';
import { CASE_TABLES } from './case-status.js';
import type { Db, Stmt } from './database.js';
import { col, parseRows } from './row.js';

const watchedColumns = z.object({
  id: col.text,
  ref: col.text,
  subject: col.text,
  committee: col.text,
  status: col.text,
  due_at: col.dateOrNull,
  completed_at: col.dateOrNull,
  created_at: col.date,
});

/** A case the watch looks at. */
export type WatchedCase = z.output<typeof watchedColumns>;

const columns = (kind: CaseKind) =>
  `id, ref, ${CASE_TABLES[kind].subject} AS subject, committee, status, due_at, completed_at, created_at FROM ${CASE_TABLES[kind].table}`;
const inStatuses = (statuses: readonly string[]) => `status IN (${statuses.map(() => '?').join(', ')})`;

/**
 * Cases with a maximum (`within`) in one of `statuses`, not escalated yet, whose date is before
 * `nearLimit` and either not alerted yet or already past (`now`): earliest first.
 */
export async function maximaDue(
  db: Db,
  kind: CaseKind,
  q: { statuses: readonly string[]; nearLimit: Date; now: Date; limit: number },
): Promise<WatchedCase[]> {
  const rows = await db.all(
    `SELECT ${columns(kind)}
      WHERE deadline_kind = 'within' AND ${inStatuses(q.statuses)} AND sla_escalated_at IS NULL AND due_at <= ?
        AND (sla_alerted_at IS NULL OR due_at <= ?)
      ORDER BY due_at LIMIT ?`,
    [...q.statuses, q.nearLimit, q.now, q.limit],
  );
  return parseRows(watchedColumns, rows, 'maxima due');
}

/** Cases of a committee in one of `statuses`, not reminded yet, complete (or created) before `before`. */
export async function casesToRemind(
  db: Db,
  kind: CaseKind,
  q: { committee: string; statuses: readonly string[]; before: Date; limit: number },
): Promise<WatchedCase[]> {
  const rows = await db.all(
    `SELECT ${columns(kind)}
      WHERE committee = ? AND ${inStatuses(q.statuses)} AND reminded_at IS NULL AND COALESCE(completed_at, created_at) <= ?
      ORDER BY COALESCE(completed_at, created_at) LIMIT ?`,
    [q.committee, ...q.statuses, q.before, q.limit],
  );
  return parseRows(watchedColumns, rows, 'cases to remind');
}

/** Once: the escalation, which also counts as the alert (no "near" alert follows it). */
export function markEscalated(kind: CaseKind, id: string, now: Date): Stmt {
  return {
    sql: `UPDATE ${CASE_TABLES[kind].table} SET sla_escalated_at = ?, sla_alerted_at = COALESCE(sla_alerted_at, ?) WHERE id = ? AND sla_escalated_at IS NULL`,
    params: [now, now, id],
  };
}

/** Once: the officer was alerted of the near date. */
export function markAlerted(kind: CaseKind, id: string, now: Date): Stmt {
  return {
    sql: `UPDATE ${CASE_TABLES[kind].table} SET sla_alerted_at = ? WHERE id = ? AND sla_alerted_at IS NULL`,
    params: [now, id],
  };
}

/** Once: the officer was reminded of a waiting case. */
export function markReminded(kind: CaseKind, id: string, now: Date): Stmt {
  return { sql: `UPDATE ${CASE_TABLES[kind].table} SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, params: [now, id] };
}
