/**
 * Test support for the back office: the app started with the decisions API mounted (as src/app.ts
 * will mount it), a signing back-office client, a profile whose officers have their own staff chats,
 * row counts for "nothing changed", and the volunteering request answered through the web chat.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import { mountBackOffice } from '../../src/api/back-office.js';
import type { AppOptions } from '../../src/app.js';
import type { Db } from '../../src/db/database.js';
import { createScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { type ChatClient, said, startApp, type TestApp } from '../support/app.js';
import { TEST_PROFILE } from '../support/profiles.js';

/** The decisions secret of the tests, in its `whsec_` form. */
export const SECRET = `whsec_${Buffer.from('back-office-test-secret-0123456789').toString('base64')}`;
/** The requests API token of the tests. */
export const API_TOKEN = 'api-token-0123456789abcdef';

/** Staff chats of the officers in the test profile (R7). */
export const CHATS = {
  general: '-1001000000001',
  socialResearch: '-1001000000002',
  educational: '-1001000000003',
  volunteering: '-1001000000004',
  complaints: '-1001000000005',
  management: '-1001000000009',
} as const;

const CHAT_OF: Record<string, string> = {
  relations_officer: CHATS.general,
  social_research_officer: CHATS.socialResearch,
  educational_officer: CHATS.educational,
  volunteering_officer: CHATS.volunteering,
  followup_officer: CHATS.complaints,
  management: CHATS.management,
};

/**
 * The test profile (test/support/profiles.ts) with a staff chat per officer. `resumeAfterHours` is raised to a month: the
 * engine measures "a long pause" from the person's last message, not from the bot's own prompt, so
 * a person answering a rating prompt (or a request for information) days after they last wrote is
 * first asked "continue or start over?". test/scheduler/scheduler.test.ts shows it with the shipped
 * value (an expected failure until src/engine/session.ts counts a dialogue the bot started).
 */
export function writeTestProfile(dir: string, patch: (p: Record<string, unknown>) => void = () => {}): string {
  const p = JSON.parse(readFileSync(TEST_PROFILE, 'utf8')) as Record<string, unknown> & {
    officers: { id: string; telegramChatId?: string }[];
  };
  for (const o of p.officers) {
    const chat = CHAT_OF[o.id];
    if (chat) o.telegramChatId = chat;
  }
  p.resumeAfterHours = 720;
  patch(p);
  const file = path.join(dir, 'profile.json');
  writeFileSync(file, JSON.stringify(p));
  return file;
}

/** A mutable clock shared by the app, the decisions API and the scheduler. */
export class TestClock {
  constructor(public now: Date) {}
  readonly fn = () => this.now;
  /** Moves the clock on by hours (fractions allowed). */
  advance(hours: number): Date {
    this.now = new Date(this.now.getTime() + hours * 3_600_000);
    return this.now;
  }
  set(iso: string): Date {
    this.now = new Date(iso);
    return this.now;
  }
}

/** An answer of the API, parsed. */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Standard Webhooks headers for a body, as the back office sends them. */
export function signedHeaders(
  body: string,
  opts: { id?: string; at?: Date; secret?: string } = {},
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  // The signature's timestamp is real time: the tolerance is checked against the real clock.
  const at = opts.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(opts.secret ?? SECRET).sign(id, at, body),
  };
}

/** The back office: posts signed decisions. */
export class BackOfficeClient {
  constructor(readonly url: string) {}

