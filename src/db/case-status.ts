/**
 * The one write path of a case's status and deadline columns. A status change is checked against
 * the lifecycle (src/domain/case-lifecycle.ts) before any SQL is built, and the UPDATE is guarded
 * by the status it starts from, so a change the lifecycle does not allow cannot be written: neither
 * by a caller asking for it (CaseTransitionError) nor by a stale read (nothing is updated).
 */
import { type CaseKind, CaseTransitionError, canMove } from '../domain/case-lifecycle.js';
import { type Deadline, ruleToColumns } from '../domain/deadline.js';
import type { SqlValue, Stmt } from './database.js';

/** The table of each kind of case. */
export const CASE_TABLES = {
  request: { table: 'requests', col: 'request_id', subject: 'type_id' },
  complaint: { table: 'complaints', col: 'complaint_id', subject: 'category' },
} as const;

/** Columns a status change may set along with the status (never the status itself). */
type SettableColumn = 'decision_note' | 'due_at' | 'completed_at' | 'reminded_at' | 'sla_alerted_at' | 'sla_escalated_at';

/** A status change of one case. */
export interface StatusChange {
  kind: CaseKind;
  ref: string;
  /** The status read before the change; the update only happens if the case is still in it. */
  from: string;
  to: string;
  at: Date;
  /** Other columns written with the change (a decision note, a deadline moved on completion). */
  set?: Partial<Record<SettableColumn, SqlValue>>;
  /** Restricts the change to the person's own case (changes the person makes from a dialogue). */
  beneficiaryId?: string;
}

/**
 * The UPDATE of a status change, or a {@link CaseTransitionError} when the lifecycle does not allow
 * `from` → `to` for this kind of case (e.g. a request from `submitted` straight to `served`).
 */
export function statusUpdate(c: StatusChange): Stmt {
  if (!canMove(c.kind, c.from, c.to)) throw new CaseTransitionError(c.kind, c.from, c.to);
  const { table } = CASE_TABLES[c.kind];
  const extra = Object.entries(c.set ?? {}) as [SettableColumn, SqlValue][];
  const assignments = ['status = ?', 'updated_at = ?', ...extra.map(([k]) => `${k} = ?`)].join(', ');
  const where = c.beneficiaryId === undefined ? 'ref = ? AND status = ?' : 'ref = ? AND status = ? AND beneficiary_id = ?';
  return {
    sql: `UPDATE ${table} SET ${assignments} WHERE ${where}`,
    params: [c.to, c.at, ...extra.map(([, v]) => v), c.ref, c.from, ...(c.beneficiaryId === undefined ? [] : [c.beneficiaryId])],
  };
}

/** The deadline columns of a new case (R3e): the rule as promised, its date, and when it was complete. */
export function deadlineValues(rule: Deadline, dueAt: Date | null, completedAt: Date): SqlValue[] {
  const r = ruleToColumns(rule);
  return [r.kind, r.days, r.unit, r.from, dueAt, completedAt];
}

/** The column names matching {@link deadlineValues}, in order. */
export const DEADLINE_COLUMNS = 'deadline_kind, deadline_days, deadline_unit, deadline_from, due_at, completed_at';
