/**
 * R8: a rating of 1 or 2 alerts the officer responsible, so that the case is followed up. Each
 * rating is alerted once: the alert is recorded as a prompts row of kind 'low_rating_alert' whose
 * id names the rating, written in the same transaction as the staff outbox row.
 */
import { UniqueViolation } from '../db/database.js';
import { outboxStatement } from '../db/outbox.repository.js';
import { recordLowRatingAlert } from '../db/prompts.repository.js';
import { unalertedLowRatings } from '../db/ratings.repository.js';
import { lowRatingAlert } from '../notify/messages.js';
import { caseCategory, caseTitle, officerFor } from '../notify/recipients.js';
import type { SchedulerDeps } from './scheduler-deps.js';

/** Scores that alert (the rating dialogue tells the person an officer will follow up). */
export const LOW_SCORE = 2;

/** Alerts the low ratings not alerted yet; resolves with the number of alerts. */
export async function alertLowRatings(d: SchedulerDeps, now: Date): Promise<number> {
  const { db, profile, translator, logger } = d;
  const rows = await unalertedLowRatings(db, LOW_SCORE, d.batchSize ?? 200);
  let alerts = 0;
  for (const r of rows) {
    const target = r.target;
    // A general rating (no service named) goes to the default category's officer.
    const category = target ? caseCategory(profile, target.kind, target.subject) : profile.handoff.defaultCategory;
    const text = lowRatingAlert(
      translator,
      r.score,
      target ? { kind: target.kind, ref: target.ref, title: caseTitle(profile, target.kind, target.subject) } : null,
    );
    try {
      await db.batch([
        recordLowRatingAlert(
          { ratingId: r.id, beneficiaryId: r.beneficiaryId, requestId: r.requestId, complaintId: r.complaintId },
          now,
        ),
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
