/** Ratings of the service (R8): at most one per request or complaint. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Stmt } from './database.js';
import { LOW_RATING_ALERT } from './prompts.repository.js';
import { col, parseRows } from './row.js';

/**
 * A rating, of a named case or of the service in general. A second rating of the same case is
 * ignored (the unique request/complaint id), and only the person's own case can be rated.
 */
export function createRating(
  r: {
    beneficiaryId: string;
    target: { kind: 'request' | 'complaint'; ref: string } | null;
    score: number;
    comment: string | null;
  },
  at: Date,
): Stmt {
  const id = randomUUID();
  if (!r.target)
    return {
      sql: 'INSERT INTO ratings (id, beneficiary_id, score, comment, created_at) VALUES (?, ?, ?, ?, ?)',
      params: [id, r.beneficiaryId, r.score, r.comment, at],
    };
  const table = r.target.kind === 'request' ? 'requests' : 'complaints';
  const fk = r.target.kind === 'request' ? 'request_id' : 'complaint_id';
  return {
    sql: `INSERT INTO ratings (id, beneficiary_id, ${fk}, score, comment, created_at)
          SELECT ?, ?, id, ?, ?, ? FROM ${table} WHERE ref = ? AND beneficiary_id = ?
          ON CONFLICT DO NOTHING`,
    params: [id, r.beneficiaryId, r.score, r.comment, at, r.target.ref, r.beneficiaryId],
  };
}

const lowRatingColumns = z.object({
  id: col.text,
  score: col.int,
  beneficiary_id: col.text,
  request_id: col.textOrNull,
  complaint_id: col.textOrNull,
  request_ref: col.textOrNull,
  type_id: col.textOrNull,
  complaint_ref: col.textOrNull,
  category: col.textOrNull,
});

/** A rating at or below a score, with the service it rates, not alerted yet. */
export interface LowRating {
  id: string;
  score: number;
  beneficiaryId: string;
  requestId: string | null;
  complaintId: string | null;
  target: { kind: 'request' | 'complaint'; ref: string; subject: string } | null;
}

/** Ratings of at most `maxScore` not alerted yet (no low-rating record), oldest first. */
export async function unalertedLowRatings(db: Db, maxScore: number, limit: number): Promise<LowRating[]> {
  const rows = await db.all(
    `SELECT x.id, x.score, x.beneficiary_id, x.request_id, x.complaint_id,
            r.ref AS request_ref, r.type_id, c.ref AS complaint_ref, c.category
       FROM ratings x
       LEFT JOIN requests r ON r.id = x.request_id
       LEFT JOIN complaints c ON c.id = x.complaint_id
      WHERE x.score <= ? AND NOT EXISTS (SELECT 1 FROM prompts p WHERE p.id = '${LOW_RATING_ALERT}:' || x.id)
      ORDER BY x.created_at LIMIT ?`,
    [maxScore, limit],
  );
  return parseRows(lowRatingColumns, rows, 'low ratings').map((r) => ({
    id: r.id,
    score: r.score,
    beneficiaryId: r.beneficiary_id,
    requestId: r.request_id,
    complaintId: r.complaint_id,
    target:
      r.request_ref && r.type_id
        ? { kind: 'request', ref: r.request_ref, subject: r.type_id }
        : r.complaint_ref && r.category
          ? { kind: 'complaint', ref: r.complaint_ref, subject: r.category }
          : null,
  }));
}
