/**
 * The hot path: what one turn reads and writes. Everything a turn writes (the person, the inbound
 * message, the conversation snapshot, the outbound messages and their outbox rows, the domain
 * records and the staff alerts) is one list of statements committed in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, DomainEffect } from '../../flows/types.js';
import type { Lang } from '../domain/text.js';
import type { OutboundMessage } from '../engine/messages.js';
import type { SessionState } from '../engine/session.js';
import { type Db, type Stmt, toDate } from './database.js';

/** The person and conversation as a turn starts. */
export interface LoadedTurn {
  duplicate: boolean;
  beneficiary: {
    id: string;
    language: Lang;
    consentVersion: string | null;
    lastInboundAt: Date | null;
    optedOut: boolean;
  } | null;
  state: SessionState | null;
}

interface BeneficiaryRow {
  id: string;
  language: string;
  consent_version: string | null;
  last_inbound_at: unknown;
  opted_out: unknown;
  flow_id: string | null;
  flow_version: number | null;
  snapshot: string | null;
  mode: string | null;
  suspended: string | null;
}

/** Reads what a turn needs in one query, plus the duplicate check. */
export async function loadTurn(db: Db, channel: Channel, userId: string, messageId: string): Promise<LoadedTurn> {
  const dup = await db.get<{ id: string }>('SELECT id FROM messages WHERE channel = ? AND platform_message_id = ?', [
    channel,
    messageId,
  ]);
  if (dup) return { duplicate: true, beneficiary: null, state: null };
  const row = await db.get<BeneficiaryRow>(
    `SELECT b.id, b.language, b.consent_version, b.last_inbound_at, b.opted_out,
            c.flow_id, c.flow_version, c.snapshot, c.mode, c.suspended
       FROM beneficiaries b LEFT JOIN conversations c ON c.beneficiary_id = b.id
      WHERE b.channel = ? AND b.platform_user_id = ?`,
    [channel, userId],
  );
  return toLoaded(row);
}

/** Reads the person and conversation of a beneficiary id (for turns the bot starts itself). */
export async function loadBeneficiary(
  db: Db,
  beneficiaryId: string,
): Promise<(LoadedTurn & { channel: Channel; userId: string }) | null> {
  const row = await db.get<BeneficiaryRow & { channel: string; platform_user_id: string }>(
    `SELECT b.id, b.channel, b.platform_user_id, b.language, b.consent_version, b.last_inbound_at, b.opted_out,
            c.flow_id, c.flow_version, c.snapshot, c.mode, c.suspended
       FROM beneficiaries b LEFT JOIN conversations c ON c.beneficiary_id = b.id
      WHERE b.id = ?`,
    [beneficiaryId],
  );
  if (!row) return null;
  return { ...toLoaded(row), channel: row.channel as Channel, userId: row.platform_user_id };
}

function toLoaded(row: BeneficiaryRow | undefined): LoadedTurn {
  if (!row) return { duplicate: false, beneficiary: null, state: null };
  let state: SessionState | null = null;
  if (row.flow_id !== null && row.snapshot !== null) {
    let stored: { s?: unknown; c?: SessionState['choices']; r?: boolean; n?: boolean; p?: string } = {};
    try {
      stored = JSON.parse(row.snapshot);
    } catch {
      stored = { s: '__unreadable__' };
    }
    state = {
      flowId: row.flow_id as SessionState['flowId'],
      flowVersion: row.flow_version ?? 0,
      snapshot: stored.s ?? null,
      choices: stored.c ?? [],
      resumePending: stored.r === true,
      expectsNumber: stored.n === true,
      ...(typeof stored.p === 'string' ? { promptedAt: stored.p } : {}),
      mode: row.mode === 'handoff' ? 'handoff' : 'bot',
      suspended: parseSuspended(row.suspended),
    };
  }
  return {
    duplicate: false,
    beneficiary: {
      id: row.id,
      language: row.language === 'en' ? 'en' : 'ar',
      consentVersion: row.consent_version,
      lastInboundAt: row.last_inbound_at ? toDate(row.last_inbound_at) : null,
      optedOut: row.opted_out === true || row.opted_out === 1,
    },
    state,
  };
}

function parseSuspended(v: string | null): SessionState['suspended'] {
  if (!v) return null;
  try {
    return JSON.parse(v) as SessionState['suspended'];
  } catch {
    return null;
  }
}

/** A staff alert: a text for the staff chat, routed by officer category (R7). */
export interface StaffAlert {
  recipient: string;
  text: string;
  /** The handoff the alert is about: the Telegram staff group shows a claim button for it. */
  handoffId?: string;
  /** The handoff a forwarded message belongs to (no claim button; a reply to it goes to that case). */
  about?: string;
}

