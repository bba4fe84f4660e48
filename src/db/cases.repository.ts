/**
 * The person's own requests and complaints, as the dialogues read them (R3h). Every query is
 * scoped by beneficiary id: nobody sees anyone else's case.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { requireNext, statusesWith } from '../domain/case-lifecycle.js';
import { type Deadline, ruleFromColumns } from '../domain/deadline.js';
import type { CaseSummary } from '../domain/flow-contract.js';
import type { Profile } from '../domain/profile.js';
import type { LocalText } from '../domain/text.js';
import { DEADLINE_COLUMNS, deadlineValues, statusUpdate } from './case-status.js';
import { type Db, type Stmt, scoped } from './database.js';
import { col, parseRow, parseRows } from './row.js';

/** Statuses in which a request is still open (R3f-g: a service may still follow), from the lifecycle. */
const OPEN_REQUEST_STATUSES = statusesWith('request', 'open');

const caseColumns = z.object({
  id: col.text,
  ref: col.text,
  kind: z.enum(['request', 'complaint']),
  title_id: col.text,
  status: col.text,
  committee: col.text,
  created_at: col.date,
  // Read as stored; the domain's ruleFromColumns checks them.
  deadline_kind: z.unknown(),
  deadline_days: z.unknown(),
  deadline_unit: z.unknown(),
  deadline_from: z.unknown(),
  due_at: col.dateOrNull,
  decision_note: col.textOrNull,
  rated: col.int,
});
type CaseRow = z.output<typeof caseColumns>;

const historyColumns = z.object({
  request_id: col.textOrNull,
  complaint_id: col.textOrNull,
  status: col.text,
  at: col.date,
  note: col.textOrNull,
  actor: col.text,
});

const SELECT_REQUESTS = `SELECT r.id, r.ref, 'request' AS kind, r.type_id AS title_id, r.status, r.committee, r.created_at,
  r.deadline_kind, r.deadline_days, r.deadline_unit, r.deadline_from, r.due_at,
  r.decision_note, (SELECT COUNT(*) FROM ratings x WHERE x.request_id = r.id) AS rated FROM requests r`;
const SELECT_COMPLAINTS = `SELECT c.id, c.ref, 'complaint' AS kind, c.category AS title_id, c.status, c.committee, c.created_at,
  c.deadline_kind, c.deadline_days, c.deadline_unit, c.deadline_from, c.due_at,
  c.decision_note, (SELECT COUNT(*) FROM ratings x WHERE x.complaint_id = c.id) AS rated FROM complaints c`;

/** Reads cases for the dialogues. */
export class CaseRepository {
  constructor(
    private readonly db: Db,
    private readonly profile: Profile,
  ) {}

  /** The person's cases, newest first (at most 20). */
  async list(beneficiaryId: string): Promise<CaseSummary[]> {
    const rows = await scoped(this.db).all(
      `SELECT * FROM (${SELECT_REQUESTS} WHERE r.beneficiary_id = ? UNION ALL ${SELECT_COMPLAINTS} WHERE c.beneficiary_id = ?) u
        ORDER BY created_at DESC LIMIT 20`,
      [beneficiaryId, beneficiaryId],
    );
    return this.toSummaries(parseRows(caseColumns, rows, 'cases of a person'));
  }

  /** One of the person's cases by reference, or null when unknown or someone else's. */
  async get(beneficiaryId: string, ref: string): Promise<CaseSummary | null> {
    const table = ref.startsWith('C') ? SELECT_COMPLAINTS : SELECT_REQUESTS;
    const alias = ref.startsWith('C') ? 'c' : 'r';
    const row = await scoped(this.db).get(`${table} WHERE ${alias}.ref = ? AND ${alias}.beneficiary_id = ?`, [
      ref,
      beneficiaryId,
    ]);
    return row ? ((await this.toSummaries([parseRow(caseColumns, row, 'case by ref')]))[0] ?? null) : null;
  }

