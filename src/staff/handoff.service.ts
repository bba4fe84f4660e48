/**
 * The staff side of a handoff (R3c, R7): a staff member claims an open handoff, writes to the
 * person through the engine (on the person's own channel), and hands the conversation back to the
 * bot, which resumes with the menu. Every action leaves a `staff_audit` row. The same service
 * serves the staff console and the Telegram staff group; it keeps no state of its own.
 *
 * Who may do what: anyone on the staff may claim an open handoff; only the staff member holding
 * it may reply or hand it back (a reply to an open handoff claims it first). An open handoff that
 * nobody claimed may be handed back by anyone (e.g. a person asked for staff by mistake).
 */

import { auditStatement, auditStatementIf } from '../db/audit.repository.js';
import { type Db, toDate } from '../db/database.js';
import { StaffAccountsRepository } from '../db/staff-accounts.repository.js';
import type { Channel } from '../domain/flow-contract.js';
import { parseSummary } from '../engine/alert-text.js';
import type { Engine } from '../engine/engine.js';
import { staffIdOf } from './accounts.js';

/** Status of a handoff row. */
export type HandoffStatus = 'open' | 'claimed' | 'closed';

/** A handoff as staff see it (no personal data: the summary never holds a national ID or phone). */
export interface HandoffView {
  id: string;
  /** The short case id shown to staff: the first 8 characters of the id. */
  caseId: string;
  beneficiaryId: string;
  /** The person's channel (web, telegram, whatsapp_...). */
  channel: Channel;
  reason: string;
  category: string;
  status: HandoffStatus;
  summary: Record<string, string | number>;
  claimedBy: string | null;
  createdAt: Date;
  claimedAt: Date | null;
  closedAt: Date | null;
}

/** Why an action was refused (stable codes, as domain errors carry). */
export type HandoffRefusal =
  | 'HANDOFF.NOT_FOUND'
  | 'HANDOFF.CLOSED'
  /** Another staff member holds it. */
  | 'HANDOFF.TAKEN'
  | 'HANDOFF.EMPTY_REPLY';

/** The outcome of an action. */
export type HandoffResult<T = object> =
  | ({ ok: true; handoff: HandoffView } & T)
  | { ok: false; code: HandoffRefusal; handoff?: HandoffView };

/** A message of the conversation, for the staff member holding it. */
export interface ConversationItem {
  from: 'person' | 'bot';
  text: string;
  at: Date;
}

/** What the service needs. */
export interface HandoffServiceDeps {
  db: Db;
  engine: Pick<Engine, 'staffReply' | 'handBack'>;
  clock?: () => Date;
}

/** Longest staff reply accepted, in characters (a messaging app caps a message at about 4000). */
export const MAX_REPLY_CHARS = 3500;

interface HandoffRow {
  id: string;
  beneficiary_id: string;
  channel: string;
  reason: string;
  category: string;
  status: string;
  summary: string;
  claimed_by: string | null;
  created_at: unknown;
  claimed_at: unknown;
  closed_at: unknown;
}

const SELECT = `SELECT h.id, h.beneficiary_id, b.channel, h.reason, h.category, h.status, h.summary, h.claimed_by,
                       h.created_at, h.claimed_at, h.closed_at
                  FROM handoffs h JOIN beneficiaries b ON b.id = h.beneficiary_id`;

/** Rows are checked at the boundary: an unreadable summary shows as empty, an unknown status as closed. */
function toView(r: HandoffRow): HandoffView {
  const status: HandoffStatus = r.status === 'open' || r.status === 'claimed' ? r.status : 'closed';
  return {
    id: r.id,
    caseId: r.id.slice(0, 8),
    beneficiaryId: r.beneficiary_id,
    channel: r.channel as Channel,
    reason: r.reason,
    category: r.category,
    status,
    summary: parseSummary(r.summary),
    claimedBy: r.claimed_by,
    createdAt: toDate(r.created_at),
    claimedAt: r.claimed_at ? toDate(r.claimed_at) : null,
    closedAt: r.closed_at ? toDate(r.closed_at) : null,
  };
}

/** A case id as staff type it: 8 hex characters (the start of the handoff id), or the whole id. */
const CASE_ID = /^[0-9a-f]{8}$/;
const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The handoff service. */
export class HandoffService {
  private readonly clock: () => Date;

  constructor(private readonly o: HandoffServiceDeps) {
    this.clock = o.clock ?? (() => new Date());
  }

