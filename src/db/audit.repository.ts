/**
 * The staff audit trail, its one repository (R6: access control and accountability): one `staff_audit` row per staff
 * action — signing in to the console, claiming a handoff, replying, handing back. Rows name the
 * staff member by an id (`tg:<telegram user id>` or `web:<employee number>`), never by name, and
 * carry no message text.
 */
import { randomUUID } from 'node:crypto';
import type { Db, SqlValue, Stmt } from './database.js';

/** The actions the audit records. */
export type StaffAction =
  | 'console.signin'
  | 'console.signin_failed'
  | 'console.signin_locked'
  | 'console.signout'
  | 'console.setup'
  | 'handoff.claim'
  | 'handoff.takeover'
  | 'handoff.reply'
  | 'handoff.handback'
  | 'case.view'
  | 'document.view'
  | 'case.verify'
  | 'case.note'
  | 'case.decision'
  | 'case.reassign'
  | 'compensation.step'
  | 'complaint.seen'
  | 'report.view'
  | 'report.export';

/** One audit entry. */
export interface AuditEntry {
  staffId: string;
  action: StaffAction;
  subjectType: string;
  subjectId: string;
  /** Small, non-personal facts (counts, the channel used); stored as JSON. */
  details?: Record<string, string | number | boolean>;
  at: Date;
}

/** The statement that writes an audit entry (to commit with the action it records). */
export function auditStatement(e: AuditEntry): Stmt {
  return {
    sql: 'INSERT INTO staff_audit (id, staff_id, action, subject_type, subject_id, details, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    params: [randomUUID(), e.staffId, e.action, e.subjectType, e.subjectId, e.details ? JSON.stringify(e.details) : null, e.at],
  };
}

/** Writes an audit entry on its own. */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.batch([auditStatement(e)]);
}

/**
 * The statement that writes an audit entry only when `existsSql` finds a row, so that an action
 * decided by a conditional update (a claim two people race for) is audited only when it happened.
 */
export function auditStatementIf(e: AuditEntry, existsSql: string, existsParams: SqlValue[]): Stmt {
  const base = auditStatement(e);
  return {
    sql: `INSERT INTO staff_audit (id, staff_id, action, subject_type, subject_id, details, at)
          SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (${existsSql})`,
    params: [...(base.params ?? []), ...existsParams],
  };
}
