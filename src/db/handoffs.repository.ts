/**
 * Handoffs: a conversation handed to a staff member (R3c, R7). The engine opens and closes them
 * within a turn; the staff side claims and answers them.
 */
import { z } from 'zod';
import { type Db, type Stmt, scoped } from './database.js';
import { col, parseRow } from './row.js';

/** A new open handoff with its case summary (no national ID, no full phone). */
export function openHandoff(
  h: { id: string; beneficiaryId: string; reason: string; category: string; summary: Record<string, string | number> },
  at: Date,
): Stmt {
  return {
    sql: `INSERT INTO handoffs (id, beneficiary_id, reason, category, status, summary, created_at) VALUES (?, ?, ?, ?, 'open', ?, ?)`,
    params: [h.id, h.beneficiaryId, h.reason, h.category, JSON.stringify(h.summary), at],
  };
}

/** Closes the person's open or claimed handoffs (the conversation is back with the bot). */
export function closeHandoffsOf(beneficiaryId: string, at: Date): Stmt {
  return {
    sql: "UPDATE handoffs SET status = 'closed', closed_at = ? WHERE beneficiary_id = ? AND status IN ('open', 'claimed')",
    params: [at, beneficiaryId],
  };
}

const heldColumns = z.object({ id: col.text, category: col.text });

/** The handoff the person is in now (the newest open or claimed one), if any. */
export async function currentHandoff(db: Db, beneficiaryId: string): Promise<{ id: string; category: string } | null> {
  const row = await scoped(db).get(
    "SELECT id, category FROM handoffs WHERE beneficiary_id = ? AND status IN ('open', 'claimed') ORDER BY created_at DESC LIMIT 1",
    [beneficiaryId],
  );
  return row ? parseRow(heldColumns, row, 'current handoff') : null;
}