/** Everything one turn writes. */
export interface TurnWrite {
  channel: Channel;
  userId: string;
  beneficiaryId: string;
  isNewBeneficiary: boolean;
  lang: Lang;
  at: Date;
  /** The person's message; absent when the bot starts the turn itself (a prompt, a hand-back). */
  inbound?: { messageId: string; kind: string; body: string };
  state: SessionState;
  outbound: OutboundMessage[];
  effects: DomainEffect[];
  /** Rendered attestation texts by request ref (R3d: the exact text shown). */
  attestations: Record<string, string>;
  handoffs: { id: string; reason: string; category: string; summary: Record<string, string | number> }[];
  closeHandoff: boolean;
  staffAlerts: StaffAlert[];
}

/** Builds the statements of a turn. */
export function turnStatements(w: TurnWrite): Stmt[] {
  const at = w.at;
  const s: Stmt[] = [];
  if (!w.inbound) {
    // A turn the bot started: the person did not write, so their last inbound time stays.
  } else if (w.isNewBeneficiary)
    s.push({
      sql: `INSERT INTO beneficiaries (id, channel, platform_user_id, language, opted_out, unreachable, last_inbound_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [w.beneficiaryId, w.channel, w.userId, w.lang, false, false, at, at, at],
    });
  else
    s.push({
      // Writing again makes a person reachable again (they may have unblocked the bot).
      sql: 'UPDATE beneficiaries SET language = ?, last_inbound_at = ?, updated_at = ?, unreachable = ? WHERE id = ?',
      params: [w.lang, at, at, false, w.beneficiaryId],
    });
  // The inbound message carries the unique (channel, platform id): a racing duplicate fails here.
  if (w.inbound)
    s.push({
      sql: `INSERT INTO messages (beneficiary_id, channel, direction, platform_message_id, kind, body, created_at)
            VALUES (?, ?, 'in', ?, ?, ?, ?)`,
      params: [w.beneficiaryId, w.channel, w.inbound.messageId, w.inbound.kind, w.inbound.body, at],
    });
  const stored = JSON.stringify({
    s: w.state.snapshot,
    c: w.state.choices,
    ...(w.state.resumePending ? { r: true } : {}),
    ...(w.state.expectsNumber ? { n: true } : {}),
    ...(w.state.promptedAt ? { p: w.state.promptedAt } : {}),
  });
  s.push({
    sql: `INSERT INTO conversations (id, beneficiary_id, flow_id, flow_version, snapshot, suspended, mode, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (beneficiary_id) DO UPDATE SET flow_id = excluded.flow_id, flow_version = excluded.flow_version,
            snapshot = excluded.snapshot, suspended = excluded.suspended, mode = excluded.mode, updated_at = excluded.updated_at`,
    params: [
      randomUUID(),
      w.beneficiaryId,
      w.state.flowId,
      w.state.flowVersion,
      stored,
      w.state.suspended ? JSON.stringify(w.state.suspended) : null,
      w.state.mode,
      at,
      at,
    ],
  });
  for (const e of w.effects) s.push(...effectStatements(w, e));
  if (w.closeHandoff)
    s.push({
      sql: "UPDATE handoffs SET status = 'closed', closed_at = ? WHERE beneficiary_id = ? AND status IN ('open', 'claimed')",
      params: [at, w.beneficiaryId],
    });
  for (const h of w.handoffs)
    s.push({
      sql: `INSERT INTO handoffs (id, beneficiary_id, reason, category, status, summary, created_at) VALUES (?, ?, ?, ?, 'open', ?, ?)`,
      params: [h.id, w.beneficiaryId, h.reason, h.category, JSON.stringify(h.summary), at],
    });
  for (const m of w.outbound) s.push(...outboundStatements(w.channel, w.userId, w.beneficiaryId, m, at));
  for (const a of w.staffAlerts)
    s.push(
      outboxStatement(
        'staff',
        a.recipient,
        { text: a.text, ...(a.handoffId ? { handoffId: a.handoffId } : {}), ...(a.about ? { about: a.about } : {}) },
        at,
      ),
    );
  return s;
}

/** The statements of one outbound message: the message record and its outbox row. */
export function outboundStatements(
  channel: Channel,
  userId: string,
  beneficiaryId: string,
  m: OutboundMessage,
  at: Date,
): Stmt[] {
  return [
    {
      sql: `INSERT INTO messages (beneficiary_id, channel, direction, platform_message_id, kind, body, created_at)
            VALUES (?, ?, 'out', NULL, 'text', ?, ?)`,
      params: [beneficiaryId, channel, JSON.stringify(m), at],
    },
    outboxStatement(channel, userId, m, at),
  ];
}

/**
 * Channels whose messages are read from the database by the person's own client (the web chat
 * polls its history): committing the message is delivering it, so the row is born sent.
 */
const PULL_CHANNELS = new Set(['web']);

/** An outbox row. */
export function outboxStatement(channel: string, recipient: string, payload: object, at: Date): Stmt {
  if (PULL_CHANNELS.has(channel))
    return {
      sql: `INSERT INTO outbox (channel, recipient, payload, status, attempts, next_attempt_at, created_at, sent_at)
            VALUES (?, ?, ?, 'sent', 0, ?, ?, ?)`,
      params: [channel, recipient, JSON.stringify(payload), at, at, at],
    };
  return {
    sql: `INSERT INTO outbox (channel, recipient, payload, status, attempts, next_attempt_at, created_at)
          VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
    params: [channel, recipient, JSON.stringify(payload), at, at],
  };
}

function statusEvent(
  kind: 'request' | 'complaint',
  ref: string,
  status: string,
  note: string | null,
  actor: string,
  at: Date,
): Stmt {
  const table = kind === 'request' ? 'requests' : 'complaints';
  const col = kind === 'request' ? 'request_id' : 'complaint_id';
  return {
    sql: `INSERT INTO status_events (id, ${col}, status, note, actor, at) SELECT ?, id, ?, ?, ?, ? FROM ${table} WHERE ref = ?`,
    params: [randomUUID(), status, note, actor, at, ref],
  };
}

function effectStatements(w: TurnWrite, e: DomainEffect): Stmt[] {
  const at = w.at;
  switch (e.kind) {
    case 'beneficiary.consent':
      // R6: the acceptance and the version of the text accepted.
      return [
        {
          sql: 'UPDATE beneficiaries SET consent_version = ?, consent_at = ? WHERE id = ?',
          params: [e.version, new Date(e.at), w.beneficiaryId],
        },
      ];
    case 'beneficiary.language':
      return []; // carried by the turn's language
    case 'beneficiary.optOut':
      return [
        {
          sql: 'UPDATE beneficiaries SET opted_out = ?, opted_out_at = ? WHERE id = ?',
          params: [e.optedOut, new Date(e.at), w.beneficiaryId],
        },
      ];
    case 'request.create':
      return [
        {
          sql: `INSERT INTO requests (id, ref, beneficiary_id, type_id, channel, status, committee, data, eligibility, due_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?)`,
          params: [
            randomUUID(),
            e.ref,
            w.beneficiaryId,
            e.typeId,
            w.channel, // R1: the channel it came from
            e.committee,
            JSON.stringify(e.data),
            e.eligibility ?? null,
            new Date(e.dueAt),
            at,
            at,
          ],
        },
        statusEvent('request', e.ref, 'submitted', null, 'beneficiary', at),
        {
          // R3d: the exact text shown and when it was accepted.
          sql: 'INSERT INTO attestations (id, request_id, language, text, accepted_at) SELECT ?, id, ?, ?, ? FROM requests WHERE ref = ?',
          params: [randomUUID(), w.lang, w.attestations[e.ref] ?? '', new Date(e.attestation.at), e.ref],
        },
      ];
    case 'request.supplyInfo': {
      // The person supplied what the committee asked for: back under review (R3h). A complaint's
      // reference starts with C, a request's with R.
      const complaint = e.ref.startsWith('C');
      const table = complaint ? 'complaints' : 'requests';
      const col = complaint ? 'complaint_id' : 'request_id';
      return [
        {
          sql: `UPDATE ${table} SET status = 'under_review', updated_at = ? WHERE ref = ? AND beneficiary_id = ? AND status = 'needs_info'`,
          params: [at, e.ref, w.beneficiaryId],
        },
        {
          sql: `INSERT INTO status_events (id, ${col}, status, note, actor, at)
                SELECT ?, id, 'under_review', ?, 'beneficiary', ? FROM ${table} WHERE ref = ? AND beneficiary_id = ?`,
          params: [randomUUID(), JSON.stringify(e.data), at, e.ref, w.beneficiaryId],
        },
      ];
    }
    case 'complaint.create':
      return [
        {
          sql: `INSERT INTO complaints (id, ref, beneficiary_id, category, channel, status, committee, description, data, due_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?)`,
          params: [
            randomUUID(),
            e.ref,
            w.beneficiaryId,
            e.category,
            w.channel,
            e.committee,
            e.description,
            JSON.stringify(e.data),
            new Date(e.dueAt),
            at,
            at,
          ],
        },
        statusEvent('complaint', e.ref, 'submitted', null, 'beneficiary', at),
      ];
    case 'rating.create': {
      // R8: once per service; a second rating of the same service is ignored.
      const id = randomUUID();
      if (!e.target)
        return [
          {
            sql: 'INSERT INTO ratings (id, beneficiary_id, score, comment, created_at) VALUES (?, ?, ?, ?, ?)',
            params: [id, w.beneficiaryId, e.score, e.comment ?? null, at],
          },
        ];
      const table = e.target.kind === 'request' ? 'requests' : 'complaints';
      const col = e.target.kind === 'request' ? 'request_id' : 'complaint_id';
      return [
        {
          sql: `INSERT INTO ratings (id, beneficiary_id, ${col}, score, comment, created_at)
                SELECT ?, ?, id, ?, ?, ? FROM ${table} WHERE ref = ? AND beneficiary_id = ?
                ON CONFLICT DO NOTHING`,
          params: [id, w.beneficiaryId, e.score, e.comment ?? null, at, e.target.ref, w.beneficiaryId],
        },
      ];
    }
  }
}
