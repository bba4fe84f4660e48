/**
 * The webhook inbox: a platform's delivery is stored here (de-duplicated by its platform id)
 * before the platform gets its 200, and processed from here chat by chat, in id order.
 * Row states: `pending` (not before `next_attempt_at` when set), `done`, `failed` (given up,
 * with a staff alert).
 */
import { type Db, type Stmt, toDate, UniqueViolation } from './database.js';

/** A stored delivery, parsed. */
export interface InboxRow {
  id: number;
  channel: string;
  chatKey: string;
  payload: string;
  attempts: number;
  nextAttemptAt: Date | null;
}

interface RawRow {
  id: number | string;
  channel: string;
  chat_key: string;
  payload: string;
  attempts: number | string;
  next_attempt_at: unknown;
}

/** Reads and updates inbox rows. */
export class InboxRepository {
  constructor(private readonly db: Db) {}

  /** Stores a delivery; 'duplicate' when the same platform id was stored before. */
  async accept(
    channel: string,
    externalId: string,
    chatKey: string,
    payload: unknown,
    at: Date,
  ): Promise<'stored' | 'duplicate'> {
    try {
      await this.db.run(
        "INSERT INTO inbox (channel, external_id, chat_key, payload, status, attempts, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?)",
        [channel, externalId, chatKey, JSON.stringify(payload), at],
      );
      return 'stored';
    } catch (e) {
      if (e instanceof UniqueViolation) return 'duplicate';
      throw e;
    }
  }

  /** Chats whose first pending delivery is due at `now`, oldest first. */
  async dueChats(now: Date, limit = 500): Promise<string[]> {
    const rows = await this.db.all<{ chat_key: string }>(
      `SELECT i.chat_key FROM inbox i
        WHERE i.status = 'pending' AND (i.next_attempt_at IS NULL OR i.next_attempt_at <= ?)
          AND NOT EXISTS (SELECT 1 FROM inbox p WHERE p.chat_key = i.chat_key AND p.status = 'pending' AND p.id < i.id)
        ORDER BY i.id LIMIT ?`,
      [now, limit],
    );
    return rows.map((r) => r.chat_key);
  }

  /** The first pending deliveries of a chat, in order (at most `limit`). */
  async pending(chatKey: string, limit = 50): Promise<InboxRow[]> {
    const rows = await this.db.all<RawRow>(
      "SELECT id, channel, chat_key, payload, attempts, next_attempt_at FROM inbox WHERE chat_key = ? AND status = 'pending' ORDER BY id LIMIT ?",
      [chatKey, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      chatKey: r.chat_key,
      payload: r.payload,
      attempts: Number(r.attempts),
      nextAttemptAt: r.next_attempt_at === null || r.next_attempt_at === undefined ? null : toDate(r.next_attempt_at),
    }));
  }

  /** Marks a delivery processed (its payload is no longer kept). */
  async markDone(id: number): Promise<void> {
    await this.db.batch([{ sql: "UPDATE inbox SET status = 'done', payload = '{}' WHERE id = ?", params: [id] }]);
  }

  /** Records a failed attempt, to be tried again not before `next`. */
  async retryLater(id: number, attempts: number, next: Date, errorName: string): Promise<void> {
    await this.db.batch([
      {
        sql: "UPDATE inbox SET attempts = ?, status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
        params: [attempts, next, errorName, id],
      },
    ]);
  }

  /** Gives a delivery up, with the staff alert that says so (in the same transaction). */
  async markFailed(id: number, attempts: number, errorName: string, alert: Stmt): Promise<void> {
    await this.db.batch([
      { sql: "UPDATE inbox SET attempts = ?, status = 'failed', last_error = ? WHERE id = ?", params: [attempts, errorName, id] },
      alert,
    ]);
  }
}
