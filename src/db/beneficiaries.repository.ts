/**
 * Beneficiaries: one identity per channel (R1). The turn reads the person with their conversation
 * in one query; channels ask for the few facts they need (language, the 24-hour window, whether the
 * person wrote first) through the engine's ports, implemented here.
 */
import type { Channel } from '../domain/flow-contract.js';
import type { Lang } from '../domain/text.js';
import { type ConversationRecord, conversationColumns, toConversation } from './conversations.repository.js';
import { type Db, type Stmt, scoped } from './database.js';
import { col, parseRow } from './row.js';

const personColumns = conversationColumns.extend({
  id: col.text,
  channel: col.text,
  platform_user_id: col.text,
  language: col.text,
  consent_version: col.textOrNull,
  last_inbound_at: col.dateOrNull,
  opted_out: col.bool,
});

const SELECT_PERSON = `SELECT b.id, b.channel, b.platform_user_id, b.language, b.consent_version, b.last_inbound_at, b.opted_out,
            c.flow_id, c.flow_version, c.snapshot, c.mode, c.suspended
       FROM beneficiaries b LEFT JOIN conversations c ON c.beneficiary_id = b.id`;

/** A person as a turn starts: who they are on which channel, and their stored conversation. */
export interface StoredPerson {
  id: string;
  channel: Channel;
  userId: string;
  language: Lang;
  consentVersion: string | null;
  lastInboundAt: Date | null;
  optedOut: boolean;
  conversation: ConversationRecord | null;
}

function toPerson(row: unknown, source: string): StoredPerson {
  const r = parseRow(personColumns, row, source);
  return {
    id: r.id,
    channel: r.channel as Channel,
    userId: r.platform_user_id,
    language: r.language === 'en' ? 'en' : 'ar',
    consentVersion: r.consent_version,
    lastInboundAt: r.last_inbound_at,
    optedOut: r.opted_out,
    conversation: toConversation(r),
  };
}

/** The person writing on `channel` as `userId`, with their conversation; null for a first contact. */
export async function findPerson(db: Db, channel: Channel, userId: string): Promise<StoredPerson | null> {
  const row = await db.get(`${SELECT_PERSON} WHERE b.channel = ? AND b.platform_user_id = ?`, [channel, userId]);
  return row ? toPerson(row, 'beneficiaries by channel') : null;
}

/** The person with this id, with their conversation (for turns the bot starts itself). */
export async function findPersonById(db: Db, beneficiaryId: string): Promise<StoredPerson | null> {
  const row = await db.get(`${SELECT_PERSON} WHERE b.id = ?`, [beneficiaryId]);
  return row ? toPerson(row, 'beneficiaries by id') : null;
}

/** A person's first message: their identity on the channel (R1). */
export function insertPerson(p: { id: string; channel: Channel; userId: string; lang: Lang }, at: Date): Stmt {
  return {
    sql: `INSERT INTO beneficiaries (id, channel, platform_user_id, language, opted_out, unreachable, last_inbound_at, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    params: [p.id, p.channel, p.userId, p.lang, false, false, at, at, at],
  };
}

/** The person wrote again: their language and last inbound time; writing makes them reachable again. */
export function touchPerson(beneficiaryId: string, lang: Lang, at: Date): Stmt {
  // Writing again makes a person reachable again (they may have unblocked the bot).
  return {
    sql: 'UPDATE beneficiaries SET language = ?, last_inbound_at = ?, updated_at = ?, unreachable = ? WHERE id = ?',
    params: [lang, at, at, false, beneficiaryId],
  };
}

/** R6: the acceptance of the privacy notice and the version of the text accepted. */
export function recordConsent(beneficiaryId: string, version: string, at: Date): Stmt {
  return {
    sql: 'UPDATE beneficiaries SET consent_version = ?, consent_at = ? WHERE id = ?',
    params: [version, at, beneficiaryId],
  };
}

/** R8: the person opted out of (or back into) surveys. */
export function recordOptOut(beneficiaryId: string, optedOut: boolean, at: Date): Stmt {
  return { sql: 'UPDATE beneficiaries SET opted_out = ?, opted_out_at = ? WHERE id = ?', params: [optedOut, at, beneficiaryId] };
}

const contactColumns = personColumns.pick({ language: true, last_inbound_at: true });

/** What a channel needs to know about a recipient: their language and when they last wrote. */
export async function findContact(
  db: Db,
  channel: Channel,
  userId: string,
): Promise<{ language: Lang; lastInboundAt: Date | null } | null> {
  const row = await scoped(db).get(
    'SELECT language, last_inbound_at FROM beneficiaries WHERE channel = ? AND platform_user_id = ?',
    [channel, userId],
  );
  if (!row) return null;
  const r = parseRow(contactColumns, row, 'beneficiary contact');
  return { language: r.language === 'en' ? 'en' : 'ar', lastInboundAt: r.last_inbound_at };
}

/** The platform says the person cannot be reached (blocked the bot, number gone). */
export async function markUnreachable(db: Db, channel: Channel, userId: string): Promise<void> {
  await db.run('UPDATE beneficiaries SET unreachable = ? WHERE channel = ? AND platform_user_id = ?', [true, channel, userId]);
}