  /** An open request of this type, if the person has one. */
  async findOpenRequest(beneficiaryId: string, typeId: string): Promise<CaseSummary | null> {
    const placeholders = OPEN_REQUEST_STATUSES.map(() => '?').join(', ');
    const row = await scoped(this.db).get(
      `${SELECT_REQUESTS} WHERE r.beneficiary_id = ? AND r.type_id = ? AND r.status IN (${placeholders}) ORDER BY r.created_at DESC LIMIT 1`,
      [beneficiaryId, typeId, ...OPEN_REQUEST_STATUSES],
    );
    return row ? ((await this.toSummaries([parseRow(caseColumns, row, 'open request')]))[0] ?? null) : null;
  }

  /** The summaries of some cases, with their histories read in one query (not one per case). */
  private async toSummaries(rows: CaseRow[]): Promise<CaseSummary[]> {
    if (rows.length === 0) return [];
    const requests = rows.filter((r) => r.kind === 'request').map((r) => r.id);
    const complaints = rows.filter((r) => r.kind === 'complaint').map((r) => r.id);
    const inList = (ids: string[]) => (ids.length ? ids.map(() => '?').join(', ') : 'NULL');
    const events = parseRows(
      historyColumns,
      await scoped(this.db).all(
        `SELECT request_id, complaint_id, status, at, note, actor FROM status_events
          WHERE request_id IN (${inList(requests)}) OR complaint_id IN (${inList(complaints)}) ORDER BY at`,
        [...requests, ...complaints],
      ),
      'case histories',
    );
    const byCase = new Map<string, CaseSummary['history']>();
    for (const h of events) {
      const id = h.request_id ?? h.complaint_id ?? '';
      const list = byCase.get(id) ?? [];
      // Notes written by the person themselves (supplied information) are not shown back as decisions.
      list.push({ status: h.status, at: h.at.toISOString(), ...(h.note && h.actor !== 'beneficiary' ? { note: h.note } : {}) });
      byCase.set(id, list);
    }
    return rows.map((r) => this.toSummary(r, byCase.get(r.id) ?? []));
  }