  async decide(
    body: object | string,
    opts: { id?: string; at?: Date; secret?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${this.url}/api/v1/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(raw, opts), ...opts.headers },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}

/** The app with the back office mounted, its clock, and its scheduler. */
export interface BackOfficeApp {
  t: TestApp;
  clock: TestClock;
  backOffice: BackOfficeClient;
  scheduler: Scheduler;
  close(): Promise<void>;
}

/**
 * Starts the app (test profile, fake clock) with the back office. Until src/app.ts mounts the
 * routes and builds the scheduler itself, they are added here from the app's parts; once it does,
 * the app's own are used (same configuration, same clock).
 */
export async function startBackOffice(opts: {
  dir: string;
  start?: string;
  env?: Record<string, string>;
  options?: AppOptions;
  /** Changes to the test profile (after the defaults above). */
  profile?: (p: Record<string, unknown>) => void;
  /** Run on PostgreSQL at this URL, in a schema of its own dropped at close. */
  postgresUrl?: string;
}): Promise<BackOfficeApp> {
  const clock = new TestClock(new Date(opts.start ?? '2026-12-01T07:00:00Z')); // Tuesday 10:00 in Riyadh
  const schema = opts.postgresUrl ? await createSchema(opts.postgresUrl) : null;
  const database: Record<string, string> = schema ? { DATABASE_URL: schema.url } : {};
  const t = await startApp(
    { ORG_PROFILE: writeTestProfile(opts.dir, opts.profile), DECISIONS_SECRET: SECRET, API_TOKEN, ...database, ...opts.env },
    { clock: clock.fn, ...opts.options },
  );
  const { app } = t;
  const parts = {
    db: app.db,
    read: () => app.read.client(),
    profile: app.profile,
    engine: app.engine,
    translator: app.translator,
    logger: app.logger,
    clock: clock.fn,
    onCommitted: () => app.dispatcher.kick(),
  };
  const probe = await fetch(`${t.url}/api/v1/decisions`, { method: 'POST' });
  if (probe.status === 404) mountBackOffice(app.http, { ...parts, decisionsSecret: SECRET, apiToken: API_TOKEN });
  const scheduler = (app as Partial<{ scheduler: Scheduler }>).scheduler ?? createScheduler(parts);
  return {
    t,
    clock,
    backOffice: new BackOfficeClient(t.url),
    scheduler,
    close: async () => {
      await scheduler.stop();
      await t.close();
      await schema?.drop();
    },
  };
}

/** A fresh PostgreSQL schema and the URL that uses it. */
async function createSchema(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bo_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.end();
  return {
    url: `${url}${url.includes('?') ? '&' : '?'}options=-c%20search_path%3D${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${name} CASCADE`);
      await c.end();
    },
  };
}

/** Row counts that a refused decision must leave as they were. */
export async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, sql] of [
    ['requests.submitted', "SELECT COUNT(*) AS n FROM requests WHERE status = 'submitted'"],
    ['complaints.submitted', "SELECT COUNT(*) AS n FROM complaints WHERE status = 'submitted'"],
    ['status_events', 'SELECT COUNT(*) AS n FROM status_events'],
    ['outbox', 'SELECT COUNT(*) AS n FROM outbox'],
    ['messages', 'SELECT COUNT(*) AS n FROM messages'],
    ['webhook_receipts', 'SELECT COUNT(*) AS n FROM webhook_receipts'],
    ['prompts', 'SELECT COUNT(*) AS n FROM prompts'],
  ] as const)
    out[name] = Number((await db.get<{ n: number }>(sql))?.n ?? 0);
  const statuses = await db.all<{ ref: string; status: string; updated_at: unknown }>(
    'SELECT ref, status, updated_at FROM requests UNION ALL SELECT ref, status, updated_at FROM complaints ORDER BY ref',
  );
  for (const s of statuses) out[`${s.ref}:${s.status}:${String(s.updated_at)}`] = 1;
  // A refused decision does not reopen any dialogue either.
  const conversations = await db.all<{ beneficiary_id: string; flow_id: string; updated_at: unknown }>(
    'SELECT beneficiary_id, flow_id, updated_at FROM conversations ORDER BY beneficiary_id',
  );
  for (const c of conversations) out[`conversation:${c.beneficiary_id}:${c.flow_id}:${String(c.updated_at)}`] = 1;
  return out;
}

/** Answers the volunteering request through the web chat; resolves with its reference. */
export async function submitVolunteering(chat: ChatClient, lang: 'ar' | 'en' = 'ar'): Promise<string> {
  await chat.text(lang === 'ar' ? 'السلام عليكم' : 'hello');
  if (lang === 'en') await chat.choose('language');
  await chat.choose('request');
  await chat.choose('accept');
  await chat.choose('type:volunteering');
  await chat.choose('yes');
  await chat.choose('yes');
  await chat.text('1000000008');
  await chat.text('0551234567');
  await chat.text('1');
  await chat.text('1');
  await chat.text('8');
  await chat.choose('skip');
  await chat.choose('confirm');
  const done = await chat.choose('agree');
  const ref = said(done).match(/R-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
  expect(ref, said(done)).toBeTruthy();
  return ref as string;
}

/** A web-chat message as the page reads it. */
export interface ChatItem {
  id: number;
  from: 'person' | 'bot';
  text: string;
  choices?: { id: string; label: string }[];
}

/** The web chat's history of a session (what the page shows), after message id `after`. */
export async function chatHistory(url: string, session: string, after = 0): Promise<ChatItem[]> {
  const res = await fetch(`${url}/chat/api/messages?session=${session}&after=${after}`);
  return ((await res.json()) as { messages: ChatItem[] }).messages;
}

/** The id of the last message of a session (to read only what comes after). */
export async function lastMessageId(url: string, session: string): Promise<number> {
  return (await chatHistory(url, session)).at(-1)?.id ?? 0;
}
