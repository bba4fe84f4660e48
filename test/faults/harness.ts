/**
 * What the fault scenarios share: the service as real processes (src/main.ts) in Telegram webhook
 * mode against the fake Bot API, a database per scenario (a SQLite file, or a PostgreSQL schema),
 * a client that delivers updates as Telegram does (retried until acknowledged), and the measures
 * of one row of the table (messages in, replies out, duplicates, lost, reordered, longest
 * bystander wait), computed from what the fake received against the outbox rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.js';
import { TelegramUser } from '../channels/telegram/telegram-user.js';
import { exited, type ServiceProcess, startService } from '../support/service.js';

export const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const SECRET = 'faults-secret-0123456789';

/** One row of the faults table. */
export interface FaultRow {
  scenario: string;
  messagesIn: number;
  repliesOut: number;
  duplicates: number;
  lost: number;
  reordered: number;
  /** Longest time a bystander chat waited for its first reply, in ms (null: no bystander). */
  bystanderWaitMs: number | null;
  /** What the acceptance asks of this row, and whether it held. */
  expect: string;
  ok: boolean;
  seconds: number;
}

/** An outbox row as the measures need it. */
interface SentRow {
  id: number;
  recipient: string;
  payload: string;
  status: string;
}

/** A database for one scenario. */
export interface FaultDb {
  url: string;
  telegramRows(): Promise<SentRow[]>;
  count(sql: string): Promise<number>;
  /** The texts a chat wrote, in the order the service took them in. */
  inboundTexts(chat: number): Promise<string[]>;
  close(): Promise<void>;
}

const INBOUND = `SELECT m.body FROM messages m JOIN beneficiaries b ON b.id = m.beneficiary_id
  WHERE b.channel = 'telegram' AND b.platform_user_id = $1 AND m.direction = 'in' ORDER BY m.id`;

function inputText(body: string): string {
  return (JSON.parse(body) as { text?: string }).text ?? '';
}

