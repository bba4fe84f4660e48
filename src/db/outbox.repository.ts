/**
 * The outbox: every message the service sends is a row here, written in the same transaction as
 * what caused it, and sent after the commit by the dispatcher, lane by lane (one lane per channel
 * and recipient, in id order). This file is the one writer of the table: others add rows through
 * {@link outboxStatement} (inside their own transaction) or {@link enqueueOutbox}.
 *
 * Row states: `pending` (to send, not before `next_attempt_at`), `sending` (its platform call is
 * in flight; a row still `sending` after a crash is sent again, the one duplicate allowed),
 * `sent`, `dead` (given up: shown to staff with a retry button), `retried` (a dead row sent again
 * as a new row), `failed` (the person is unreachable).
 */
import { type Db, type Stmt, toDate } from './database.js';

/**
 * Channels whose messages are read from the database by the person's own client (the web chat
 * polls its history): committing the message is delivering it, so the row is born sent.
 */
const PULL_CHANNELS = new Set(['web']);

/** The statement that adds one outbox row; put it in the batch of the transaction that causes it. */
export function outboxStatement(channel: string, recipient: string, payload: object, at: Date): Stmt {
  if (PULL_CHANNELS.has(channel))
    return {
      sql: `INSERT INTO outbox (channel, recipient, payload, status, attempts, next_attempt_at, created_at, sent_at)
            VALUES (?, ?, ?, 'sent', 0, ?, ?, ?)`,
      params: [channel, recipient, JSON.stringify(payload), at, at, at],
    };
  return {
    sql: `INSERT INTO outbox (channel, recipient, payload, status, attempts, next_attempt_at, created_at)
          VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
    params: [channel, recipient, JSON.stringify(payload), at, at],
  };
}

/** Adds one outbox row in its own transaction. */
export async function enqueueOutbox(db: Db, channel: string, recipient: string, payload: object, at: Date): Promise<void> {
  await db.batch([outboxStatement(channel, recipient, payload, at)]);
}

/** One recipient's outbox: the lane key. */
export interface OutboxLane {
  channel: string;
  recipient: string;
}

/** An unsent row, parsed. */
export interface OutboxRow {
  id: number;
  channel: string;
  recipient: string;
  payload: string;
  status: 'pending' | 'sending';
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
}

/** A row shown to staff (an alert, a dead letter). */
export interface OutboxListItem {
  id: number;
  channel: string;
  recipient: string;
  status: string;
  text: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

interface RawRow {
  id: number | string;
  channel: string;
  recipient: string;
  payload: string;
  status: string;
  attempts: number | string;
  next_attempt_at: unknown;
  created_at: unknown;
  last_error?: string | null;
}

const UNSENT = "('pending', 'sending')";

/** Reads and updates outbox rows for the dispatcher and the staff console. */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /**
   * Lanes whose first unsent row is due at `now`, oldest first. A lane waiting for a retry is not
   * returned, whatever waits behind its first row.
   */
  async dueLanes(now: Date, limit = 500): Promise<OutboxLane[]> {
    return this.db.all<OutboxLane>(
      `SELECT o.channel, o.recipient FROM outbox o
        WHERE o.status IN ${UNSENT} AND o.next_attempt_at <= ?
          AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel = o.channel AND p.recipient = o.recipient
                            AND p.status IN ${UNSENT} AND p.id < o.id)
        ORDER BY o.id LIMIT ?`,
      [now, limit],
    );
  }

  /** The first unsent rows of a lane, in order (at most `limit`). */
  async unsent(lane: OutboxLane, limit = 20): Promise<OutboxRow[]> {
    const rows = await this.db.all<RawRow>(
      `SELECT id, channel, recipient, payload, status, attempts, next_attempt_at, created_at FROM outbox
        WHERE channel = ? AND recipient = ? AND status IN ${UNSENT} ORDER BY id LIMIT ?`,
      [lane.channel, lane.recipient, limit],
    );
    return rows.map(parseRow);
  }

  /** The statement that records a row's platform call as started (one more attempt). */
  sendingStatement(id: number): Stmt {
    return { sql: "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?", params: [id] };
  }

  /** The statement that records a successful send. */
  sentStatement(id: number, at: Date, platformMessageId: string | null): Stmt {
    return {
      sql: "UPDATE outbox SET status = 'sent', sent_at = ?, platform_message_id = ?, last_error = NULL WHERE id = ?",
      params: [at, platformMessageId, id],
    };
  }

  /**
   * Commits row marks, in order, each on its own: a mark is one small statement, and on SQLite a
   * direct write on this connection costs far less than a round trip to the writer thread, which
   * matters when every send waits for its mark (issue 10).
   */
  async commit(stmts: Stmt[]): Promise<void> {
    for (const s of stmts) await this.db.run(s.sql, s.params);
  }

  /** Puts a failed row back, to be tried again not before `next`. */
  async retryLater(id: number, next: Date, lastError: string): Promise<void> {
    await this.db.batch([
      {
        sql: "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
        params: [next, lastError, id],
      },
    ]);
  }

  /** Gives a row up, with the staff alert that says so (in the same transaction). */
  async deadLetter(id: number, lastError: string, alert: Stmt | null): Promise<void> {
    await this.db.batch([
      { sql: "UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ?", params: [lastError, id] },
      ...(alert ? [alert] : []),
    ]);
  }

  /**
   * The person blocked the bot (or no longer exists): the row and the rest of their lane fail at
   * once (no retry storm), and the person is marked unreachable until they write again.
   */
  async markUnreachable(row: OutboxRow, lastError: string): Promise<void> {
    await this.db.batch([
      { sql: "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?", params: [lastError, row.id] },
      {
        sql: 'UPDATE beneficiaries SET unreachable = ? WHERE channel = ? AND platform_user_id = ?',
        params: [true, row.channel, row.recipient],
      },
      {
        sql: `UPDATE outbox SET status = 'failed', last_error = 'unreachable'
               WHERE channel = ? AND recipient = ? AND status IN ${UNSENT} AND id > ?`,
        params: [row.channel, row.recipient, row.id],
      },
    ]);
  }

  /** Queues a message (the {@link OutboxPort} of the channels). */
  enqueue(channel: string, recipient: string, payload: object, at: Date): Promise<void> {
    return enqueueOutbox(this.db, channel, recipient, payload, at);
  }

  /** The newest message sent with this platform id to one of `recipients` (all when omitted). */
  async findSent(
    channel: string,
    platformMessageId: string,
    recipients?: string[],
  ): Promise<{ recipient: string; payload: string } | undefined> {
    const only = recipients?.length ? ` AND recipient IN (${recipients.map(() => '?').join(', ')})` : '';
    return this.db.get<{ recipient: string; payload: string }>(
      `SELECT recipient, payload FROM outbox WHERE channel = ? AND platform_message_id = ?${only} ORDER BY id DESC LIMIT 1`,
      [channel, platformMessageId, ...(recipients ?? [])],
    );
  }

  /**
   * Records a platform's delivery report on the message it is about, unless the row already has a
   * later status (`after` lists the statuses it may replace). Resolves with 'recorded', 'stale'
   * (a later status is there) or 'unknown' (no message with that id yet).
   */
  async recordDelivery(
    channel: string,
    platformMessageId: string,
    status: string,
    after: string[],
    lastError?: string,
  ): Promise<'recorded' | 'stale' | 'unknown'> {
    const changed = await this.db.run(
      `UPDATE outbox SET delivery_status = ?${lastError !== undefined ? ', last_error = ?' : ''}
        WHERE channel = ? AND platform_message_id = ?
          AND (delivery_status IS NULL${after.length ? ` OR delivery_status IN (${after.map(() => '?').join(', ')})` : ''})`,
      [status, ...(lastError !== undefined ? [lastError] : []), channel, platformMessageId, ...after],
    );
    if (changed > 0) return 'recorded';
    return (await this.findSent(channel, platformMessageId)) ? 'stale' : 'unknown';
  }

  /** How many rows wait to be sent (a metric). */
  async backlog(): Promise<number> {
    const r = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE status IN ${UNSENT}`);
    return Number(r?.n ?? 0);
  }

  /**
   * Staff alerts, newest first, whatever became of them on a platform: the console shows them
   * even when no staff chat is configured (dead letters, inbox failures, escalations, handoffs).
   */
  listStaffAlerts(limit = 50): Promise<OutboxListItem[]> {
    return this.list("channel = 'staff'", limit);
  }

  /** Messages given up (dead letters), newest first. */
  listDeadLetters(limit = 50): Promise<OutboxListItem[]> {
    return this.list("status = 'dead'", limit);
  }

  private async list(where: string, limit: number): Promise<OutboxListItem[]> {
    const rows = await this.db.all<RawRow>(
      `SELECT id, channel, recipient, payload, status, attempts, next_attempt_at, created_at, last_error FROM outbox
        WHERE ${where} ORDER BY id DESC LIMIT ?`,
      [limit],
    );
    return rows.map(listItem);
  }

  /**
   * Sends a dead letter again: a new row at the end of its recipient's lane (so nothing queued
   * behind is overtaken twice), the dead one marked `retried`. False when it was not dead.
   */
  async retryDeadLetter(id: number, at: Date): Promise<boolean> {
    const row = await this.db.get<RawRow>(
      "SELECT id, channel, recipient, payload, status, attempts, next_attempt_at, created_at FROM outbox WHERE id = ? AND status = 'dead'",
      [id],
    );
    if (!row) return false;
    await this.db.batch([
      { sql: "UPDATE outbox SET status = 'retried' WHERE id = ? AND status = 'dead'", params: [id] },
      outboxStatement(row.channel, row.recipient, JSON.parse(row.payload) as object, at),
    ]);
    return true;
  }
}

function parseRow(r: RawRow): OutboxRow {
  return {
    id: Number(r.id),
    channel: r.channel,
    recipient: r.recipient,
    payload: r.payload,
    status: r.status === 'sending' ? 'sending' : 'pending',
    attempts: Number(r.attempts),
    nextAttemptAt: toDate(r.next_attempt_at),
    createdAt: toDate(r.created_at),
  };
}

function listItem(r: RawRow): OutboxListItem {
  let text = '';
  try {
    const p = JSON.parse(r.payload) as { text?: unknown };
    text = typeof p.text === 'string' ? p.text : '';
  } catch {
    text = '';
  }
  return {
    id: Number(r.id),
    channel: r.channel,
    recipient: r.recipient,
    status: r.status,
    text,
    attempts: Number(r.attempts),
    lastError: r.last_error ?? null,
    createdAt: toDate(r.created_at),
  };
}
