/**
 * Named staff accounts (issue 13, R6 access control): created from the CLI with a one-time sign-in
 * link, passwords hashed with argon2id, sign-in throttled and locked.
 *
 * Throttling and lockout, so that one attacker cannot lock everyone out:
 * - a login is locked *for the address that failed* after {@link LOCK_AFTER} failures within
 *   {@link WINDOW_MS}; its owner signing in from their own address is not affected;
 * - an address is refused for every login after {@link ADDRESS_LIMIT} failures within the window
 *   (one attacker guessing across many accounts);
 * - both end {@link WINDOW_MS} after the latest failure, or when an admin resets the account.
 * The checks run before the password is looked at, so a locked pair cannot keep guessing.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../db/database.js';
import { type StaffAccount, StaffAccountsRepository, type StaffRole } from '../db/staff-accounts.repository.js';

export { STAFF_ROLES, type StaffAccount, type StaffRole } from '../db/staff-accounts.repository.js';

/** Failures of one login from one address before that pair is locked. */
export const LOCK_AFTER = 5;
/** Failures from one address (any login) before the address is refused. */
export const ADDRESS_LIMIT = 20;
/** How far back failures count, and how long a lock lasts after the latest failure. */
export const WINDOW_MS = 15 * 60_000;
/** How long a one-time sign-in link works. */
export const SETUP_TTL_MS = 72 * 3_600_000;
/** Shortest password accepted. */
export const MIN_PASSWORD = 10;

/** Logins: short, Latin, lowercase; safe to show, to store in the audit and to type on a phone. */
export const LOGIN = /^[a-z0-9][a-z0-9._-]{1,31}$/;

// argon2id with the parameters OWASP recommends (19 MiB, 2 passes, 1 lane); algorithm 2 = Argon2id.
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A hash of a random password, verified against when the login is unknown (same time spent). */
let dummyHash: Promise<string> | null = null;

/** The staff id of an account in handoffs, status history and the audit: `staff:<login>`. */
export function staffIdOf(login: string): string {
  return `staff:${login}`;
}

/** SHA-256 of a one-time token (only the hash is stored). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Why an account could not be created. */
export type CreateRefusal = 'ACCOUNT.BAD_LOGIN' | 'ACCOUNT.LOGIN_TAKEN' | 'ACCOUNT.BAD_NAME' | 'ACCOUNT.SCOPE_REQUIRED';

/** The result of a sign-in attempt. */
export type SignInResult =
  | { ok: true; account: StaffAccount }
  | {
      ok: false;
      reason: 'wrong' | 'locked' | 'addressLimited' | 'disabled';
      /** The password was checked (and wrong): a failed attempt, not one refused unheard. */
      checked: boolean;
    };

/** Staff accounts: creation, one-time links, passwords, sign-in with throttling. */
export class AccountService {
  readonly repo: StaffAccountsRepository;

  constructor(db: Db) {
    this.repo = new StaffAccountsRepository(db);
  }

  /** Creates an account and returns it with its one-time sign-in token. */
  async create(
    input: { login?: string; name: string; role: StaffRole; scope?: string[] },
    now: Date,
  ): Promise<{ ok: true; account: StaffAccount; token: string } | { ok: false; code: CreateRefusal }> {
    const name = input.name.trim();
    if (!name || name.length > 100) return { ok: false, code: 'ACCOUNT.BAD_NAME' };
    const scope = [...new Set((input.scope ?? []).map((s) => s.trim()).filter(Boolean))];
    if ((input.role === 'officer' || input.role === 'committee') && scope.length === 0)
      return { ok: false, code: 'ACCOUNT.SCOPE_REQUIRED' };
    const login = (input.login ?? (await this.freeLogin(name))).trim().toLowerCase();
    if (!LOGIN.test(login)) return { ok: false, code: 'ACCOUNT.BAD_LOGIN' };
    if (await this.repo.byLogin(login)) return { ok: false, code: 'ACCOUNT.LOGIN_TAKEN' };
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    await this.repo.insert({
      id,
      login,
      name,
      role: input.role,
      scope: input.role === 'officer' || input.role === 'committee' ? scope : [],
      setupTokenHash: tokenHash(token),
      setupExpiresAt: new Date(now.getTime() + SETUP_TTL_MS),
      now,
    });
    const account = await this.repo.byId(id);
    if (!account) throw new Error('account not stored');
    return { ok: true, account, token };
  }

  /** A login from the name when it is Latin (`Sara Ali` → `sara.ali`), else `staff<n>`. */
  private async freeLogin(name: string): Promise<string> {
    const slug = name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.+|\.+$/g, '')
      .slice(0, 24);
    const base = LOGIN.test(slug) ? slug : 'staff';
    for (let n = base === 'staff' ? 1 : 0; ; n++) {
      const candidate = n === 0 ? base : `${base}${n}`;
      if (!(await this.repo.byLogin(candidate))) return candidate;
    }
  }

  /** A new one-time sign-in token for an account (forgotten password; also unlocks it). */
  async reset(accountId: string, now: Date): Promise<string | null> {
    const account = await this.repo.byId(accountId);
    if (!account) return null;
    const token = randomBytes(32).toString('base64url');
    await this.repo.resetSetupToken(accountId, tokenHash(token), new Date(now.getTime() + SETUP_TTL_MS), now);
    await this.repo.clearLoginFailures(account.login);
    return token;
  }

  /** The account a one-time token opens, while it is valid. */
  setupAccount(token: string, now: Date): Promise<StaffAccount | null> {
    return this.repo.bySetupToken(tokenHash(token), now);
  }

  /** Sets the password through a one-time token; false when the token is spent or expired. */
  async completeSetup(token: string, password: string, now: Date): Promise<StaffAccount | null> {
    const account = await this.setupAccount(token, now);
    if (!account || password.length < MIN_PASSWORD) return null;
    const ok = await this.repo.setPassword(account.id, tokenHash(token), await hash(password, ARGON2), now);
    return ok ? account : null;
  }

  /** Checks a sign-in, counting failures per login and address (see the file comment). */
  async signIn(loginTyped: string, password: string, address: string, now: Date): Promise<SignInResult> {
    const login = loginTyped.trim().toLowerCase();
    const since = new Date(now.getTime() - WINDOW_MS);
    const fromAddress = await this.repo.failuresFrom(address, since);
    if (fromAddress.n >= ADDRESS_LIMIT) return { ok: false, reason: 'addressLimited', checked: false };
    const pair = await this.repo.failuresOf(login, address, since);
    if (pair.n >= LOCK_AFTER) return { ok: false, reason: 'locked', checked: false };
    const found = LOGIN.test(login) ? await this.repo.credentials(login) : null;
    dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON2);
    const stored = found?.hash ?? (await dummyHash);
    let good = false;
    try {
      good = await verify(stored, password);
    } catch {
      good = false;
    }
    if (!found?.hash || !good) {
      await this.repo.insertFailure({ id: randomUUID(), login: login.slice(0, 64), address, at: now });
      return { ok: false, reason: pair.n + 1 >= LOCK_AFTER ? 'locked' : 'wrong', checked: true };
    }
    if (found.account.disabled) return { ok: false, reason: 'disabled', checked: true };
    await this.repo.clearFailures(login, address);
    // Housekeeping: failures older than the window count for nothing.
    await this.repo.deleteFailuresBefore(since);
    return { ok: true, account: found.account };
  }
}
