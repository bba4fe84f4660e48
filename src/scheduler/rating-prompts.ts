/**
 * R8: post-service rating prompts. A prompt row is written with the decision (served / resolved)
 * and is due after the profile's delay; here it is sent as a rating dialogue the bot starts
 * (engine.interrupt), so the answer is handled by the rating dialogue even in the middle of another
 * one, which resumes afterwards. Never during quiet hours, never to someone who opted out or cannot
 * be reached, one reminder when unanswered, never twice for the same service (one row per service).
 */
import type { Stmt } from '../db/database.js';
import { outboundStatements } from '../db/turn-store.js';
import { isQuietHours } from '../domain/calendar.js';
import type { Channel } from '../domain/flow-contract.js';
import type { Lang } from '../domain/text.js';
import { ratingPreface } from '../notify/messages.js';
import { caseTitle } from '../notify/recipients.js';
import type { SchedulerDeps, SchedulerReport } from './scheduler.js';

type PromptReport = Pick<SchedulerReport, 'prompted' | 'reminded' | 'skipped' | 'answered'>;

interface PromptRow {
  id: string;
  status: string;
  beneficiary_id: string;
  request_ref: string | null;
  type_id: string | null;
  complaint_ref: string | null;
  category: string | null;
  opted_out: unknown;
  unreachable: unknown;
  channel: string;
  platform_user_id: string;
  language: string;
  flow_id: string | null;
  mode: string | null;
  snapshot: string | null;
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 't';

/**
 * True when the person's active dialogue is the rating of this very case, still waiting for them
 * (they left the first prompt unanswered): the reminder then points at it instead of starting it
 * again, which would ask the same question twice once the suspended one resumed.
 */
export function awaitingRatingOf(row: Pick<PromptRow, 'flow_id' | 'snapshot'>, ref: string): boolean {
  if (row.flow_id !== 'rating' || !row.snapshot) return false;
  try {
    const stored = JSON.parse(row.snapshot) as { s?: { context?: { target?: { ref?: unknown } | null } } };
    return stored.s?.context?.target?.ref === ref;
  } catch {
    return false;
  }
}

/** Sends the prompts and reminders due at `now`. */
export async function sendRatingPrompts(d: SchedulerDeps, now: Date): Promise<PromptReport> {
  const { db, profile, engine, logger, translator } = d;
  const report: PromptReport = { prompted: 0, reminded: 0, skipped: 0, answered: 0 };
  // A service rated in the meantime (from "my requests" or the prompt itself) needs no prompt.
  report.answered = await db.run(
    `UPDATE prompts SET status = 'answered'
      WHERE kind = 'rating' AND status IN ('scheduled', 'sent', 'reminded')
        AND (EXISTS (SELECT 1 FROM ratings x WHERE x.request_id = prompts.request_id)
          OR EXISTS (SELECT 1 FROM ratings x WHERE x.complaint_id = prompts.complaint_id))`,
  );
  if (isQuietHours(now, profile.rating.quietHours, profile.timezone)) return report;
  const remindBefore = new Date(now.getTime() - (d.reminderAfterHours ?? 24) * 3_600_000);
  const rows = await db.all<PromptRow>(
    `SELECT p.id, p.status, p.beneficiary_id, r.ref AS request_ref, r.type_id, c.ref AS complaint_ref, c.category,
            b.opted_out, b.unreachable, b.channel, b.platform_user_id, b.language, cv.flow_id, cv.mode, cv.snapshot
       FROM prompts p
       JOIN beneficiaries b ON b.id = p.beneficiary_id
       LEFT JOIN requests r ON r.id = p.request_id
       LEFT JOIN complaints c ON c.id = p.complaint_id
       LEFT JOIN conversations cv ON cv.beneficiary_id = p.beneficiary_id
      WHERE p.kind = 'rating'
        AND ((p.status = 'scheduled' AND p.due_at <= ?) OR (p.status = 'sent' AND p.sent_at <= ?))
      ORDER BY p.due_at, p.id LIMIT ?`,
    [now, remindBefore, d.batchSize ?? 200],
  );
  for (const p of rows) {
    const reminder = p.status === 'sent';
    const target =
      p.request_ref && p.type_id
        ? { kind: 'request' as const, ref: p.request_ref, subject: p.type_id }
        : p.complaint_ref && p.category
          ? { kind: 'complaint' as const, ref: p.complaint_ref, subject: p.category }
          : null;
    // R8: surveys only to those who did not opt out; nobody is chased who cannot be reached.
    if (!target || truthy(p.opted_out) || truthy(p.unreachable)) {
      report.skipped += await db.run("UPDATE prompts SET status = 'skipped' WHERE id = ? AND status = ?", [p.id, p.status]);
      continue;
    }
    const mark: Stmt = reminder
      ? { sql: "UPDATE prompts SET status = 'reminded', reminded_at = ? WHERE id = ? AND status = 'sent'", params: [now, p.id] }
      : { sql: "UPDATE prompts SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'scheduled'", params: [now, p.id] };
    try {
      if (reminder && awaitingRatingOf(p, target.ref)) {
        // A staff member holds the conversation: not now.
        if (p.mode === 'handoff') continue;
        const lang: Lang = p.language === 'en' ? 'en' : 'ar';
        const text = translator.t('notify:rating.reminderPending', lang, {
          ref: target.ref,
          title: caseTitle(profile, target.kind, target.subject),
        });
        await db.batch([...outboundStatements(p.channel as Channel, p.platform_user_id, p.beneficiary_id, { text }, now), mark]);
        d.onCommitted?.();
        report.reminded++;
        continue;
      }
      // The mark commits with the dialogue's first messages: sent once, or not at all.
      const sent = await engine.interrupt(
        p.beneficiary_id,
        'rating',
        { target: { kind: target.kind, ref: target.ref } },
        { at: now, preface: ratingPreface(reminder), extraStatements: [mark] },
      );
      // false: a staff member holds the conversation; the prompt waits for a later run.
      if (sent && reminder) report.reminded++;
      else if (sent) report.prompted++;
    } catch (e) {
      logger.error({ prompt: p.id, err: e instanceof Error ? e.name : 'unknown' }, 'rating prompt failed');
    }
  }
  return report;
}
