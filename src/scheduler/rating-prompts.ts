/**
 * R8: post-service rating prompts. A prompt row is written with the decision (served / resolved)
 * and is due after the profile's delay; here it is sent as a rating dialogue the bot starts
 * (engine.interrupt), so the answer is handled by the rating dialogue even in the middle of another
 * one, which resumes afterwards. Never during quiet hours, never to someone who opted out or cannot
 * be reached, one reminder when unanswered, never twice for the same service (one row per service).
 */
import {
  closeAnsweredPrompts,
  type DuePrompt,
  duePrompts,
  markPromptReminded,
  markPromptSent,
  skipPrompt,
} from '../db/prompts.repository.js';
import { outboundStatements } from '../db/turn-store.js';
import { isQuietHours } from '../domain/calendar.js';
import type { Channel } from '../domain/flow-contract.js';
import type { Lang } from '../domain/text.js';
import { decodeSession } from '../engine/session-codec.js';
import { ratingPreface } from '../notify/messages.js';
import { caseTitle } from '../notify/recipients.js';
import type { SchedulerDeps, SchedulerReport } from './scheduler-deps.js';

type PromptReport = Pick<SchedulerReport, 'prompted' | 'reminded' | 'skipped' | 'answered'>;

/**
 * True when the person's active dialogue is the rating of this very case, still waiting for them
 * (they left the first prompt unanswered): the reminder then points at it instead of starting it
 * again, which would ask the same question twice once the suspended one resumed.
 */
export function awaitingRatingOf(conversation: DuePrompt['conversation'], ref: string): boolean {
  if (conversation?.flowId !== 'rating') return false;
  const snapshot = decodeSession(conversation).snapshot as { context?: { target?: { ref?: unknown } | null } } | null;
  return snapshot?.context?.target?.ref === ref;
}

/** Sends the prompts and reminders due at `now`. */
export async function sendRatingPrompts(d: SchedulerDeps, now: Date): Promise<PromptReport> {
  const { db, profile, engine, logger, translator } = d;
  const report: PromptReport = { prompted: 0, reminded: 0, skipped: 0, answered: 0 };
  // A service rated in the meantime (from "my requests" or the prompt itself) needs no prompt.
  report.answered = await closeAnsweredPrompts(db);
  if (isQuietHours(now, profile.rating.quietHours, profile.timezone)) return report;
  const remindBefore = new Date(now.getTime() - (d.reminderAfterHours ?? 24) * 3_600_000);
  const rows = await duePrompts(db, now, remindBefore, d.batchSize ?? 200);
  for (const p of rows) {
    const reminder = p.status === 'sent';
    const target = p.target;
    // R8: surveys only to those who did not opt out; nobody is chased who cannot be reached.
    if (!target || p.person.optedOut || p.person.unreachable) {
      report.skipped += await skipPrompt(db, p.id, p.status);
      continue;
    }
    const mark = reminder ? markPromptReminded(p.id, now) : markPromptSent(p.id, now);
    try {
      if (reminder && awaitingRatingOf(p.conversation, target.ref)) {
        // A staff member holds the conversation: not now.
        if (p.conversation?.mode === 'handoff') continue;
        const lang: Lang = p.person.language === 'en' ? 'en' : 'ar';
        const text = translator.t('notify:rating.reminderPending', lang, {
          ref: target.ref,
          title: caseTitle(profile, target.kind, target.subject),
        });
        await db.batch([
          ...outboundStatements(p.person.channel as Channel, p.person.userId, p.beneficiaryId, { text }, now),
          mark,
        ]);
        d.onCommitted?.();
        report.reminded++;
        continue;
      }
      // The mark commits with the dialogue's first messages: sent once, or not at all.
      const sent = await engine.interrupt(
        p.beneficiaryId,
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
