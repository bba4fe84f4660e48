/**
 * R3e: the SLA watch. A request or complaint still waiting for the committee's answer alerts its
 * officer once when its answer date is near (within a few working days), and escalates to
 * management once when the date has passed (sla_alerted_at, sla_escalated_at).
 *
 * Watched: the statuses in which the association owes the answer (submitted, under_review). An
 * approved request has its answer (the service follows), and one waiting for the person's
 * information waits on them. The due date is the one stated to the person, whatever the
 * committee's bound ("at least" or "at most"): passing it unanswered is what management follows.
 */
import type { Stmt } from '../db/database.js';
import { toDate } from '../db/database.js';
import { outboxStatement } from '../db/turn-store.js';
import { addWorkingDays } from '../domain/calendar.js';
import { calendarOf } from '../engine/flow-registry.js';
import { type CaseKind, slaAlert } from '../notify/messages.js';
import { caseCategory, caseTitle, committeeName, managementOf, officerFor } from '../notify/recipients.js';
import type { SchedulerDeps } from './scheduler.js';

/** Statuses in which the committee's answer is awaited. */
export const SLA_WATCHED_STATUSES = ['submitted', 'under_review'] as const;

interface CaseRow {
  id: string;
  ref: string;
  subject: string;
  committee: string;
  status: string;
  due_at: unknown;
  sla_alerted_at: unknown;
}

const TABLES: Record<CaseKind, { table: string; subject: string }> = {
  request: { table: 'requests', subject: 'type_id' },
  complaint: { table: 'complaints', subject: 'category' },
};

/** Alerts and escalates what is due at `now`. */
export async function watchSla(d: SchedulerDeps, now: Date): Promise<{ alerts: number; escalations: number }> {
  const { db, profile, translator } = d;
  const nearLimit = addWorkingDays(now, d.nearDueWorkingDays ?? 2, calendarOf(profile));
  const management = managementOf(profile);
  let alerts = 0;
  let escalations = 0;
  for (const kind of ['request', 'complaint'] as const) {
    const t = TABLES[kind];
    const rows = await db.all<CaseRow>(
      `SELECT id, ref, ${t.subject} AS subject, committee, status, due_at, sla_alerted_at FROM ${t.table}
        WHERE status IN (${SLA_WATCHED_STATUSES.map(() => '?').join(', ')}) AND sla_escalated_at IS NULL AND due_at <= ?
          AND (sla_alerted_at IS NULL OR due_at <= ?)
        ORDER BY due_at LIMIT ?`,
      [...SLA_WATCHED_STATUSES, nearLimit, now, d.batchSize ?? 200],
    );
    for (const r of rows) {
      const dueAt = toDate(r.due_at);
      const overdue = dueAt.getTime() <= now.getTime();
      const officer = officerFor(profile, caseCategory(profile, kind, r.subject));
      const c = {
        kind,
        ref: r.ref,
        title: caseTitle(profile, kind, r.subject),
        committee: committeeName(profile, r.committee),
        status: r.status,
        dueAt,
      };
      const stmts: Stmt[] = overdue
        ? [
            {
              // Once: the escalation also counts as the alert, so no "near" alert follows it.
              sql: `UPDATE ${t.table} SET sla_escalated_at = ?, sla_alerted_at = COALESCE(sla_alerted_at, ?) WHERE id = ? AND sla_escalated_at IS NULL`,
              params: [now, now, r.id],
            },
            outboxStatement(
              'staff',
              management.recipient,
              { text: slaAlert(translator, 'overdue', c, officer.name, profile.timezone) },
              now,
            ),
          ]
        : [
            { sql: `UPDATE ${t.table} SET sla_alerted_at = ? WHERE id = ? AND sla_alerted_at IS NULL`, params: [now, r.id] },
            outboxStatement('staff', officer.recipient, { text: slaAlert(translator, 'near', c, null, profile.timezone) }, now),
          ];
      await db.batch(stmts);
      if (overdue) escalations++;
      else alerts++;
    }
  }
  return { alerts, escalations };
}
