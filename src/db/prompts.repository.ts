/**
 * Prompts: messages the bot sends on its own initiative later (R8 rating prompts and their one
 * reminder), and the record that a low rating was alerted. One row per service and kind, so
 * nothing is sent twice.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CaseKind } from '../domain/case-lifecycle.js';
import { CASE_TABLES } from './case-status.js';
import { type ConversationRecord, conversationColumns, toConversation } from './conversations.repository.js';
import type { Db, Stmt } from './database.js';
import { col, parseRows } from './row.js';

/**
 * The rating prompt of a service, due at `dueAt`; written only while the case is in `whileStatus`
 * (the decision that served it happened), and once per service.
 */
export function scheduleRatingPrompt(p: { kind: CaseKind; ref: string; whileStatus: string; dueAt: Date }, now: Date): Stmt {
  const t = CASE_TABLES[p.kind];
  return {
    sql: `INSERT INTO prompts (id, kind, beneficiary_id, ${t.col}, status, due_at, created_at)
          SELECT ?, 'rating', beneficiary_id, id, 'scheduled', ?, ? FROM ${t.table} WHERE ref = ? AND status = ?
          ON CONFLICT DO NOTHING`,
    params: [randomUUID(), p.dueAt, now, p.ref, p.whileStatus],
  };
}

/** Closes the rating prompts of services rated meanwhile; resolves with how many. */
export async function closeAnsweredPrompts(db: Db): Promise<number> {
  return db.run(
    `UPDATE prompts SET status = 'answered'
      WHERE kind = 'rating' AND status IN ('scheduled', 'sent', 'reminded')
        AND (EXISTS (SELECT 1 FROM ratings x WHERE x.request_id = prompts.request_id)
          OR EXISTS (SELECT 1 FROM ratings x WHERE x.complaint_id = prompts.complaint_id))`,
  );
}

const duePromptColumns = conversationColumns.extend({
  id: col.text,
  status: z.enum(['scheduled', 'sent']),
  beneficiary_id: col.text,
  request_ref: col.textOrNull,
  type_id: col.textOrNull,
  complaint_ref: col.textOrNull,
  category: col.textOrNull,
  opted_out: col.bool,
  unreachable: col.bool,
  channel: col.text,
  platform_user_id: col.text,
  language: col.text,
});

/** A rating prompt due now, with the service it is about and the person it goes to. */
export interface DuePrompt {
  id: string;
  /** 'scheduled': the first prompt is due; 'sent': the reminder is due. */
  status: 'scheduled' | 'sent';
  beneficiaryId: string;
  target: { kind: CaseKind; ref: string; subject: string } | null;
  person: { optedOut: boolean; unreachable: boolean; channel: string; userId: string; language: string };
  conversation: ConversationRecord | null;
}

/** First prompts due at `now` and reminders of prompts sent before `remindBefore`, oldest first. */
export async function duePrompts(db: Db, now: Date, remindBefore: Date, limit: number): Promise<DuePrompt[]> {
  const rows = await db.all(
    `SELECT p.id, p.status, p.beneficiary_id, r.ref AS request_ref, r.type_id, c.ref AS complaint_ref, c.category,
            b.opted_out, b.unreachable, b.channel, b.platform_user_id, b.language,
            cv.flow_id, cv.flow_version, cv.snapshot, cv.mode, cv.suspended
       FROM prompts p
       JOIN beneficiaries b ON b.id = p.beneficiary_id
       LEFT JOIN requests r ON r.id = p.request_id
       LEFT JOIN complaints c ON c.id = p.complaint_id
       LEFT JOIN conversations cv ON cv.beneficiary_id = p.beneficiary_id
      WHERE p.kind = 'rating'
        AND ((p.status = 'scheduled' AND p.due_at <= ?) OR (p.status = 'sent' AND p.sent_at <= ?))
      ORDER BY p.due_at, p.id LIMIT ?`,
    [now, remindBefore, limit],
  );
  return parseRows(duePromptColumns, rows, 'due prompts').map((p) => ({
    id: p.id,
    status: p.status,
    beneficiaryId: p.beneficiary_id,
    target:
      p.request_ref && p.type_id
        ? { kind: 'request', ref: p.request_ref, subject: p.type_id }
        : p.complaint_ref && p.category
          ? { kind: 'complaint', ref: p.complaint_ref, subject: p.category }
          : null,
    person: {
      optedOut: p.opted_out,
      unreachable: p.unreachable,
      channel: p.channel,
      userId: p.platform_user_id,
      language: p.language,
    },
    conversation: toConversation(p),
  }));
}

/** The prompt will not be sent (opted out, unreachable, no service); 1 when it was still `status`. */
export async function skipPrompt(db: Db, id: string, status: string): Promise<number> {
  return db.run("UPDATE prompts SET status = 'skipped' WHERE id = ? AND status = ?", [id, status]);
}

/** Marks the first prompt sent (in the transaction that sends it). */
export function markPromptSent(id: string, now: Date): Stmt {
  return { sql: "UPDATE prompts SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'scheduled'", params: [now, id] };
}

/** Marks the reminder sent (in the transaction that sends it). */
export function markPromptReminded(id: string, now: Date): Stmt {
  return { sql: "UPDATE prompts SET status = 'reminded', reminded_at = ? WHERE id = ? AND status = 'sent'", params: [now, id] };
}

/** Kind of the prompts row recording that a low rating was alerted. */
export const LOW_RATING_ALERT = 'low_rating_alert';

/** Records that a low rating was alerted (its id names the rating: a second record breaks the key). */
export function recordLowRatingAlert(
  r: { ratingId: string; beneficiaryId: string; requestId: string | null; complaintId: string | null },
  now: Date,
): Stmt {
  return {
    sql: `INSERT INTO prompts (id, kind, beneficiary_id, request_id, complaint_id, status, due_at, sent_at, created_at)
          VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, ?)`,
    params: [`${LOW_RATING_ALERT}:${r.ratingId}`, LOW_RATING_ALERT, r.beneficiaryId, r.requestId, r.complaintId, now, now, now],
  };
}