  /**
   * The staff id (`staff:<login>`) of the active account a Telegram user is linked to, or null:
   * only linked accounts act in the staff group (issue 13).
   */
  async linkedStaffId(telegramUserId: string): Promise<string | null> {
    const a = await new StaffAccountsRepository(this.o.db).byTelegramUser(telegramUserId);
    return a && !a.disabled ? staffIdOf(a.login) : null;
  }

  /** Open and claimed handoffs, oldest first (the longest wait on top). */
  async listActive(): Promise<HandoffView[]> {
    const rows = await this.o.db.all<HandoffRow>(
      `${SELECT} WHERE h.status IN ('open', 'claimed') ORDER BY h.created_at, h.id LIMIT 200`,
    );
    return rows.map(toView);
  }

  /** Recently closed handoffs, newest first. */
  async listClosed(limit = 20): Promise<HandoffView[]> {
    const rows = await this.o.db.all<HandoffRow>(`${SELECT} WHERE h.status = 'closed' ORDER BY h.closed_at DESC LIMIT ?`, [
      limit,
    ]);
    return rows.map(toView);
  }

  /**
   * Finds a handoff by its id or its 8-character case id (case-insensitive). When a case id is
   * shared by several handoffs (rare), the active one, else the newest, is meant.
   */
  async find(ref: string): Promise<HandoffView | null> {
    const id = ref.trim().toLowerCase();
    if (FULL_ID.test(id)) {
      const row = await this.o.db.get<HandoffRow>(`${SELECT} WHERE h.id = ?`, [id]);
      return row ? toView(row) : null;
    }
    if (!CASE_ID.test(id)) return null;
    // The case id is checked to be hex above, so it holds no LIKE wildcard.
    const rows = await this.o.db.all<HandoffRow>(
      `${SELECT} WHERE h.id LIKE ? ORDER BY CASE WHEN h.status = 'closed' THEN 1 ELSE 0 END, h.created_at DESC LIMIT 1`,
      [`${id}%`],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  /**
   * Claims a handoff for a staff member, recording who and when with an audit row in the same
   * transaction. Claiming one's own handoff again is fine (`already`); one held by someone else
   * is refused.
   */
  async claim(ref: string, staffId: string): Promise<HandoffResult<{ already: boolean }>> {
    const found = await this.find(ref);
    if (!found) return { ok: false, code: 'HANDOFF.NOT_FOUND' };
    if (found.status === 'closed') return { ok: false, code: 'HANDOFF.CLOSED', handoff: found };
    if (found.status === 'claimed')
      return found.claimedBy === staffId
        ? { ok: true, handoff: found, already: true }
        : { ok: false, code: 'HANDOFF.TAKEN', handoff: found };
    const at = this.clock();
    // Only the claim that changes the row writes the audit row: of two racing claims, one wins.
    await this.o.db.batch([
      {
        sql: "UPDATE handoffs SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'open'",
        params: [staffId, at, found.id],
      },
      auditStatementIf(
        { staffId, action: 'handoff.claim', subjectType: 'handoff', subjectId: found.id, at },
        "SELECT 1 FROM handoffs WHERE id = ? AND status = 'claimed' AND claimed_by = ? AND claimed_at = ?",
        [found.id, staffId, at],
      ),
    ]);
    const now = await this.find(found.id);
    if (!now) return { ok: false, code: 'HANDOFF.NOT_FOUND' };
    if (now.status === 'closed') return { ok: false, code: 'HANDOFF.CLOSED', handoff: now };
    if (now.claimedBy !== staffId) return { ok: false, code: 'HANDOFF.TAKEN', handoff: now };
    return { ok: true, handoff: now, already: now.claimedAt?.getTime() !== at.getTime() };
  }

  /**
   * A manager takes over a conversation that another staff member holds (or nobody yet): the
   * handoff is theirs from now on, with an audit row naming the one it was taken from.
   */
  async takeOver(ref: string, staffId: string): Promise<HandoffResult> {
    const found = await this.find(ref);
    if (!found) return { ok: false, code: 'HANDOFF.NOT_FOUND' };
    if (found.status === 'closed') return { ok: false, code: 'HANDOFF.CLOSED', handoff: found };
    const at = this.clock();
    await this.o.db.batch([
      {
        sql: "UPDATE handoffs SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND status IN ('open', 'claimed')",
        params: [staffId, at, found.id],
      },
      auditStatement({
        staffId,
        action: 'handoff.takeover',
        subjectType: 'handoff',
        subjectId: found.id,
        details: { from: found.claimedBy ?? '' },
        at,
      }),
    ]);
    const now = await this.find(found.id);
    return now ? { ok: true, handoff: now } : { ok: false, code: 'HANDOFF.NOT_FOUND' };
  }

  /**
   * Sends a staff member's words to the person, on the person's channel. A reply to an open
   * handoff claims it first. The audit row records the reply's length, not its text (the text
   * is kept with the conversation's messages).
   */
  async reply(ref: string, staffId: string, text: string): Promise<HandoffResult<{ claimedNow: boolean }>> {
    const body = text.trim();
    if (body.length === 0 || body.length > MAX_REPLY_CHARS) return { ok: false, code: 'HANDOFF.EMPTY_REPLY' };
    const claimed = await this.claim(ref, staffId);
    if (!claimed.ok) return claimed;
    const at = this.clock();
    const sent = await this.o.engine.staffReply(claimed.handoff.beneficiaryId, body, at);
    if (!sent) return { ok: false, code: 'HANDOFF.NOT_FOUND', handoff: claimed.handoff };
    await this.o.db.batch([
      auditStatement({
        staffId,
        action: 'handoff.reply',
        subjectType: 'handoff',
        subjectId: claimed.handoff.id,
        details: { chars: body.length },
        at,
      }),
    ]);
    return { ok: true, handoff: claimed.handoff, claimedNow: !claimed.already };
  }

  /**
   * Hands the conversation back to the bot: the person gets the menu, the handoff closes. A
   * conversation the person already left (they typed "menu") only has its handoff closed.
   */
  async handBack(ref: string, staffId: string): Promise<HandoffResult> {
    const found = await this.find(ref);
    if (!found) return { ok: false, code: 'HANDOFF.NOT_FOUND' };
    if (found.status === 'closed') return { ok: false, code: 'HANDOFF.CLOSED', handoff: found };
    if (found.status === 'claimed' && found.claimedBy !== staffId) return { ok: false, code: 'HANDOFF.TAKEN', handoff: found };
    const at = this.clock();
    const resumed = await this.o.engine.handBack(found.beneficiaryId, at);
    await this.o.db.batch([
      {
        sql: "UPDATE handoffs SET status = 'closed', closed_at = ? WHERE id = ? AND status IN ('open', 'claimed')",
        params: [at, found.id],
      },
      auditStatement({
        staffId,
        action: 'handoff.handback',
        subjectType: 'handoff',
        subjectId: found.id,
        details: { resumed },
        at,
      }),
    ]);
    return { ok: true, handoff: (await this.find(found.id)) ?? found };
  }

  /**
   * The conversation's recent messages, oldest first, for the staff member holding the handoff
   * only (R6: least data). Anyone else gets null.
   */
  async recentMessages(ref: string, staffId: string, limit = 20): Promise<ConversationItem[] | null> {
    const h = await this.find(ref);
    if (h?.status !== 'claimed' || h.claimedBy !== staffId) return null;
    const rows = await this.o.db.all<{ direction: string; body: string; created_at: unknown }>(
      'SELECT direction, body, created_at FROM messages WHERE beneficiary_id = ? ORDER BY id DESC LIMIT ?',
      [h.beneficiaryId, limit],
    );
    return rows.reverse().map((r) => ({
      from: r.direction === 'out' ? 'bot' : 'person',
      text: messageText(r.body),
      at: toDate(r.created_at),
    }));
  }
}

/** The readable text of a stored message body (an inbound input or an outbound message, as JSON). */
export function messageText(body: string): string {
  try {
    const m = JSON.parse(body) as {
      text?: unknown;
      kind?: unknown;
      id?: unknown;
      caption?: unknown;
      attachment?: { fileName?: unknown };
    };
    if (typeof m.text === 'string') return m.text;
    if (typeof m.caption === 'string') return m.caption;
    if (m.kind === 'choice' && typeof m.id === 'string') return `[${m.id}]`;
    if (m.kind === 'attachment' && typeof m.attachment?.fileName === 'string') return `📎 ${m.attachment.fileName}`;
    if (typeof m.kind === 'string') return `[${m.kind}]`;
  } catch {
    // fall through
  }
  return '';
}
