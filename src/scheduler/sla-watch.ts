/**
 * R3e: the SLA watch, for cases whose committee owes its answer (the lifecycle's `watched`
 * statuses: submitted, under_review; not needs_info, which waits on the person, nor approved,
 * which is answered).
 *
 * - A maximum (`within`, seed 002: 15 working days from completion) alerts the officer once when its
 *   date is near (within a few working days) and escalates to management once when it has passed
 *   (sla_alerted_at, sla_escalated_at). Only a maximum can be overdue.
 * - A minimum (`notBefore`, seeds 000/001/003: "not less than two weeks") and `none` (seed 004,
 *   complaints) are never late: nothing is escalated for them.
 * - Separately, a committee's `remindAfterWorkingDays` reminds the officer once of a case still
 *   waiting that many working days after it was complete (reminded_at): an internal follow-up,
 *   never a deadline and never told to the person.
 */
import type { Stmt } from '../db/database.js';
import { toDate } from '../db/database.js';
import { outboxStatement } from '../db/turn-store.js';
import { addWorkingDays } from '../domain/calendar.js';
import { statusesWith } from '../domain/case-lifecycle.js';
import { calendarOf } from '../engine/flow-registry.js';
import { type CaseKind, slaAlert } from '../notify/messages.js';
import { caseCategory, caseTitle, committeeName, managementOf, officerFor } from '../notify/recipients.js';
import type { SchedulerDeps } from './scheduler.js';

interface CaseRow {
  id: string;
  ref: string;
  subject: string;
  committee: string;
  status: string;
  due_at: unknown;
  completed_at: unknown;
  created_at: unknown;
}

const TABLES: Record<CaseKind, { table: string; subject: string }> = {
  request: { table: 'requests', subject: 'type_id' },
  complaint: { table: 'complaints', subject: 'category' },
};

const DAY_MS = 86_400_000;

/** Alerts, escalates and reminds what is due at `now`. */
export async function watchSla(d: SchedulerDeps, now: Date): Promise<{ alerts: number; escalations: number; reminders: number }> {
  const { db, profile, translator } = d;
  const cal = calendarOf(profile);
  const nearLimit = addWorkingDays(now, d.nearDueWorkingDays ?? 2, cal);
  const management = managementOf(profile);
  const limit = d.batchSize ?? 200;
  let alerts = 0;
  let escalations = 0;
  let reminders = 0;
  for (const kind of ['request', 'complaint'] as const) {
    const t = TABLES[kind];
    const watched = statusesWith(kind, 'watched');
    const inWatched = `status IN (${watched.map(() => '?').join(', ')})`;
    const forStaff = (r: CaseRow) => ({
      kind,
      ref: r.ref,
      title: caseTitle(profile, kind, r.subject),
      committee: committeeName(profile, r.committee),
      status: r.status,
      dueAt: r.due_at === null || r.due_at === undefined ? null : toDate(r.due_at),
    });

    // Maxima only: a date the association must answer by.
    const due = await db.all<CaseRow>(
      `SELECT id, ref, ${t.subject} AS subject, committee, status, due_at, completed_at, created_at FROM ${t.table}
        WHERE deadline_kind = 'within' AND ${inWatched} AND sla_escalated_at IS NULL AND due_at <= ?
          AND (sla_alerted_at IS NULL OR due_at <= ?)
        ORDER BY due_at LIMIT ?`,
      [...watched, nearLimit, now, limit],
    );
    for (const r of due) {
      const c = forStaff(r);
      const overdue = c.dueAt !== null && c.dueAt.getTime() <= now.getTime();
      const officer = officerFor(profile, caseCategory(profile, kind, r.subject));
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

    // Officer reminders, per committee that asks for them. Adding working days never moves a date
    // back, so the cases due for a reminder come first in order of completion; N working days are
    // at least N calendar days, which bounds the query.
    for (const committee of profile.committees) {
      const days = committee.remindAfterWorkingDays;
      if (days === undefined) continue;
      const rows = await db.all<CaseRow>(
        `SELECT id, ref, ${t.subject} AS subject, committee, status, due_at, completed_at, created_at FROM ${t.table}
          WHERE committee = ? AND ${inWatched} AND reminded_at IS NULL AND COALESCE(completed_at, created_at) <= ?
          ORDER BY COALESCE(completed_at, created_at) LIMIT ?`,
        [committee.id, ...watched, new Date(now.getTime() - days * DAY_MS), limit],
      );
      for (const r of rows) {
        const since = toDate(r.completed_at ?? r.created_at);
        if (addWorkingDays(since, days, cal).getTime() > now.getTime()) break;
        const officer = officerFor(profile, caseCategory(profile, kind, r.subject));
        await db.batch([
          { sql: `UPDATE ${t.table} SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, params: [now, r.id] },
          outboxStatement(
            'staff',
            officer.recipient,
            { text: slaAlert(translator, 'reminder', forStaff(r), null, profile.timezone, days) },
            now,
          ),
        ]);
        reminders++;
      }
    }
  }
  return { alerts, escalations, reminders };
}
