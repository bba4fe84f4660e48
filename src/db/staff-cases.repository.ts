/**
 * The staff side of a case (issue 13): the whole request or complaint as the console shows it,
 * and what staff add to it: verification rows, internal notes, the assignment, compensation steps,
 * complaint alerts. Rows are parsed at the boundary.
 */
import { randomUUID } from 'node:crypto';
import { type Deadline, ruleFromColumns } from '../domain/deadline.js';
import { type Db, type Stmt, toDate } from './database.js';

/** A request or complaint with its person's channel. */
export interface CaseRecord {
  kind: 'request' | 'complaint';
  id: string;
  ref: string;
  /** Request type id or complaint category id. */
  topic: string;
  status: string;
  committee: string;
  channel: string;
  /** The form's answers (requests) or the complaint's details (harm, amount, attachment), parsed. */
  data: Record<string, unknown>;
  eligibility: unknown;
  /** The complaint's description (empty for requests). */
  description: string;
  decisionNote: string | null;
  /** R3e: the committee's answer time as promised to the person, and the date it gives (null: none). */
  deadline: Deadline;
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  beneficiaryId: string;
  language: string;
}

/** One status of the history. */
export interface StatusEventRow {
  status: string;
  note: string | null;
  actor: string;
  at: Date;
}

/** A message of the conversation. */
export interface TranscriptRow {
  direction: 'in' | 'out';
  body: string;
  at: Date;
}

/** Something a staff member recorded, with who and when. */
export interface StaffEntry {
  id: string;
  accountId: string;
  /** The account's display name (or its id when the account is gone). */
  by: string;
  at: Date;
}

export interface NoteRow extends StaffEntry {
  text: string;
}

export interface VerificationRow extends StaffEntry {
  field: string;
  result: 'matched' | 'mismatch';
  note: string | null;
}

export interface CompensationStepRow extends StaffEntry {
  step: string;
  details: Record<string, unknown>;
}

