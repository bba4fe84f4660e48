/**
 * The hot path: the unit of work of one turn. Everything a turn writes (the person, the inbound
 * message, the conversation snapshot, the outbound messages and their outbox rows, the domain
 * records and the staff alerts) is one list of statements, built by the aggregates' repositories and
 * committed in one transaction (group-committed with other turns on SQLite).
 */
import type { Channel, DomainEffect } from '../domain/flow-contract.js';
import type { Lang } from '../domain/text.js';
import {
  findPerson,
  insertPerson,
  recordConsent,
  recordOptOut,
  type StoredPerson,
  touchPerson,
} from './beneficiaries.repository.js';
import { createComplaint, createRequest, supplyInfo } from './cases.repository.js';
import { type ConversationRecord, saveConversation } from './conversations.repository.js';
import type { Db, Stmt } from './database.js';
import { closeHandoffsOf, openHandoff } from './handoffs.repository.js';
import { inboundMessage, isDuplicate, outboundMessage } from './messages.repository.js';
import { outboxStatement } from './outbox.repository.js';
import { createRating } from './ratings.repository.js';

/** What a turn finds as it starts: a repeated message, or the person (null at first contact). */
export type LoadedTurn = { duplicate: true } | { duplicate: false; person: StoredPerson | null };

/** Reads what a turn needs: the duplicate check, then the person with their conversation. */
export async function loadTurn(db: Db, channel: Channel, userId: string, messageId: string): Promise<LoadedTurn> {
  if (await isDuplicate(db, channel, messageId)) return { duplicate: true };
  return { duplicate: false, person: await findPerson(db, channel, userId) };
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
  /** The conversation as the engine encoded it. */
  conversation: ConversationRecord;
  /** The rendered replies (each is also an outbox row). */
  outbound: object[];
  effects: DomainEffect[];
  /** Rendered attestation texts by request ref (R3d: the exact text shown). */
  attestations: Record<string, string>;
  handoffs: { id: string; reason: string; category: string; summary: Record<string, string | number> }[];
  closeHandoff: boolean;
  staffAlerts: StaffAlert[];
}

/** Builds the statements of a turn, in the order they must run. */
export function turnStatements(w: TurnWrite): Stmt[] {
  const at = w.at;
  const s: Stmt[] = [];
  // A turn the bot started (no inbound): the person did not write, so their last inbound time stays.
  if (w.inbound && w.isNewBeneficiary)
    s.push(insertPerson({ id: w.beneficiaryId, channel: w.channel, userId: w.userId, lang: w.lang }, at));
  else if (w.inbound) s.push(touchPerson(w.beneficiaryId, w.lang, at));
  // The inbound message carries the unique (channel, platform id): a racing duplicate fails here.
  if (w.inbound)
    s.push(
      inboundMessage(
        w.beneficiaryId,
        w.channel,
        { platformMessageId: w.inbound.messageId, kind: w.inbound.kind, body: w.inbound.body },
        at,
      ),
    );
  s.push(saveConversation(w.beneficiaryId, w.conversation, at));
  for (const e of w.effects) s.push(...effectStatements(w, e));
  if (w.closeHandoff) s.push(closeHandoffsOf(w.beneficiaryId, at));
  for (const h of w.handoffs) s.push(openHandoff({ ...h, beneficiaryId: w.beneficiaryId }, at));
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
export function outboundStatements(channel: Channel, userId: string, beneficiaryId: string, m: object, at: Date): Stmt[] {
  return [outboundMessage(beneficiaryId, channel, m, at), outboxStatement(channel, userId, m, at)];
}

/** The one outbox writer lives in outbox.repository.ts; re-exported for existing callers. */
export { outboxStatement } from './outbox.repository.js';

function effectStatements(w: TurnWrite, e: DomainEffect): Stmt[] {
  const at = w.at;
  switch (e.kind) {
    case 'beneficiary.consent':
      return [recordConsent(w.beneficiaryId, e.version, new Date(e.at))]; // R6
    case 'beneficiary.language':
      return []; // carried by the turn's language
    case 'beneficiary.optOut':
      return [recordOptOut(w.beneficiaryId, e.optedOut, new Date(e.at))];
    case 'request.create':
      return createRequest(
        {
          ref: e.ref,
          beneficiaryId: w.beneficiaryId,
          typeId: e.typeId,
          channel: w.channel,
          committee: e.committee,
          data: e.data,
          eligibility: e.eligibility ?? null,
          deadline: e.deadline,
          dueAt: e.dueAt === null ? null : new Date(e.dueAt),
          attestation: { language: w.lang, text: w.attestations[e.ref] ?? '', acceptedAt: new Date(e.attestation.at) },
        },
        at,
      );
    case 'request.supplyInfo':
      return supplyInfo(e.ref, w.beneficiaryId, e.data, at, {
        completedAt: validDate(e.at) ?? at,
        ...(e.dueAt && validDate(e.dueAt) ? { dueAt: validDate(e.dueAt) as Date } : {}),
      });
    case 'complaint.create':
      return createComplaint(
        {
          ref: e.ref,
          beneficiaryId: w.beneficiaryId,
          category: e.category,
          channel: w.channel,
          committee: e.committee,
          description: e.description,
          data: e.data,
          deadline: e.deadline,
          dueAt: e.dueAt === null ? null : new Date(e.dueAt),
        },
        at,
      );
    case 'rating.create':
      // R8: once per service; a second rating of the same service is ignored.
      return [createRating({ beneficiaryId: w.beneficiaryId, target: e.target, score: e.score, comment: e.comment ?? null }, at)];
  }
}

/** A date from an ISO string, or null when it is not one. */
function validDate(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}
