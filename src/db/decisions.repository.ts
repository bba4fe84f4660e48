/**
 * Committee decisions (R3e-h): what a decision reads (the case and the person to tell) and the
 * statements it commits together. Every statement after the status change is written only if the
 * change happened (the case is now in the new status), so a person's own answer moving the case on
 * in between leaves nothing half-written.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CaseKind } from '../domain/case-lifecycle.js';
import type { Channel } from '../domain/flow-contract.js';
import { CASE_TABLES, statusUpdate } from './case-status.js';
import { type Db, onlyIf, type Stmt } from './database.js';
import { outboundMessage } from './messages.repository.js';
import { outboxStatement } from './outbox.repository.js';
import { scheduleRatingPrompt } from './prompts.repository.js';
import { col, parseRow } from './row.js';

/** Where webhook receipts of the decisions API are recorded from. */
const RECEIPT_SOURCE = 'decisions';

/** Whether a webhook id was already processed (a replay is a no-op). */
export async function receiptSeen(db: Db, webhookId: string): Promise<boolean> {
  return (await db.get('SELECT id FROM webhook_receipts WHERE id = ?', [webhookId])) !== undefined;
}

const decisionCaseColumns = z.object({
  id: col.text,
  status: col.text,
  subject: col.text,
  beneficiary_id: col.text,
  channel: col.text,
  platform_user_id: col.text,
  language: col.text,
});

/** A case as a decision finds it, with the person to tell. */
export type DecisionCase = z.output<typeof decisionCaseColumns>;

/** The case a decision is about, or null for an unknown reference. */
export async function findDecisionCase(db: Db, kind: CaseKind, ref: string): Promise<DecisionCase | null> {
  const t = CASE_TABLES[kind];
  const row = await db.get(
    `SELECT x.id, x.status, x.${t.subject} AS subject, x.beneficiary_id, b.channel, b.platform_user_id, b.language
       FROM ${t.table} x JOIN beneficiaries b ON b.id = x.beneficiary_id WHERE x.ref = ?`,
    [ref],
  );
  return row ? parseRow(decisionCaseColumns, row, 'case for a decision') : null;
}

/** The status a case is in now, or null for an unknown reference. */
export async function caseStatus(db: Db, kind: CaseKind, ref: string): Promise<string | null> {
  const row = await db.get(`SELECT status FROM ${CASE_TABLES[kind].table} WHERE ref = ?`, [ref]);
  return row ? parseRow(z.object({ status: col.text }), row, 'case status').status : null;
}

/** One decision to write. */
export interface DecisionWrite {
  kind: CaseKind;
  ref: string;
  /** The status read before, and the one the lifecycle moves it to. */
  from: string;
  to: string;
  note: string | null;
  decidedAt: Date;
  /** Who decided: 'back_office', or 'staff:<login>' from the console. */
  actor: string;
  webhookId: string;
  /** The notification to the person (rendered), on their channel. */
  notify: { beneficiaryId: string; channel: Channel; recipient: string; message: object };
  /** R8: when the rating prompt is due, after a service; null for no prompt. */
  ratingDueAt: Date | null;
}

/** The statements of one decision, each after the status change written only if it happened. */
export function decisionStatements(d: DecisionWrite, now: Date): Stmt[] {
  const t = CASE_TABLES[d.kind];
  const moved: Stmt = { sql: `SELECT 1 FROM ${t.table} WHERE ref = ? AND status = ?`, params: [d.ref, d.to] };
  const stmts: Stmt[] = [
    statusUpdate({ kind: d.kind, ref: d.ref, from: d.from, to: d.to, at: now, set: { decision_note: d.note } }),
    {
      sql: `INSERT INTO status_events (id, ${t.col}, status, note, actor, at)
            SELECT ?, id, ?, ?, ?, ? FROM ${t.table} WHERE ref = ? AND status = ?`,
      params: [randomUUID(), d.to, d.note, d.actor, d.decidedAt, d.ref, d.to],
    },
    onlyIf(
      {
        sql: 'INSERT INTO webhook_receipts (id, source, received_at) VALUES (?, ?, ?)',
        params: [d.webhookId, RECEIPT_SOURCE, now],
      },
      moved,
    ),
    onlyIf(outboundMessage(d.notify.beneficiaryId, d.notify.channel, d.notify.message, now), moved),
    onlyIf(outboxStatement(d.notify.channel, d.notify.recipient, d.notify.message, now), moved),
  ];
  if (d.ratingDueAt) stmts.push(scheduleRatingPrompt({ kind: d.kind, ref: d.ref, whileStatus: d.to, dueAt: d.ratingDueAt }, now));
  return stmts;
}
