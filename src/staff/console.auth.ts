/**
 * Console sessions (issue 13, R6): stored in the database, so that they survive a restart, work
 * across instances, and end for real at sign-out, when an account is disabled or reset. The cookie
 * carries a random token; the database keeps only its SHA-256, so a leaked table opens nothing.
 * Each session has its own form token (CSRF), compared in constant time. A session ends after
 * {@link IDLE_MS} without use or {@link SESSION_MS} after sign-in, whichever comes first.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.js';
import { type StaffAccount, StaffAccountsRepository } from '../db/staff-accounts.repository.js';

/** The name of the session cookie. */
export const SESSION_COOKIE = 'staff_session';

/** Longest a session lasts after sign-in. */
export const SESSION_MS = 12 * 3_600_000;
/** A session unused this long ends. */
export const IDLE_MS = 60 * 60_000;

/** A signed-in staff member. */
export interface StaffSession {
  /** The session id (hash of the cookie token). */
  id: string;
  account: StaffAccount;
  /** The form token of this session. */
  csrfToken: string;
  expiresAt: Date;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** True when two secrets are equal, in time independent of their content and length. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Console sessions in the database. */
export class SessionStore {
  private readonly repo: StaffAccountsRepository;

  constructor(
    db: Db,
    private readonly ttlMs = SESSION_MS,
    private readonly idleMs = IDLE_MS,
  ) {
    this.repo = new StaffAccountsRepository(db);
  }

  /** Starts a session; returns the cookie value. */
  async create(accountId: string, now: Date): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.repo.deleteExpiredSessions(now);
    await this.repo.insertSession({
      id: digest(token).toString('hex'),
      accountId,
      csrfToken: randomBytes(24).toString('base64url'),
      now,
      expiresAt: new Date(now.getTime() + this.ttlMs),
    });
    return token;
  }

  /** The session a cookie value opens, or null (unknown, expired, idle too long, account disabled). */
  async resolve(cookie: string | undefined, now: Date): Promise<StaffSession | null> {
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return null;
    const id = digest(cookie).toString('hex');
    const row = await this.repo.session(id);
    if (!row) return null;
    const t = now.getTime();
    if (row.expiresAt.getTime() <= t || row.lastSeenAt.getTime() + this.idleMs <= t) {
      await this.repo.deleteSession(id);
      return null;
    }
    const account = await this.repo.byId(row.accountId);
    if (!account || account.disabled) return null;
    // Written at most once a minute: a page view should not always cost a write.
    if (t - row.lastSeenAt.getTime() > 60_000) await this.repo.touchSession(id, now);
    return { id, account, csrfToken: row.csrfToken, expiresAt: row.expiresAt };
  }

  /** Ends a session. */
  async end(session: StaffSession): Promise<void> {
    await this.repo.deleteSession(session.id);
  }

  /** True when a submitted form token belongs to the session. */
  checkFormToken(session: StaffSession, given: unknown): boolean {
    return typeof given === 'string' && secretsEqual(given, session.csrfToken);
  }

  /** Seconds a session may last (the cookie's Max-Age). */
  get maxAgeSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }
}

/** Reads a Cookie header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (name in out) continue;
    const raw = part.slice(i + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}