function parseObject(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseAny(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const BY = `COALESCE((SELECT a.name FROM staff_accounts a WHERE a.id = x.account_id), x.account_id)`;

/** The SQL of the console's case pages. */
export class StaffCasesRepository {
  constructor(private readonly db: Db) {}

  /** A request (`R-…`) or complaint (`C-…`) by reference. */
  async byRef(ref: string): Promise<CaseRecord | null> {
    const kind = ref.startsWith('C-') ? 'complaint' : ref.startsWith('R-') ? 'request' : null;
    if (!kind) return null;
    const sql =
      kind === 'request'
        ? `SELECT x.id, x.ref, x.type_id AS topic, x.status, x.committee, x.channel, x.data, x.eligibility, '' AS description,
                  x.decision_note, x.deadline_kind, x.deadline_days, x.deadline_unit, x.deadline_from, x.due_at,
                  x.created_at, x.updated_at, x.beneficiary_id, b.language
             FROM requests x JOIN beneficiaries b ON b.id = x.beneficiary_id WHERE x.ref = ?`
        : `SELECT x.id, x.ref, x.category AS topic, x.status, x.committee, x.channel, x.data, NULL AS eligibility, x.description,
                  x.decision_note, x.deadline_kind, x.deadline_days, x.deadline_unit, x.deadline_from, x.due_at,
                  x.created_at, x.updated_at, x.beneficiary_id, b.language
             FROM complaints x JOIN beneficiaries b ON b.id = x.beneficiary_id WHERE x.ref = ?`;
    const r = await this.db.get<Record<string, unknown>>(sql, [ref]);
    if (!r) return null;
    return {
      kind,
      id: String(r.id),
      ref: String(r.ref),
      topic: String(r.topic),
      status: String(r.status),
      committee: String(r.committee),
      channel: String(r.channel),
      data: parseObject(r.data),
      eligibility: parseAny(r.eligibility),
      description: typeof r.description === 'string' ? r.description : '',
      decisionNote: typeof r.decision_note === 'string' ? r.decision_note : null,
      deadline: ruleFromColumns(r.deadline_kind, r.deadline_days, r.deadline_unit, r.deadline_from),
      dueAt: r.due_at === null || r.due_at === undefined ? null : toDate(r.due_at),
      createdAt: toDate(r.created_at),
      updatedAt: toDate(r.updated_at),
      beneficiaryId: String(r.beneficiary_id),
      language: String(r.language ?? 'ar'),
    };
  }

  async history(c: CaseRecord): Promise<StatusEventRow[]> {
    const col = c.kind === 'request' ? 'request_id' : 'complaint_id';
    const rows = await this.db.all<{ status: string; note: string | null; actor: string; at: unknown }>(
      `SELECT status, note, actor, at FROM status_events WHERE ${col} = ? ORDER BY at, id`,
      [c.id],
    );
    return rows.map((r) => ({ status: r.status, note: r.note, actor: r.actor, at: toDate(r.at) }));
  }

  async attestation(c: CaseRecord): Promise<{ language: string; text: string; acceptedAt: Date } | null> {
    if (c.kind !== 'request') return null;
    const r = await this.db.get<{ language: string; text: string; accepted_at: unknown }>(
      'SELECT language, text, accepted_at FROM attestations WHERE request_id = ? ORDER BY accepted_at DESC LIMIT 1',
      [c.id],
    );
    return r ? { language: r.language, text: r.text, acceptedAt: toDate(r.accepted_at) } : null;
  }

  /** The person's conversation, oldest first (the most recent `limit` messages). */
  async transcript(beneficiaryId: string, limit = 200): Promise<TranscriptRow[]> {
    const rows = await this.db.all<{ direction: string; body: string; created_at: unknown }>(
      'SELECT direction, body, created_at FROM messages WHERE beneficiary_id = ? ORDER BY id DESC LIMIT ?',
      [beneficiaryId, limit],
    );
    return rows
      .reverse()
      .map((r) => ({ direction: r.direction === 'out' ? 'out' : 'in', body: r.body, at: toDate(r.created_at) }));
  }

  async assignment(ref: string): Promise<{ accountId: string; by: string; at: Date } | null> {
    const r = await this.db.get<{ account_id: string; assigned_by: string; at: unknown }>(
      'SELECT account_id, assigned_by, at FROM case_assignments WHERE case_ref = ?',
      [ref],
    );
    return r ? { accountId: r.account_id, by: r.assigned_by, at: toDate(r.at) } : null;
  }

  /** The statements that assign a case to an account (replacing any earlier assignment). */
  assignStatements(ref: string, accountId: string, by: string, at: Date): Stmt[] {
    return [
      { sql: 'DELETE FROM case_assignments WHERE case_ref = ?', params: [ref] },
      {
        sql: 'INSERT INTO case_assignments (case_ref, account_id, assigned_by, at) VALUES (?, ?, ?, ?)',
        params: [ref, accountId, by, at],
      },
    ];
  }

  async notes(ref: string): Promise<NoteRow[]> {
    const rows = await this.db.all<{ id: string; account_id: string; by: string; text: string; at: unknown }>(
      `SELECT x.id, x.account_id, ${BY} AS by, x.text, x.at FROM case_notes x WHERE x.case_ref = ? ORDER BY x.at, x.id`,
      [ref],
    );
    return rows.map((r) => ({ id: r.id, accountId: r.account_id, by: r.by, text: r.text, at: toDate(r.at) }));
  }

  noteStatement(ref: string, accountId: string, text: string, at: Date): Stmt {
    return {
      sql: 'INSERT INTO case_notes (id, case_ref, account_id, text, at) VALUES (?, ?, ?, ?, ?)',
      params: [randomUUID(), ref, accountId, text, at],
    };
  }

  async verifications(ref: string): Promise<VerificationRow[]> {
    const rows = await this.db.all<{
      id: string;
      account_id: string;
      by: string;
      field: string;
      result: string;
      note: string | null;
      at: unknown;
    }>(
      `SELECT x.id, x.account_id, ${BY} AS by, x.field, x.result, x.note, x.at FROM case_verifications x
        WHERE x.case_ref = ? ORDER BY x.at, x.id`,
      [ref],
    );
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      by: r.by,
      field: r.field,
      result: r.result === 'matched' ? 'matched' : 'mismatch',
      note: r.note,
      at: toDate(r.at),
    }));
  }

  verificationStatement(
    ref: string,
    field: string,
    result: 'matched' | 'mismatch',
    note: string | null,
    accountId: string,
    at: Date,
  ): Stmt {
    return {
      sql: 'INSERT INTO case_verifications (id, case_ref, field, result, note, account_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      params: [randomUUID(), ref, field, result, note, accountId, at],
    };
  }

  async compensationSteps(ref: string): Promise<CompensationStepRow[]> {
    const rows = await this.db.all<{ id: string; account_id: string; by: string; step: string; details: string; at: unknown }>(
      `SELECT x.id, x.account_id, ${BY} AS by, x.step, x.details, x.at FROM compensation_steps x
        WHERE x.complaint_ref = ? ORDER BY x.at, x.id`,
      [ref],
    );
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      by: r.by,
      step: r.step,
      details: parseObject(r.details),
      at: toDate(r.at),
    }));
  }

  compensationStatement(ref: string, step: string, details: Record<string, unknown>, accountId: string, at: Date): Stmt {
    return {
      sql: 'INSERT INTO compensation_steps (id, complaint_ref, step, details, account_id, at) VALUES (?, ?, ?, ?, ?, ?)',
      params: [randomUUID(), ref, step, JSON.stringify(details), accountId, at],
    };
  }

  /** The person's channel and address, for a message staff send them directly. */
  async contact(beneficiaryId: string): Promise<{ channel: string; userId: string; language: string } | null> {
    const r = await this.db.get<{ channel: string; platform_user_id: string; language: string }>(
      'SELECT channel, platform_user_id, language FROM beneficiaries WHERE id = ?',
      [beneficiaryId],
    );
    return r ? { channel: r.channel, userId: r.platform_user_id, language: r.language } : null;
  }

  /** Runs statements in one transaction. */
  batch(stmts: Stmt[]): Promise<void> {
    return this.db.batch(stmts);
  }
}

