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
import {
  casesToRemind,
  markAlerted,
  markEscalated,
  markReminded,
  maximaDue,
  type WatchedCase,
} from '../db/case-watch.repository.js';
import type { Stmt } from '../db/database.js';
import { outboxStatement } from '../db/outbox.repository.js';
import { addWorkingDays } from '../domain/calendar.js';
import { statusesWith } from '../domain/case-lifecycle.js';
import { calendarOf } from '../engine/flow-registry.js';
import { slaAlert } from '../notify/messages.js';
import { caseCategory, caseTitle, committeeName, managementOf, officerFor } from '../notify/recipients.js';
import type { SchedulerDeps } from './scheduler-deps.js';

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
    const watched = statusesWith(kind, 'watched');
    const forStaff = (r: WatchedCase) => ({
      kind,
      ref: r.ref,
      title: caseTitle(profile, kind, r.subject),
      committee: committeeName(profile, r.committee),
      status: r.status,
      dueAt: r.due_at,
    });

    // Maxima only: a date the association must answer by.
    const due = await maximaDue(db, kind, { statuses: watched, nearLimit, now, limit });
    for (const r of due) {
      const c = forStaff(r);
      const overdue = c.dueAt !== null && c.dueAt.getTime() <= now.getTime();
      const officer = officerFor(profile, caseCategory(profile, kind, r.subject));
      const stmts: Stmt[] = overdue
        ? [
            markEscalated(kind, r.id, now),
            outboxStatement(
              'staff',
              management.recipient,
              { text: slaAlert(translator, 'overdue', c, officer.name, profile.timezone) },
              now,
            ),
          ]
        : [
            markAlerted(kind, r.id, now),
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
      const rows = await casesToRemind(db, kind, {
        committee: committee.id,
        statuses: watched,
        before: new Date(now.getTime() - days * DAY_MS),
        limit,
      });
      for (const r of rows) {
        const since = r.completed_at ?? r.created_at;
        if (addWorkingDays(since, days, cal).getTime() > now.getTime()) break;
        const officer = officerFor(profile, caseCategory(profile, kind, r.subject));
        await db.batch([
          markReminded(kind, r.id, now),
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
