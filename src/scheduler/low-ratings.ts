/**
 * R8: a rating of 1 or 2 alerts the officer responsible, so that the case is followed up. Each
 * rating is alerted once: the alert is recorded as a prompts row of kind 'low_rating_alert' whose
 * id names the rating, written in the same transaction as the staff outbox row.
 */
import { UniqueViolation } from '../db/database.js';
import { outboxStatement } from '../db/turn-store.js';
import { lowRatingAlert } from '../notify/messages.js';
import { caseCategory, caseTitle, officerFor } from '../notify/recipients.js';
import type { SchedulerDeps } from './scheduler.js';

/** Scores that alert (the rating dialogue tells the person an officer will follow up). */
export const LOW_SCORE = 2;
/** Kind of the prompts row recording that a low rating was alerted. */
export const LOW_RATING_ALERT = 'low_rating_alert';

interface RatingRow {
  id: string;
  score: number;
  beneficiary_id: string;
  request_id: string | null;
  complaint_id: string | null;
  request_ref: string | null;
  type_id: string | null;
  complaint_ref: string | null;
  category: string | null;
}

/** Alerts the low ratings not alerted yet; resolves with the number of alerts. */
export async function alertLowRatings(d: SchedulerDeps, now: Date): Promise<number> {
  const { db, profile, translator, logger } = d;
  const rows = await db.all<RatingRow>(
    `SELECT x.id, x.score, x.beneficiary_id, x.request_id, x.complaint_id,
            r.ref AS request_ref, r.type_id, c.ref AS complaint_ref, c.category
       FROM ratings x
       LEFT JOIN requests r ON r.id = x.request_id
       LEFT JOIN complaints c ON c.id = x.complaint_id
      WHERE x.score <= ? AND NOT EXISTS (SELECT 1 FROM prompts p WHERE p.id = '${LOW_RATING_ALERT}:' || x.id)
      ORDER BY x.created_at LIMIT ?`,
    [LOW_SCORE, d.batchSize ?? 200],
  );
  let alerts = 0;
  for (const r of rows) {
    const target =
      r.request_ref && r.type_id
        ? { kind: 'request' as const, ref: r.request_ref, subject: r.type_id }
        : r.complaint_ref && r.category
          ? { kind: 'complaint' as const, ref: r.complaint_ref, subject: r.category }
          : null;
    // A general rating (no service named) goes to the default category's officer.
    const category = target ? caseCategory(profile, target.kind, target.subject) : profile.handoff.defaultCategory;
    const text = lowRatingAlert(
      translator,
      Number(r.score),
      target ? { kind: target.kind, ref: target.ref, title: caseTitle(profile, target.kind, target.subject) } : null,
    );
    try {
      await db.batch([
        {
          sql: `INSERT INTO prompts (id, kind, beneficiary_id, request_id, complaint_id, status, due_at, sent_at, created_at)
                VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, ?)`,
          params: [
            `${LOW_RATING_ALERT}:${r.id}`,
            LOW_RATING_ALERT,
            r.beneficiary_id,
            r.request_id,
            r.complaint_id,
            now,
            now,
            now,
          ],
        },
        outboxStatement('staff', officerFor(profile, category).recipient, { text }, now),
      ]);
      alerts++;
    } catch (e) {
      if (!(e instanceof UniqueViolation)) throw e; // alerted meanwhile
      logger.debug({ rating: r.id }, 'low rating already alerted');
    }
  }
  return alerts;
}
