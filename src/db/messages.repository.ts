/**
 * Messages: every message in and out, in order. The inbound message carries the platform's id,
 * unique per channel, which is how a repeated delivery is recognised.
 */
import { z } from 'zod';
import type { Channel } from '../domain/flow-contract.js';
import { type Db, type Stmt, scoped } from './database.js';
import { col, parseRows } from './row.js';

/** Whether this platform message was already handled. */
export async function isDuplicate(db: Db, channel: Channel, platformMessageId: string): Promise<boolean> {
  const row = await db.get('SELECT id FROM messages WHERE channel = ? AND platform_message_id = ?', [channel, platformMessageId]);
  return row !== undefined;
}

/** The person's message. A racing duplicate breaks the unique (channel, platform id) here. */
export function inboundMessage(
  beneficiaryId: string,
  channel: Channel,
  m: { platformMessageId: string; kind: string; body: string },
  at: Date,
): Stmt {
  return {
    sql: `INSERT INTO messages (beneficiary_id, channel, direction, platform_message_id, kind, body, created_at)
          VALUES (?, ?, 'in', ?, ?, ?, ?)`,
    params: [beneficiaryId, channel, m.platformMessageId, m.kind, m.body, at],
  };
}

/** A message to the person (its JSON payload as rendered). */
export function outboundMessage(beneficiaryId: string, channel: Channel, payload: object, at: Date): Stmt {
  return {
    sql: `INSERT INTO messages (beneficiary_id, channel, direction, platform_message_id, kind, body, created_at)
          VALUES (?, ?, 'out', NULL, 'text', ?, ?)`,
    params: [beneficiaryId, channel, JSON.stringify(payload), at],
  };
}

const historyColumns = z.object({
  id: col.int,
  direction: z.enum(['in', 'out']),
  kind: col.text,
  body: col.text,
  created_at: col.date,
});

/** A stored message of a conversation, as the web chat shows it. */
export type HistoryMessage = z.output<typeof historyColumns>;

/** The messages of a person on `channel` after message id `afterId`, oldest first (at most `limit`). */
export async function history(db: Db, channel: Channel, userId: string, afterId: number, limit = 500): Promise<HistoryMessage[]> {
  const rows = await scoped(db).all(
    `SELECT m.id, m.direction, m.kind, m.body, m.created_at FROM messages m
       JOIN beneficiaries b ON b.id = m.beneficiary_id
      WHERE b.channel = ? AND b.platform_user_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`,
    [channel, userId, afterId, limit],
  );
  return parseRows(historyColumns, rows, 'message history');
}