  private toSummary(r: CaseRow, history: CaseSummary['history']): CaseSummary {
    const summary: CaseSummary = {
      ref: r.ref,
      kind: r.kind,
      title: this.title(r),
      status: r.status,
      committee: this.profile.committees.find((c) => c.id === r.committee)?.name ?? { ar: r.committee, en: r.committee },
      createdAt: r.created_at.toISOString(),
      deadline: ruleFromColumns(r.deadline_kind, r.deadline_days, r.deadline_unit, r.deadline_from),
      dueAt: r.due_at ? r.due_at.toISOString() : null,
      history,
      rated: r.rated > 0,
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

// ── Writes: statements for the turn's transaction ──────────────────────────────────────────────

type CaseKind = 'request' | 'complaint';
const TABLE: Record<CaseKind, { table: string; fk: string }> = {
  request: { table: 'requests', fk: 'request_id' },
  complaint: { table: 'complaints', fk: 'complaint_id' },
};

/** The kind of case a reference names: a complaint's starts with C, a request's with R. */
export function kindOfRef(ref: string): CaseKind {
  return ref.startsWith('C') ? 'complaint' : 'request';
}

/** One entry of a case's status history. */
export function statusEvent(kind: CaseKind, ref: string, status: string, note: string | null, actor: string, at: Date): Stmt {
  const { table, fk } = TABLE[kind];
  return {
    sql: `INSERT INTO status_events (id, ${fk}, status, note, actor, at) SELECT ?, id, ?, ?, ?, ? FROM ${table} WHERE ref = ?`,
    params: [randomUUID(), status, note, actor, at, ref],
  };
}

/** A submitted request with its first status, and the attestation text the person accepted (R3d). */
export function createRequest(
  r: {
    ref: string;
    beneficiaryId: string;
    typeId: string;
    channel: string;
    committee: string;
    data: Record<string, unknown>;
    eligibility: string | null;
    /** R3e: the committee's answer time as promised, and the date it gives (null: none). */
    deadline: Deadline;
    dueAt: Date | null;
    attestation: { language: string; text: string; acceptedAt: Date };
  },
  at: Date,
): Stmt[] {
  return [
    {
      // R3e: the answer time as promised; a submitted request is complete (R3b checked every field).
      sql: `INSERT INTO requests (id, ref, beneficiary_id, type_id, channel, status, committee, data, eligibility, ${DEADLINE_COLUMNS}, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        randomUUID(),
        r.ref,
        r.beneficiaryId,
        r.typeId,
        r.channel, // R1: the channel it came from
        r.committee,
        JSON.stringify(r.data),
        r.eligibility,
        ...deadlineValues(r.deadline, r.dueAt, at),
        at,
        at,
      ],
    },
    statusEvent('request', r.ref, 'submitted', null, 'beneficiary', at),
    {
      // R3d: the exact text shown and when it was accepted.
      sql: 'INSERT INTO attestations (id, request_id, language, text, accepted_at) SELECT ?, id, ?, ?, ? FROM requests WHERE ref = ?',
      params: [randomUUID(), r.attestation.language, r.attestation.text, r.attestation.acceptedAt, r.ref],
    },
  ];
}

/** A submitted complaint with its first status (R4). */
export function createComplaint(
  c: {
    ref: string;
    beneficiaryId: string;
    category: string;
    channel: string;
    committee: string;
    description: string;
    data: Record<string, unknown>;
    /** R3e, R5: none unless the committee's policy states one. */
    deadline: Deadline;
    dueAt: Date | null;
  },
  at: Date,
): Stmt[] {
  return [
    {
      sql: `INSERT INTO complaints (id, ref, beneficiary_id, category, channel, status, committee, description, data, ${DEADLINE_COLUMNS}, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        randomUUID(),
        c.ref,
        c.beneficiaryId,
        c.category,
        c.channel,
        c.committee,
        c.description,
        JSON.stringify(c.data),
        ...deadlineValues(c.deadline, c.dueAt, at),
        at,
        at,
      ],
    },
    statusEvent('complaint', c.ref, 'submitted', null, 'beneficiary', at),
  ];
}

/**
 * The person supplied what the committee asked for: the case goes back under review (R3h, through
 * the lifecycle's write path), and what they sent is kept in its history. Only their own case, and
 * only while it needs information. The case is complete now: R3e (seed 002) a deadline counted from
 * completion moves to `dueAt` and its alerts start again; the officer's reminder counts from here.
 */
export function supplyInfo(
  ref: string,
  beneficiaryId: string,
  data: Record<string, unknown>,
  at: Date,
  completion: { completedAt: Date; dueAt?: Date },
): Stmt[] {
  const kind = kindOfRef(ref);
  const { table, fk } = TABLE[kind];
  const to = requireNext(kind, 'needs_info', { type: 'info.supplied' });
  return [
    statusUpdate({
      kind,
      ref,
      from: 'needs_info',
      to,
      at,
      beneficiaryId,
      set: {
        completed_at: completion.completedAt,
        reminded_at: null,
        ...(completion.dueAt ? { due_at: completion.dueAt, sla_alerted_at: null, sla_escalated_at: null } : {}),
      },
    }),
    {
      // Only when the status changed in this turn (a decision in between leaves no false history).
      sql: `INSERT INTO status_events (id, ${fk}, status, note, actor, at)
            SELECT ?, id, ?, ?, 'beneficiary', ? FROM ${table} WHERE ref = ? AND beneficiary_id = ? AND status = ? AND updated_at = ?`,
      params: [randomUUID(), to, JSON.stringify(data), at, ref, beneficiaryId, to, at],
    },
  ];
}
