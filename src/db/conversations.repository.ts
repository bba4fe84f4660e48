/**
 * Conversations: one row per person holding the active dialogue's persisted snapshot. The engine
 * encodes and decodes its session state (src/engine/session-codec.ts); this repository stores the
 * encoded record and reads it back parsed.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Stmt } from './database.js';
import { col, parseRow } from './row.js';

/** The stored columns of a conversation (as the LEFT JOIN in beneficiaries.repository.ts reads them). */
export const conversationColumns = z.object({
  flow_id: col.textOrNull,
  flow_version: col.intOrNull,
  snapshot: col.textOrNull,
  mode: col.textOrNull,
  suspended: col.textOrNull,
});

/** A conversation as stored: the flow, its version, the encoded snapshot and the suspended flow. */
export interface ConversationRecord {
  flowId: string;
  flowVersion: number;
  /** JSON written by the engine's session codec. */
  snapshot: string;
  /** JSON of the interrupted dialogue, or null. */
  suspended: string | null;
  mode: string;
}

/** The record of a joined row, or null when the person has no conversation yet. */
export function toConversation(row: z.output<typeof conversationColumns>): ConversationRecord | null {
  if (row.flow_id === null || row.snapshot === null) return null;
  return {
    flowId: row.flow_id,
    flowVersion: row.flow_version ?? 0,
    snapshot: row.snapshot,
    suspended: row.suspended,
    mode: row.mode ?? 'bot',
  };
}

/** Creates or replaces the person's conversation. */
export function saveConversation(beneficiaryId: string, c: ConversationRecord, at: Date): Stmt {
  return {
    sql: `INSERT INTO conversations (id, beneficiary_id, flow_id, flow_version, snapshot, suspended, mode, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (beneficiary_id) DO UPDATE SET flow_id = excluded.flow_id, flow_version = excluded.flow_version,
            snapshot = excluded.snapshot, suspended = excluded.suspended, mode = excluded.mode, updated_at = excluded.updated_at`,
    params: [randomUUID(), beneficiaryId, c.flowId, c.flowVersion, c.snapshot, c.suspended, c.mode, at, at],
  };
}

/**
 * People with an idle conversation at the menu, in multi-row inserts (the benchmark stores many
 * conversations "as if they had happened" to measure memory against size).
 */
export function seedIdleConversations(ids: string[], at: Date): Stmt[] {
  return [
    {
      sql: `INSERT INTO beneficiaries (id, channel, platform_user_id, language, opted_out, unreachable, created_at, updated_at) VALUES ${ids
        .map(() => '(?, ?, ?, ?, ?, ?, ?, ?)')
        .join(', ')}`,
      params: ids.flatMap((id) => [id, 'web', `seed-${id}`, 'ar', false, false, at, at]),
    },
    {
      sql: `INSERT INTO conversations (id, beneficiary_id, flow_id, flow_version, snapshot, mode, created_at, updated_at) VALUES ${ids
        .map(() => '(?, ?, ?, ?, ?, ?, ?, ?)')
        .join(', ')}`,
      params: ids.flatMap((id) => [`${id}-c`, id, 'menu', 1, '{"s":null,"c":[]}', 'bot', at, at]),
    },
  ];
}

/** How many conversations are stored. */
export async function countConversations(db: Db): Promise<number> {
  const row = await db.get('SELECT COUNT(*) AS n FROM conversations WHERE flow_id IS NOT NULL');
  return parseRow(z.object({ n: col.int }), row, 'conversation count').n;
}
