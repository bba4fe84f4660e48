/** Ratings of the service (R8): at most one per request or complaint. */
import { randomUUID } from 'node:crypto';
import type { Stmt } from './database.js';

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