/** A SQLite file in a temp folder. */
export function sqliteDb(): FaultDb {
  const dir = mkdtempSync(path.join(tmpdir(), 'bot-faults-'));
  const file = path.join(dir, 'bot.db');
  const read = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    url: `file:${file}`,
    async telegramRows() {
      return read(
        (db) =>
          db
            .prepare("SELECT id, recipient, payload, status FROM outbox WHERE channel = 'telegram' ORDER BY id")
            .all() as SentRow[],
      );
    },
    async count(sql) {
      return read((db) => Number((db.prepare(sql).get() as { n: number }).n));
    },
    async inboundTexts(chat) {
      return read((db) =>
        (db.prepare(INBOUND.replace('$1', '?')).all(String(chat)) as { body: string }[]).map((r) => inputText(r.body)),
      );
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A PostgreSQL schema of its own (dropped on close). */
export async function postgresDb(base: string): Promise<FaultDb> {
  const schema = `faults_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const url = `${base}${base.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    url,
    async telegramRows() {
      const r = await pool.query("SELECT id, recipient, payload, status FROM outbox WHERE channel = 'telegram' ORDER BY id");
      return r.rows.map((x) => ({ ...x, id: Number(x.id) })) as SentRow[];
    },
    async count(sql) {
      return Number((await pool.query(sql)).rows[0]?.n ?? 0);
    },
    async inboundTexts(chat) {
      return (await pool.query(INBOUND, [String(chat)])).rows.map((r: { body: string }) => inputText(r.body));
    },
    async close() {
      await pool.end();
      await admin(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

/** The service processes of a scenario and the Telegram that talks to them. */
export class Rig {
  readonly api = new FakeBotApi(TOKEN);
  readonly services: ServiceProcess[] = [];
  private next = 0;

  constructor(readonly db: FaultDb) {}

  async start(instances = 1): Promise<void> {
    await this.api.start();
    for (let i = 0; i < instances; i++) await this.spawn();
  }

  /** Starts one more service process on the scenario's database. */
  async spawn(): Promise<ServiceProcess> {
    const s = await startService({
      DATABASE_URL: this.db.url,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: this.api.apiRoot,
    });
    this.services.push(s);
    return s;
  }

  /** Kills a service process with SIGKILL (no goodbye) and waits for it to be gone. */
  async kill(s: ServiceProcess): Promise<void> {
    const gone = exited(s.child);
    s.child.kill('SIGKILL');
    await gone;
    this.services.splice(this.services.indexOf(s), 1);
  }

  /**
   * Delivers an update as Telegram does: to a live instance (round robin, or the one given), again
   * until one acknowledges it with 200.
   */
  async deliver(update: object, instance?: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const live = this.services;
      const s = live[instance !== undefined ? instance % Math.max(1, live.length) : this.next++ % Math.max(1, live.length)];
      if (s) {
        try {
          const res = await fetch(`${s.url}/telegram/webhook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
            body: JSON.stringify(update),
            signal: AbortSignal.timeout(10_000),
          });
          if (res.status === 200) return;
        } catch {
          // refused or cut: the instance died; Telegram tries again
        }
      }
      if (attempt > 600) throw new Error('an update was never acknowledged');
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    for (const s of [...this.services]) await this.kill(s);
    await this.api.stop();
    await this.db.close();
  }
}

const users = new WeakMap<Rig, Map<number, TelegramUser>>();

/** A chat of the scenario (the same person each time: their message ids go on from the last). */
export function user(rig: Rig, id: number): TelegramUser {
  let map = users.get(rig);
  if (!map) {
    map = new Map();
    users.set(rig, map);
  }
  let u = map.get(id);
  if (!u) {
    u = new TelegramUser(rig.api, id);
    map.set(id, u);
  }
  return u;
}

/** Waits until the outbox has no unsent Telegram row and the inbox nothing pending (or `ms` passed). */
export async function settle(rig: Rig, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const busy =
      (await rig.db.count("SELECT COUNT(*) AS n FROM inbox WHERE status = 'pending'")) +
      (await rig.db.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram' AND status IN ('pending', 'sending')"));
    if (busy === 0) {
      await sleep(500); // a send answered after the last look
      return true;
    }
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

/**
 * Compares what each chat received with the outbox rows addressed to it: a reply received more
 * often than its row is a duplicate; a row never received is lost; a chat whose replies (repeats
 * folded) came in another order than its rows counts as reordered.
 */
export async function measure(
  rig: Rig,
  chats: number[],
  /** What each chat wrote, in order: taken in in another order counts as reordered too. */
  wrote?: (chat: number) => string[],
): Promise<{ repliesOut: number; duplicates: number; lost: number; reordered: number; perChatDuplicates: Map<number, number> }> {
  const rows = await rig.db.telegramRows();
  let repliesOut = 0;
  let duplicates = 0;
  let lost = 0;
  let reordered = 0;
  const perChatDuplicates = new Map<number, number>();
  for (const chat of chats) {
    const expected = rows.filter((r) => r.recipient === String(chat)).map((r) => textOf(r.payload));
    const got = rig.api.sent(chat).map((m) => m.text);
    repliesOut += got.length;
    // Fold immediate repeats (a send repeated after a crash or a timeout arrives right after itself).
    const folded = got.filter((t, i) => i === 0 || t !== got[i - 1] || countOf(expected, t) > countOf(got.slice(0, i), t));
    const dups = got.length - folded.length + Math.max(0, folded.length - expected.length);
    duplicates += dups;
    if (dups) perChatDuplicates.set(chat, dups);
    lost += Math.max(0, expected.length - folded.length);
    let inOrder = isSubsequence(expected, folded) || isSubsequence(folded, expected);
    if (wrote) inOrder &&= JSON.stringify(await rig.db.inboundTexts(chat)) === JSON.stringify(wrote(chat));
    if (!inOrder) reordered++;
  }
  return { repliesOut, duplicates, lost, reordered, perChatDuplicates };
}

function countOf(list: string[], t: string): number {
  return list.filter((x) => x === t).length;
}

function isSubsequence(small: string[], big: string[]): boolean {
  let i = 0;
  for (const x of big) if (i < small.length && small[i] === x) i++;
  return i === small.length;
}

function textOf(payload: string): string {
  return (JSON.parse(payload) as { text: string }).text;
}

/** Time from `since` to the first reply to `chat` that the fake received after it. */
export function firstReplyAfter(rig: Rig, chat: number, since: number): number | null {
  const call = rig.api.callsOf('sendMessage', chat).find((c) => c.status === 200 && c.at >= since);
  return call ? call.at - since : null;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
