/** Helpers of the staff tests: staff accounts, a console client, seeds. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { App } from '../../src/app.js';
import { AttachmentStore } from '../../src/attachments/attachment-store.js';
import { newReference } from '../../src/domain/reference.js';
import { AccountService, type StaffAccount, type StaffRole } from '../../src/staff/accounts.js';
import { createHandoffWatcher, type HandoffWatcher } from '../../src/staff/handoff.watcher.js';

/** The password of the test accounts (10+ characters, as the console requires). */
export const PASSWORD = 'correct horse battery staple';

/**
 * A staff account with {@link PASSWORD}, made the way the CLI makes it (a one-time token, then the
 * password chosen on the setup page's service). Logins are lowercase.
 */
export async function addStaff(
  app: App,
  login: string,
  role: StaffRole = 'manager',
  scope: string[] = [],
  name = `موظف ${login}`,
): Promise<StaffAccount> {
  const accounts = new AccountService(app.db);
  const made = await accounts.create({ login: login.toLowerCase(), name, role, scope }, new Date());
  if (!made.ok) throw new Error(made.code);
  if (!(await accounts.completeSetup(made.token, PASSWORD, new Date()))) throw new Error('setup failed');
  return made.account;
}

/** The handoff watcher built from the app's parts. */
export function watcherOf(app: App, profile = app.profile, clock?: () => Date): HandoffWatcher {
  return createHandoffWatcher({
    db: app.db,
    profile,
    translator: app.translator,
    logger: app.logger,
    onAlert: () => app.dispatcher.kick(),
    ...(clock ? { clock } : {}),
  });
}

/** A page as the console answered it. */
export interface Page {
  status: number;
  html: string;
  location: string | null;
  setCookie: string[];
}

/** A browser-less console user: keeps the cookies, reads the form token from the last page. */
export class ConsoleClient {
  private readonly cookies = new Map<string, string>();
  private formToken = '';

