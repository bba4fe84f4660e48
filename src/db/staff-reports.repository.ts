/**
 * The rows behind the management reports (issue 13; R8, 002 د, 004): ratings with the service they
 * rate, cases with their committee, due date and first decision, complaints with their outcome,
 * and handoffs with their wait. Aggregation happens in src/staff/reports.ts, the same on both
 * providers (no provider-specific date functions here).
 */
import { DECISIONS } from '../domain/case-lifecycle.js';
import { type Db, toDate } from './database.js';

export interface RatingFact {
  score: number;
  at: Date;
  /** 'request:<type id>' or 'complaint:<category id>', or null for a rating of no case. */
  service: string | null;
}

export interface CaseFact {
  kind: 'request' | 'complaint';
  ref: string;
  topic: string;
  committee: string;
  status: string;
  createdAt: Date;
  dueAt: Date | null;
  /** R3e: the case's own deadline kind as promised at submission. */
  deadlineKind: 'max' | 'min' | 'none';
  /** When the committee first answered (a decision of any kind), if it did. */
  answeredAt: Date | null;
}

export interface HandoffFact {
  reason: string;
  category: string;
  summary: string;
  createdAt: Date;
  claimedAt: Date | null;
}

/** The lifecycle's decisions, as an SQL list (constant values, never input). */
const DECISIONS_SQL = `(${DECISIONS.map((d) => `'${d}'`).join(', ')})`;

/** Reads the facts of a period [from, to). */
export class StaffReportsRepository {
  constructor(private readonly db: Db) {}

  async ratings(from: Date, to: Date): Promise<RatingFact[]> {
    const rows = await this.db.all<{ score: number; created_at: unknown; type_id: string | null; category: string | null }>(
      `SELECT r.score, r.created_at, q.type_id, c.category FROM ratings r
         LEFT JOIN requests q ON q.id = r.request_id LEFT JOIN complaints c ON c.id = r.complaint_id
        WHERE r.created_at >= ? AND r.created_at < ?`,
      [from, to],
    );
    return rows.map((r) => ({
      score: Number(r.score),
      at: toDate(r.created_at),
      service: r.type_id ? `request:${r.type_id}` : r.category ? `complaint:${r.category}` : null,
    }));
  }

  async cases(from: Date, to: Date): Promise<CaseFact[]> {
    const read = async (kind: 'request' | 'complaint') => {
      const table = kind === 'request' ? 'requests' : 'complaints';
      const topic = kind === 'request' ? 'type_id' : 'category';
      const col = kind === 'request' ? 'request_id' : 'complaint_id';
      const rows = await this.db.all<{
        ref: string;
        topic: string;
        committee: string;
        status: string;
        created_at: unknown;
        due_at: unknown;
        deadline_kind: unknown;
        answered_at: unknown;
      }>(
        `SELECT x.ref, x.${topic} AS topic, x.committee, x.status, x.created_at, x.due_at, x.deadline_kind,
                (SELECT MIN(e.at) FROM status_events e WHERE e.${col} = x.id AND e.status IN ${DECISIONS_SQL}) AS answered_at
           FROM ${table} x WHERE x.created_at >= ? AND x.created_at < ?`,
        [from, to],
      );
      return rows.map(
        (r): CaseFact => ({
          kind,
          ref: r.ref,
          topic: r.topic,
          committee: r.committee,
          status: r.status,
          createdAt: toDate(r.created_at),
          // R3e: the case's own deadline as promised (none has no date).
          dueAt: r.due_at === null || r.due_at === undefined || r.deadline_kind === 'none' ? null : toDate(r.due_at),
          deadlineKind: r.deadline_kind === 'within' ? 'max' : r.deadline_kind === 'notBefore' ? 'min' : 'none',
          answeredAt: r.answered_at ? toDate(r.answered_at) : null,
        }),
      );
    };
    return [...(await read('request')), ...(await read('complaint'))];
  }

  async handoffs(from: Date, to: Date): Promise<HandoffFact[]> {
    const rows = await this.db.all<{
      reason: string;
      category: string;
      summary: string;
      created_at: unknown;
      claimed_at: unknown;
    }>('SELECT reason, category, summary, created_at, claimed_at FROM handoffs WHERE created_at >= ? AND created_at < ?', [
      from,
      to,
    ]);
    return rows.map((r) => ({
      reason: r.reason,
      category: r.category,
      summary: r.summary,
      createdAt: toDate(r.created_at),
      claimedAt: r.claimed_at ? toDate(r.claimed_at) : null,
    }));
  }
}
