/**
 * The conversation engine: for each inbound message, drop a duplicate, run the turn of its
 * conversation strictly after the previous one (different conversations run concurrently), and
 * commit everything the turn produced in one transaction. Replies are only in the outbox then; the
 * dispatcher sends them after the commit.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { findPersonById } from '../db/beneficiaries.repository.js';
import { type Db, type Stmt, UniqueViolation } from '../db/database.js';
import { currentHandoff } from '../db/handoffs.repository.js';
import { policyVersionStatements } from '../db/policy-version.js';
import { loadTurn, outboundStatements, type StaffAlert, turnStatements } from '../db/turn-store.js';
import type { Channel, FlowHandovers, FlowId, Reply } from '../domain/flow-contract.js';
import type { Profile } from '../domain/profile.js';
import type { Lang } from '../domain/text.js';
import type { Translator } from '../i18n.js';
import type { Metrics } from '../metrics.js';
import { alertParams } from './alert-text.js';
import type { InboundMessage, OutboundMessage } from './messages.js';
import type { HandoffRequest, SessionRunner, SessionState, TurnOutcome, TurnPerson } from './session.js';
import { decodeSession, encodeSession } from './session-codec.js';

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
    const isNew = loaded.person === null;
    const person = loaded.person ?? {
      id: randomUUID(),
      language: msg.languageHint ?? 'ar',
      consentVersion: null,
      lastInboundAt: null,
      conversation: null,
    };
    const outcome = await this.o.sessions.run(
      { id: person.id, lang: person.language, consentVersion: person.consentVersion, lastInboundAt: person.lastInboundAt },
      person.conversation ? decodeSession(person.conversation) : null,
      msg.input,
      msg.at,
    );
    try {
      await this.commit(
        db,
        { channel: msg.channel, userId: msg.userId, beneficiaryId: person.id, isNew, at: msg.at },
        outcome,
        msg,
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
    return { status: 'processed', replies: outcome.replies, beneficiaryId: person.id };
  }

  /** Writes everything a turn produced in one transaction, then wakes the dispatcher. */
  private async commit(
    db: Db,
    who: { channel: Channel; userId: string; beneficiaryId: string; isNew: boolean; at: Date },
    outcome: TurnOutcome,
    msg?: InboundMessage,
    extraStatements: Stmt[] = [],
  ): Promise<void> {
    const attestations: Record<string, string> = {};
    for (const e of outcome.effects)
      if (e.kind === 'request.create')
        attestations[e.ref] = this.o.translator.t(e.attestation.key, outcome.lang, e.attestation.params);
    const handoffs = outcome.handoffs.map((h) => ({ ...h, id: randomUUID() }));
    const staffAlerts = await this.staffAlerts(handoffs, outcome, who.channel, who.beneficiaryId, msg);
    await db.batch([
      ...turnStatements({
        channel: who.channel,
        userId: who.userId,
        beneficiaryId: who.beneficiaryId,
        isNewBeneficiary: who.isNew,
        lang: outcome.lang,
        at: who.at,
        ...(msg ? { inbound: { messageId: msg.messageId, kind: msg.input.kind, body: JSON.stringify(msg.input) } } : {}),
        conversation: encodeSession(outcome.state),
        outbound: outcome.replies,
        effects: outcome.effects,
        attestations,
        handoffs,
        closeHandoff: outcome.closeHandoff,
        staffAlerts,
      }),
      ...policyVersionStatements(outcome.effects, this.o.profile),
      ...extraStatements,
    ]);
    // The web chat reads committed messages itself: they count as sent now.
    if (who.channel === 'web' && outcome.replies.length)
      this.o.metrics?.messagesOut.inc({ channel: 'web' }, outcome.replies.length);
    for (const h of handoffs)
      this.o.logger.info({ beneficiary: who.beneficiaryId, handoff: h.id, reason: h.reason, category: h.category }, 'handoff');
    if (outcome.replies.length || staffAlerts.length || extraStatements.length) this.o.onCommitted?.();
  }

  /**
   * Starts a dialogue on the bot's initiative for a person (a rating prompt, a request for
   * missing information), suspending what they were doing. Resolves false when a staff member
   * holds the conversation or the person is unknown. `extraStatements` commit in the same
   * transaction (e.g. marking the prompt as sent).
   */
  async interrupt<K extends FlowId>(
    beneficiaryId: string,
    flowId: K,
    extra: FlowHandovers[K],
    options: { at?: Date; preface?: Reply; extraStatements?: Stmt[] } = {},
  ): Promise<boolean> {
    return this.asPerson(beneficiaryId, async (db, loaded, person) => {
      const at = options.at ?? new Date();
      const outcome = await this.o.sessions.interrupt(person, loaded.state, flowId, extra, at, options.preface);
      if (!outcome) return false;
      await this.commit(db, { ...loaded, beneficiaryId, isNew: false, at }, outcome, undefined, options.extraStatements);
      return true;
    });
  }

  /** A staff member hands the conversation back: the bot resumes with the menu. */
  async handBack(beneficiaryId: string, at = new Date()): Promise<boolean> {
    return this.asPerson(beneficiaryId, async (db, loaded, person) => {
      if (loaded.state?.mode !== 'handoff') return false;
      const outcome = await this.o.sessions.handBack(person, loaded.state, at);
      await this.commit(db, { ...loaded, beneficiaryId, isNew: false, at }, outcome);
      return true;
    });
  }

  /** Sends a staff member's words to the person on their channel (committed, then dispatched). */
  async staffReply(beneficiaryId: string, text: string, at = new Date()): Promise<boolean> {
    return this.asPerson(beneficiaryId, async (db, loaded) => {
      const message = { text: this.o.translator.t('session:staffSays', loaded.lang, { text }) };
      await db.batch(outboundStatements(loaded.channel, loaded.userId, beneficiaryId, message, at));
      this.o.onCommitted?.();
      return true;
    });
  }

  private async asPerson<T>(
    beneficiaryId: string,
    fn: (
      db: Db,
      loaded: { channel: Channel; userId: string; state: SessionState | null; lang: Lang },
      person: TurnPerson,
    ) => Promise<T | false>,
  ): Promise<T | false> {
    const first = await findPersonById(this.o.db, beneficiaryId);
    if (!first) return false;
    const key = `${first.channel}:${first.userId}`;
    return this.queue.run(key, () =>
      this.o.db.locked(key, async (db) => {
        const b = await findPersonById(db, beneficiaryId);
        if (!b) return false;
        const person: TurnPerson = {
          id: b.id,
          lang: b.language,
          consentVersion: b.consentVersion,
          lastInboundAt: b.lastInboundAt,
        };
        const state = b.conversation ? decodeSession(b.conversation) : null;
        return fn(db, { channel: b.channel, userId: b.userId, state, lang: b.language }, person);
      }),
    );
  }

  /** Alerts for the staff chat: new handoffs with their summary, and messages during a handoff (R3c, R7). */
  private async staffAlerts(
    handoffs: (HandoffRequest & { id: string })[],
    outcome: { forwardToStaff: boolean; flowId: string },
    channel: Channel,
    beneficiaryId: string,
    msg?: InboundMessage,
  ): Promise<StaffAlert[]> {
    const t = this.o.translator;
    const alerts: StaffAlert[] = handoffs.map((h) => ({
      recipient: this.officerChat(h.category),
      handoffId: h.id, // the staff group's claim button (src/staff)
      text: t.t('staff:handoffAlert', 'ar', alertParams(t, { ...h, channel }, 'ar', this.o.profile)),
    }));
    if (outcome.forwardToStaff && msg) {
      const body = msg.input.kind === 'text' ? msg.input.text : t.t(`staff:attachment.${msg.input.kind}`, 'ar');
      // To the officer of the case, marked with its id, so staff holding several cases can tell.
      const held = await currentHandoff(this.o.db, beneficiaryId);
      alerts.push({
        recipient: this.officerChat(held?.category ?? this.o.profile.handoff.defaultCategory),
        text: t.t('staff:forward', 'ar', { body, case: held ? held.id.slice(0, 8) : '—' }),
        ...(held ? { about: held.id } : {}),
      });
    }
    return alerts;
  }

  private officerChat(category: string): string {
    return this.o.profile.officers.find((o) => o.categories.includes(category))?.telegramChatId ?? 'default';
  }
}