/** A complaint waiting for its alert at submission. */
export interface NewComplaintRow {
  id: string;
  ref: string;
  category: string;
  committee: string;
  channel: string;
  description: string;
  createdAt: Date;
}

/** The complaint alerts at submission (src/staff/complaint.watcher.ts) and their seen mark. */
export class ComplaintAlertsRepository {
  constructor(private readonly db: Db) {}

  /** Complaints submitted since `since` that were not alerted yet, oldest first. */
  async unalerted(since: Date, limit = 100): Promise<NewComplaintRow[]> {
    const rows = await this.db.all<{
      id: string;
      ref: string;
      category: string;
      committee: string;
      channel: string;
      description: string;
      created_at: unknown;
    }>(
      `SELECT c.id, c.ref, c.category, c.committee, c.channel, c.description, c.created_at
         FROM complaints c LEFT JOIN complaint_alerts a ON a.complaint_id = c.id
        WHERE a.complaint_id IS NULL AND c.created_at >= ? ORDER BY c.created_at, c.id LIMIT ?`,
      [since, limit],
    );
    return rows.map((r) => ({ ...r, createdAt: toDate(r.created_at) }));
  }

  /**
   * Marks a complaint alerted and queues the alert, the alert only when this run's mark took (two
   * instances never alert twice).
   */
  async alert(complaintId: string, recipient: string, payload: object, now: Date): Promise<boolean> {
    await this.db.batch([
      {
        sql: 'INSERT INTO complaint_alerts (complaint_id, alerted_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
        params: [complaintId, now],
      },
      {
        sql: `INSERT INTO outbox (channel, recipient, payload, status, attempts, next_attempt_at, created_at)
              SELECT 'staff', ?, ?, 'pending', 0, ?, ? WHERE EXISTS (SELECT 1 FROM complaint_alerts WHERE complaint_id = ? AND alerted_at = ?)`,
        params: [recipient, JSON.stringify(payload), now, now, complaintId, now],
      },
    ]);
    const r = await this.db.get<{ at: unknown }>('SELECT alerted_at AS at FROM complaint_alerts WHERE complaint_id = ?', [
      complaintId,
    ]);
    return r?.at !== undefined && toDate(r.at).getTime() === now.getTime();
  }

  /** Alerted complaints nobody opened in the console yet, newest first. */
  async unseen(limit = 50): Promise<{ ref: string; category: string; committee: string; alertedAt: Date }[]> {
    const rows = await this.db.all<{ ref: string; category: string; committee: string; alerted_at: unknown }>(
      `SELECT c.ref, c.category, c.committee, a.alerted_at FROM complaint_alerts a JOIN complaints c ON c.id = a.complaint_id
        WHERE a.seen_at IS NULL ORDER BY a.alerted_at DESC LIMIT ?`,
      [limit],
    );
    return rows.map((r) => ({ ref: r.ref, category: r.category, committee: r.committee, alertedAt: toDate(r.alerted_at) }));
  }

  /** The console opened the complaint. */
  async markSeen(ref: string, at: Date): Promise<void> {
    await this.db.run(
      'UPDATE complaint_alerts SET seen_at = ? WHERE seen_at IS NULL AND complaint_id = (SELECT id FROM complaints WHERE ref = ?)',
      [at, ref],
    );
  }
}
