/**
 * The conversation engine: for each inbound message, drop a duplicate, run the turn of its
 * conversation strictly after the previous one (different conversations run concurrently), and
 * commit everything the turn produced in one transaction. Replies are only in the outbox then; the
 * dispatcher sends them after the commit.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type Db, UniqueViolation } from '../db/database.js';
import { loadTurn, type StaffAlert, turnStatements } from '../db/turn-store.js';
import type { Profile } from '../domain/profile.js';
import type { Translator } from '../i18n.js';
import type { Metrics } from '../metrics.js';
import type { InboundMessage, OutboundMessage } from './messages.js';
import type { HandoffRequest, SessionRunner } from './session.js';

/** The result of handing a message to the engine. */
export interface TurnResult {
  status: 'processed' | 'duplicate';
  /** The committed replies (already in the outbox). */
  replies: OutboundMessage[];
  beneficiaryId?: string;
}

export interface EngineOptions {
  db: Db;
  profile: Profile;
  translator: Translator;
  sessions: SessionRunner;
  logger: Logger;
  metrics?: Metrics;
  /** Called after each commit that wrote outbox rows (wakes the dispatcher). */
  onCommitted?: () => void;
}

/** Runs tasks with the same key one after another, tasks with different keys concurrently. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves when every queued task has finished. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  get size(): number {
    return this.tails.size;
  }
}

/** The engine. */
export class Engine {
  private readonly queue = new KeyedQueue();
  private closed = false;

  constructor(private readonly o: EngineOptions) {}

  /** Handles one inbound message; resolves once its turn is committed. */
  handle(msg: InboundMessage): Promise<TurnResult> {
    if (this.closed) return Promise.reject(new Error('engine is shutting down'));
    const key = `${msg.channel}:${msg.userId}`;
    return this.queue.run(key, () => this.o.db.locked(key, (db) => this.turn(db, msg)));
  }

  /** Stops accepting messages and waits for the turns in flight (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.drain();
  }

  private async turn(db: Db, msg: InboundMessage): Promise<TurnResult> {
    const started = performance.now();
    const { metrics, logger } = this.o;
    const loaded = await loadTurn(db, msg.channel, msg.userId, msg.messageId);
    if (loaded.duplicate) {
      metrics?.duplicates.inc({ channel: msg.channel });
      return { status: 'duplicate', replies: [] };
    }
    const isNew = loaded.beneficiary === null;
    const person = loaded.beneficiary ?? {
      id: randomUUID(),
      language: msg.languageHint ?? 'ar',
      consentVersion: null,
      lastInboundAt: null,
      optedOut: false,
    };
    const outcome = await this.o.sessions.run(
      { id: person.id, lang: person.language, consentVersion: person.consentVersion, lastInboundAt: person.lastInboundAt },
      loaded.state,
      msg.input,
      msg.at,
    );
    const attestations: Record<string, string> = {};
    for (const e of outcome.effects)
      if (e.kind === 'request.create')
        attestations[e.ref] = this.o.translator.t(e.attestation.key, outcome.lang, e.attestation.params);
    const handoffs = outcome.handoffs.map((h) => ({ ...h, id: randomUUID() }));
    const staffAlerts = this.staffAlerts(handoffs, outcome, msg);
    try {
      await db.batch(
        turnStatements({
          channel: msg.channel,
          userId: msg.userId,
          beneficiaryId: person.id,
          isNewBeneficiary: isNew,
          lang: outcome.lang,
          at: msg.at,
          inbound: { messageId: msg.messageId, kind: msg.input.kind, body: JSON.stringify(msg.input) },
          state: outcome.state,
          outbound: outcome.replies,
          effects: outcome.effects,
          attestations,
          handoffs,
          closeHandoff: outcome.closeHandoff,
          staffAlerts,
        }),
      );
    } catch (e) {
      // The same message raced in through another path and was committed first.
      if (e instanceof UniqueViolation && !isNew) {
        metrics?.duplicates.inc({ channel: msg.channel });
        return { status: 'duplicate', replies: [] };
      }
      if (e instanceof UniqueViolation && isNew) {
        const again = await loadTurn(db, msg.channel, msg.userId, msg.messageId);
        if (again.duplicate) return { status: 'duplicate', replies: [] };
      }
      throw e;
    }
    const seconds = (performance.now() - started) / 1000;
    metrics?.messagesIn.inc({ channel: msg.channel });
    metrics?.turnLatency.observe({ channel: msg.channel }, seconds);
    // Ids and counts only: no text, phone, name or platform user id (R6).
    logger.debug(
      { beneficiary: person.id, channel: msg.channel, flow: outcome.flowId, replies: outcome.replies.length, ms: seconds * 1000 },
      'turn committed',
    );
    for (const h of handoffs)
      logger.info({ beneficiary: person.id, handoff: h.id, reason: h.reason, category: h.category }, 'handoff');
    if (outcome.replies.length || staffAlerts.length) this.o.onCommitted?.();
    return { status: 'processed', replies: outcome.replies, beneficiaryId: person.id };
  }

  /** Alerts for the staff chat: new handoffs with their summary, and messages during a handoff (R3c, R7). */
  private staffAlerts(
    handoffs: (HandoffRequest & { id: string })[],
    outcome: { forwardToStaff: boolean; flowId: string },
    msg: InboundMessage,
  ): StaffAlert[] {
    const t = this.o.translator;
    const alerts: StaffAlert[] = handoffs.map((h) => ({
      recipient: this.officerChat(h.category),
      text: t.t('staff:handoffAlert', 'ar', {
        case: h.id.slice(0, 8),
        reason: t.t(`staff:reason.${h.reason}`, 'ar'),
        category: h.category,
        channel: msg.channel,
        summary: Object.entries(h.summary)
          .map(([k, v]) => `${k}: ${v}`)
          .join('، '),
      }),
    }));
    if (outcome.forwardToStaff) {
      const body = msg.input.kind === 'text' ? msg.input.text : t.t(`staff:attachment.${msg.input.kind}`, 'ar');
      alerts.push({
        recipient: this.officerChat(this.o.profile.handoff.defaultCategory),
        text: t.t('staff:forward', 'ar', { body }),
      });
    }
    return alerts;
  }

  private officerChat(category: string): string {
    return this.o.profile.officers.find((o) => o.categories.includes(category))?.telegramChatId ?? 'default';
  }
}