  constructor(private readonly url: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async request(path: string, init: RequestInit = {}): Promise<Page> {
    const res = await fetch(`${this.url}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: this.cookieHeader() },
    });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (/Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await res.text();
    const token = /name="_token" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.formToken = token;
    return { status: res.status, html, location: res.headers.get('location'), setCookie };
  }

  /** GET a page (no redirect followed). */
  get(path: string): Promise<Page> {
    return this.request(path);
  }

  /** POSTs a form (with the form token of the last page unless given), following one redirect. */
  async post(path: string, fields: Record<string, string>, follow = true): Promise<Page> {
    const body = new URLSearchParams({ _token: this.formToken, ...fields });
    const res = await this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    if (follow && res.status === 303 && res.location) return this.get(res.location);
    return res;
  }

  /** Signs in; resolves with the page after the redirect. */
  signIn(login: string, password = PASSWORD): Promise<Page> {
    return this.post('/staff/signin', { login, password });
  }

  /** The cookie value of a name, if held. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Replaces a cookie (to tamper with it). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}

/** Resolves when `check` holds, polling every 20 ms. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Seeds a web beneficiary with a request, a complaint and ratings (the console's lists and figures). */
export async function seedCases(
  app: App,
  opts: { scores?: number[]; at?: Date } = {},
): Promise<{ beneficiaryId: string; requestRef: string; complaintRef: string }> {
  const at = opts.at ?? new Date('2026-11-22T07:00:00Z');
  const id = randomUUID();
  const requestId = randomUUID();
  const requestRef = newReference('request');
  const complaintRef = newReference('complaint');
  const stmts = [
    {
      sql: `INSERT INTO beneficiaries (id, channel, platform_user_id, language, opted_out, unreachable, created_at, updated_at)
            VALUES (?, 'web', ?, 'ar', ?, ?, ?, ?)`,
      params: [id, `seed${id.slice(0, 12)}`, false, false, at, at],
    },
    {
      // R3e: a maximum (as seed 002 states one) passed yesterday: the one kind of deadline that is late.
      sql: `INSERT INTO requests (id, ref, beneficiary_id, type_id, channel, status, committee, data,
              deadline_kind, deadline_days, deadline_unit, deadline_from, due_at, created_at, updated_at)
            VALUES (?, ?, ?, 'urgent_support', 'telegram', 'under_review', 'research', ?, 'within', 15, 'working', 'completion', ?, ?, ?)`,
      params: [
        requestId,
        requestRef,
        id,
        JSON.stringify({ national_id: '1000000008', mobile: '+966501234567', situation: 'حريق' }),
        new Date(at.getTime() - 86_400_000), // due yesterday: overdue
        at,
        at,
      ],
    },
    {
      // R3e, R5: no policy states an answer time for complaints.
      sql: `INSERT INTO complaints (id, ref, beneficiary_id, category, channel, status, committee, description, data, deadline_kind, due_at, created_at, updated_at)
            VALUES (?, ?, ?, 'delay', 'web', 'submitted', 'followup', 'تأخر الرد', '{}', 'none', NULL, ?, ?)`,
      params: [randomUUID(), complaintRef, id, at, at],
    },
    ...(opts.scores ?? []).map((score) => ({
      sql: 'INSERT INTO ratings (id, beneficiary_id, score, created_at) VALUES (?, ?, ?, ?)',
      params: [randomUUID(), id, score, at],
    })),
  ];
  await app.db.batch(stmts);
  return { beneficiaryId: id, requestRef, complaintRef };
}

/** A fresh schema on a PostgreSQL server, as a DATABASE_URL, and how to drop it. */
export async function postgresSchema(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `staff_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE SCHEMA ${name}`);
  return {
    url: `${url}${url.includes('?') ? '&' : '?'}options=-c%20search_path%3D${name}`,
    drop: () => run(`DROP SCHEMA ${name} CASCADE`),
  };
}

/** A tiny valid PNG (1×1), and a minimal PDF, as a person's documents. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * Seeds a submitted request or complaint of a web-chat person, with documents kept in the app's
 * attachment store (beside the SQLite file), a history row, the attestation and a few messages.
 */
export async function seedCase(
  app: App,
  dir: string,
  c:
    | { kind: 'request'; type: string; committee: string; data: Record<string, unknown>; docs?: Record<string, Buffer> }
    | {
        kind: 'complaint';
        category: string;
        committee: string;
        description: string;
        data?: Record<string, unknown>;
        doc?: Buffer;
      },
  opts: { session?: string; at?: Date; messages?: string[] } = {},
): Promise<{ ref: string; beneficiaryId: string; session: string }> {
  const at = opts.at ?? new Date('2026-11-30T07:00:00Z');
  const store = new AttachmentStore(path.join(dir, 'attachments'));
  const beneficiaryId = randomUUID();
  const session = opts.session ?? `seed${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const ref = newReference(c.kind);
  const caseId = randomUUID();
  const stmts: { sql: string; params: (string | number | boolean | Date | null)[] }[] = [
    {
      sql: `INSERT INTO beneficiaries (id, channel, platform_user_id, language, opted_out, unreachable, created_at, updated_at)
            VALUES (?, 'web', ?, 'ar', ?, ?, ?, ?)`,
      params: [beneficiaryId, session, false, false, at, at],
    },
  ];
  // R3e: the case carries its committee's deadline as the profile states it (none: no date).
  const rule = app.profile.committees.find((x) => x.id === c.committee)?.deadline ?? { kind: 'none' as const };
  const due = rule.kind === 'none' ? null : new Date(at.getTime() + 14 * 86_400_000);
  const deadline = [
    rule.kind,
    rule.kind === 'none' ? null : rule.days,
    rule.kind === 'none' ? null : rule.unit,
    rule.kind === 'none' ? null : rule.from,
  ];
  if (c.kind === 'request') {
    const data = { ...c.data };
    for (const [field, bytes] of Object.entries(c.docs ?? {}))
      data[field] = await store.save(bytes, bytes === PDF ? 'application/pdf' : 'image/png');
    stmts.push(
      {
        sql: `INSERT INTO requests (id, ref, beneficiary_id, type_id, channel, status, committee, data,
                deadline_kind, deadline_days, deadline_unit, deadline_from, due_at, created_at, updated_at)
              VALUES (?, ?, ?, ?, 'web', 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [caseId, ref, beneficiaryId, c.type, c.committee, JSON.stringify(data), ...deadline, due, at, at],
      },
      {
        sql: 'INSERT INTO attestations (id, request_id, language, text, accepted_at) VALUES (?, ?, ?, ?, ?)',
        params: [randomUUID(), caseId, 'ar', 'أقر بأن جميع المعلومات المقدمة صحيحة.', at],
      },
      {
        sql: "INSERT INTO status_events (id, request_id, status, note, actor, at) VALUES (?, ?, 'submitted', NULL, 'beneficiary', ?)",
        params: [randomUUID(), caseId, at],
      },
    );
  } else {
    const data: Record<string, unknown> = { ...(c.data ?? {}) };
    if (c.doc)
      data.attachment = {
        kind: 'document',
        storageKey: await store.save(c.doc, c.doc === PDF ? 'application/pdf' : 'image/png'),
        fileName: 'evidence',
      };
    stmts.push(
      {
        sql: `INSERT INTO complaints (id, ref, beneficiary_id, category, channel, status, committee, description, data,
                deadline_kind, deadline_days, deadline_unit, deadline_from, due_at, created_at, updated_at)
              VALUES (?, ?, ?, ?, 'web', 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [
          caseId,
          ref,
          beneficiaryId,
          c.category,
          c.committee,
          c.description,
          JSON.stringify(data),
          ...deadline,
          due,
          at,
          at,
        ],
      },
      {
        sql: "INSERT INTO status_events (id, complaint_id, status, note, actor, at) VALUES (?, ?, 'submitted', NULL, 'beneficiary', ?)",
        params: [randomUUID(), caseId, at],
      },
    );
  }
  for (const [i, text] of (opts.messages ?? []).entries())
    stmts.push({
      sql: `INSERT INTO messages (beneficiary_id, channel, direction, platform_message_id, kind, body, created_at)
            VALUES (?, 'web', 'in', ?, 'text', ?, ?)`,
      params: [beneficiaryId, `seed-${ref}-${i}`, JSON.stringify({ kind: 'text', text }), at],
    });
  await app.db.batch(stmts);
  return { ref, beneficiaryId, session };
}
