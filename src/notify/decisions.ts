/**
 * Committee decisions (R3e, R3f-g, R3h, R5): applying one decision posted by the back office, as
 * the case lifecycle (src/domain/case-lifecycle.ts) allows it. The status change, its history row, the webhook receipt, the
 * notification (message + outbox row, on the person's channel, in their language) and, after a
 * service, the rating prompt are written in one transaction; a decision asking for information
 * then reopens the status dialogue so the person can supply it.
 */
import type { Logger } from 'pino';
import { type Db, type Stmt, UniqueViolation } from '../db/database.js';
import { caseStatus, type DecisionCase, decisionStatements, findDecisionCase, receiptSeen } from '../db/decisions.repository.js';
import { allowedDecisions, isRateable, nextStatus } from '../domain/case-lifecycle.js';
import type { Channel } from '../domain/flow-contract.js';
import type { Profile } from '../domain/profile.js';
import { outsideQuietHours } from '../domain/quiet-hours.js';
import type { Lang } from '../domain/text.js';
import { type Engine, KeyedQueue } from '../engine/engine.js';
import type { Translator } from '../i18n.js';
import { type CaseKind, type Decision, decisionText } from './messages.js';
import { caseTitle } from './recipients.js';

/** A validated decision. */
export interface DecisionInput {
  /** Canonical reference ('R-…' or 'C-…'). */
  ref: string;
  kind: CaseKind;
  decision: Decision;
  note?: string;
  /** When the committee decided; the time of receipt when absent. */
  decidedAt?: Date;
  /** Who decided, in the status history: the back office by default, `staff:<login>` from the console. */
  actor?: string;
}

/** What became of a decision. */
export type DecisionOutcome =
  | { outcome: 'accepted'; ref: string; from: string; status: Decision; reopened: boolean }
  | { outcome: 'duplicate' }
  | { outcome: 'unknownRef' }
  | { outcome: 'notAllowed'; status: string; allowed: readonly Decision[] };

/** What the service needs. */
export interface DecisionServiceDeps {
  db: Db;
  profile: Profile;
  engine: Pick<Engine, 'interrupt'>;
  translator: Translator;
  logger: Logger;
  /** Wakes the outbox dispatcher after a commit. */
  onCommitted?: () => void;
}

/** Applies committee decisions. */
export class DecisionService {
  /** Decisions on one case are applied one after the other (in this process; PostgreSQL also locks). */
  private readonly queue = new KeyedQueue();

  constructor(private readonly d: DecisionServiceDeps) {}

  /** True when a webhook id was already processed (a replay is a no-op). */
  async seen(webhookId: string): Promise<boolean> {
    return receiptSeen(this.d.db, webhookId);
  }

  /** Applies a decision received as webhook `webhookId` at `now`. */
  async apply(input: DecisionInput, webhookId: string, now: Date): Promise<DecisionOutcome> {
    const { db, logger } = this.d;
    const { outcome, beneficiaryId } = await this.queue.run(input.ref, () =>
      db.locked(`decision:${input.ref}`, (tx) => this.commit(tx, input, webhookId, now)),
    );
    if (outcome.outcome !== 'accepted') return outcome;
    this.d.onCommitted?.();
    logger.info({ ref: input.ref, decision: input.decision, from: outcome.from }, 'decision applied');
    let reopened = false;
    if (input.decision === 'needs_info') {
      // R3h: the status dialogue shows the case with "send the information"; it reads the committed
      // status, which is why it starts after the commit. The notification itself is already
      // committed with the decision, so a failure here loses nothing: the person can open
      // "my requests" themselves. While a staff member holds the conversation the engine says
      // no, and the notification alone goes out (the staff member sees it in the conversation).
      try {
        reopened = await this.d.engine.interrupt(beneficiaryId, 'status', { ref: input.ref }, { at: now });
      } catch (e) {
        logger.error({ ref: input.ref, err: e instanceof Error ? e.name : 'unknown' }, 'could not reopen the dialogue');
      }
    }
    return { ...outcome, reopened };
  }

  private async commit(
    tx: Db,
    input: DecisionInput,
    webhookId: string,
    now: Date,
  ): Promise<{ outcome: DecisionOutcome; beneficiaryId: string }> {
    const none = (outcome: DecisionOutcome) => ({ outcome, beneficiaryId: '' });
    if (await receiptSeen(tx, webhookId)) return none({ outcome: 'duplicate' });
    const row = await findDecisionCase(tx, input.kind, input.ref);
    if (!row) return none({ outcome: 'unknownRef' });
    const allowed = allowedDecisions(input.kind, row.status);
    if (!allowed.includes(input.decision)) return none({ outcome: 'notAllowed', status: row.status, allowed });
    try {
      await tx.batch(this.statements(input, row, webhookId, now));
    } catch (e) {
      // The same webhook id committed by a concurrent delivery: this one is the replay.
      if (e instanceof UniqueViolation) return none({ outcome: 'duplicate' });
      throw e;
    }
    // Every statement after the status change is guarded by it: when the person's own answer
    // moved the case on in between (needs_info → under_review), nothing was written.
    if (!(await receiptSeen(tx, webhookId))) {
      const status = (await caseStatus(tx, input.kind, input.ref)) ?? row.status;
      return none({ outcome: 'notAllowed', status, allowed: allowedDecisions(input.kind, status) });
    }
    return {
      outcome: { outcome: 'accepted', ref: input.ref, from: row.status, status: input.decision, reopened: false },
      beneficiaryId: row.beneficiary_id,
    };
  }

  /** The statements of one decision, each after the first written only if the status changed. */
  private statements(input: DecisionInput, row: DecisionCase, webhookId: string, now: Date): Stmt[] {
    const { profile, translator } = this.d;
    // The lifecycle gives the new status (a decision's status is named after it); the write path
    // checks it again and only updates a case still in the status that was read.
    const to = nextStatus(input.kind, row.status, { type: `decision.${input.decision}` }) ?? input.decision;
    const lang: Lang = row.language === 'en' ? 'en' : 'ar';
    // Decisions are transactional messages about the person's own case (R3h): they are sent even
    // to someone who opted out, since opting out stops notifications of other kinds and surveys
    // (rating prompts), not the answer to their own request.
    const message = {
      text: decisionText(translator, lang, input.kind, input.decision, {
        ref: input.ref,
        title: caseTitle(profile, input.kind, row.subject),
        note: input.note ?? null,
      }),
    };
    // R8: the rating prompt, after the profile's delay and never in quiet hours; one per service.
    const { delayHours, quietHours } = profile.rating;
    const ratingDueAt = isRateable(input.kind, to)
      ? outsideQuietHours(new Date(now.getTime() + delayHours * 3_600_000), quietHours, profile.timezone)
      : null;
    return decisionStatements(
      {
        kind: input.kind,
        ref: input.ref,
        from: row.status,
        to,
        note: input.note ?? null,
        decidedAt: input.decidedAt ?? now,
        actor: input.actor ?? 'back_office',
        webhookId,
        notify: { beneficiaryId: row.beneficiary_id, channel: row.channel as Channel, recipient: row.platform_user_id, message },
        ratingDueAt,
      },
      now,
    );
  }
}
