/**
 * The person's own requests and complaints, as the dialogues read them (R3h). Every query is
 * scoped by beneficiary id: nobody sees anyone else's case.
 */
import type { CaseSummary } from '../../flows/types.js';
import type { Profile } from '../domain/profile.js';
import type { LocalText } from '../domain/text.js';
import { type Db, scoped, toIso } from './database.js';

/** Statuses after which a request is no longer open. */
export const CLOSED_STATUSES = ['rejected', 'served', 'closed', 'resolved'] as const;

interface CaseRow {
  id: string;
  ref: string;
  kind: 'request' | 'complaint';
  title_id: string;
  status: string;
  committee: string;
  created_at: unknown;
  due_at: unknown;
  decision_note: string | null;
  rated: unknown;
}

const SELECT_REQUESTS = `SELECT r.id, r.ref, 'request' AS kind, r.type_id AS title_id, r.status, r.committee, r.created_at, r.due_at,
  r.decision_note, (SELECT COUNT(*) FROM ratings x WHERE x.request_id = r.id) AS rated FROM requests r`;
const SELECT_COMPLAINTS = `SELECT c.id, c.ref, 'complaint' AS kind, c.category AS title_id, c.status, c.committee, c.created_at, c.due_at,
  c.decision_note, (SELECT COUNT(*) FROM ratings x WHERE x.complaint_id = c.id) AS rated FROM complaints c`;

/** Reads cases for the dialogues. */
export class CaseRepository {
  constructor(
    private readonly db: Db,
    private readonly profile: Profile,
  ) {}

  /** The person's cases, newest first (at most 20). */
  async list(beneficiaryId: string): Promise<CaseSummary[]> {
    const rows = await scoped(this.db).all<CaseRow>(
      `SELECT * FROM (${SELECT_REQUESTS} WHERE r.beneficiary_id = ? UNION ALL ${SELECT_COMPLAINTS} WHERE c.beneficiary_id = ?) u
        ORDER BY created_at DESC LIMIT 20`,
      [beneficiaryId, beneficiaryId],
    );
    return Promise.all(rows.map((r) => this.toSummary(r)));
  }

  /** One of the person's cases by reference, or null when unknown or someone else's. */
  async get(beneficiaryId: string, ref: string): Promise<CaseSummary | null> {
    const table = ref.startsWith('C') ? SELECT_COMPLAINTS : SELECT_REQUESTS;
    const alias = ref.startsWith('C') ? 'c' : 'r';
    const row = await scoped(this.db).get<CaseRow>(`${table} WHERE ${alias}.ref = ? AND ${alias}.beneficiary_id = ?`, [
      ref,
      beneficiaryId,
    ]);
    return row ? this.toSummary(row) : null;
  }

  /** An open request of this type, if the person has one. */
  async findOpenRequest(beneficiaryId: string, typeId: string): Promise<CaseSummary | null> {
    const placeholders = CLOSED_STATUSES.map(() => '?').join(', ');
    const row = await scoped(this.db).get<CaseRow>(
      `${SELECT_REQUESTS} WHERE r.beneficiary_id = ? AND r.type_id = ? AND r.status NOT IN (${placeholders}) ORDER BY r.created_at DESC LIMIT 1`,
      [beneficiaryId, typeId, ...CLOSED_STATUSES],
    );
    return row ? this.toSummary(row) : null;
  }

  private async toSummary(r: CaseRow): Promise<CaseSummary> {
    const col = r.kind === 'request' ? 'request_id' : 'complaint_id';
    const history = await scoped(this.db).all<{ status: string; at: unknown; note: string | null; actor: string }>(
      `SELECT status, at, note, actor FROM status_events WHERE ${col} = ? ORDER BY at`,
      [r.id],
    );
    const summary: CaseSummary = {
      ref: r.ref,
      kind: r.kind,
      title: this.title(r),
      status: r.status,
      committee: this.profile.committees.find((c) => c.id === r.committee)?.name ?? { ar: r.committee, en: r.committee },
      createdAt: toIso(r.created_at) ?? '',
      dueAt: toIso(r.due_at) ?? '',
      // Notes written by the person themselves (supplied information) are not shown back as decisions.
      history: history.map((h) => ({
        status: h.status,
        at: toIso(h.at) ?? '',
        ...(h.note && h.actor !== 'beneficiary' ? { note: h.note } : {}),
      })),
      rated: Number(r.rated) > 0,
    };
    if (r.decision_note) summary.decisionNote = r.decision_note;
    return summary;
  }

  private title(r: CaseRow): LocalText {
    if (r.kind === 'request')
      return this.profile.requestTypes.find((t) => t.id === r.title_id)?.name ?? { ar: r.title_id, en: r.title_id };
    return this.profile.complaintCategories.find((c) => c.id === r.title_id)?.name ?? { ar: r.title_id, en: r.title_id };
  }
}
