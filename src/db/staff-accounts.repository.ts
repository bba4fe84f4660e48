/**
 * Staff accounts, console sessions and failed sign-ins (issue 13): the SQL behind
 * src/staff/accounts.ts and src/staff/console.auth.ts, rows parsed at the boundary.
 */
import { type Db, toDate } from './database.js';

/** The roles of the staff console. */
export const STAFF_ROLES = ['officer', 'committee', 'manager', 'admin'] as const;

/** A role of the staff console. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A staff account as the code sees it (no secret). */
export interface StaffAccount {
  id: string;
  login: string;
  name: string;
  role: StaffRole;
  /** Officer categories (officer) or committee ids (committee member); empty otherwise. */
  scope: string[];
  hasPassword: boolean;
  telegramUserId: string | null;
  disabled: boolean;
  createdAt: Date;
}

interface AccountRow {
  id: string;
  login: string;
  name: string;
  role: string;
  scope: string;
  password_hash: string | null;
  telegram_user_id: string | null;
  disabled: boolean | number;
  created_at: unknown;
}

const ACCOUNT_COLUMNS = 'id, login, name, role, scope, password_hash, telegram_user_id, disabled, created_at';

function parseScope(text: string): string[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Rows are checked at the boundary: an unknown role is read as a disabled officer with no scope. */
function toAccount(r: AccountRow): StaffAccount {
  const known = (STAFF_ROLES as readonly string[]).includes(r.role);
  return {
    id: r.id,
    login: r.login,
    name: r.name,
    role: known ? (r.role as StaffRole) : 'officer',
    scope: known ? parseScope(r.scope) : [],
    hasPassword: r.password_hash !== null,
    telegramUserId: r.telegram_user_id,
    disabled: !known || r.disabled === true || r.disabled === 1,
    createdAt: toDate(r.created_at),
  };
}

/** A console session row. */
export interface SessionRow {
  accountId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** The SQL of staff accounts, sessions and sign-in failures. */
export class StaffAccountsRepository {
  constructor(private readonly db: Db) {}

  /** Inserts an account (the login is unique: a duplicate throws UniqueViolation). */
  async insert(a: {
    id: string;
    login: string;
    name: string;
    role: StaffRole;
    scope: string[];
    setupTokenHash: string;
    setupExpiresAt: Date;
    now: Date;
  }): Promise<void> {
    await this.db.run(
      `INSERT INTO staff_accounts (id, login, name, role, scope, password_hash, setup_token_hash, setup_expires_at,
                                   telegram_user_id, disabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL, ?, ?, ?)`,
      [a.id, a.login, a.name, a.role, JSON.stringify(a.scope), a.setupTokenHash, a.setupExpiresAt, false, a.now, a.now],
    );
  }

  async byId(id: string): Promise<StaffAccount | null> {
    const r = await this.db.get<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts WHERE id = ?`, [id]);
    return r ? toAccount(r) : null;
  }

  async byLogin(login: string): Promise<StaffAccount | null> {
    const r = await this.db.get<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts WHERE login = ?`, [login]);
    return r ? toAccount(r) : null;
  }

  async byTelegramUser(telegramUserId: string): Promise<StaffAccount | null> {
    const r = await this.db.get<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts WHERE telegram_user_id = ?`, [
      telegramUserId,
    ]);
    return r ? toAccount(r) : null;
  }

  /** The stored password hash of a login, with its account. */
  async credentials(login: string): Promise<{ account: StaffAccount; hash: string | null } | null> {
    const r = await this.db.get<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts WHERE login = ?`, [login]);
    return r ? { account: toAccount(r), hash: r.password_hash } : null;
  }

  async list(): Promise<StaffAccount[]> {
    const rows = await this.db.all<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts ORDER BY created_at, login`);
    return rows.map(toAccount);
  }

  async count(): Promise<number> {
    return Number((await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM staff_accounts'))?.n ?? 0);
  }

  /** The account a still valid one-time token belongs to. */
  async bySetupToken(tokenHash: string, now: Date): Promise<StaffAccount | null> {
    const r = await this.db.get<AccountRow & { setup_expires_at: unknown }>(
      `SELECT ${ACCOUNT_COLUMNS}, setup_expires_at FROM staff_accounts WHERE setup_token_hash = ?`,
      [tokenHash],
    );
    if (!r?.setup_expires_at || toDate(r.setup_expires_at).getTime() <= now.getTime()) return null;
    return toAccount(r);
  }

  /** Sets the password and spends the one-time token (only if it is still the same token). */
  async setPassword(accountId: string, tokenHash: string, passwordHash: string, now: Date): Promise<boolean> {
    const n = await this.db.run(
      `UPDATE staff_accounts SET password_hash = ?, setup_token_hash = NULL, setup_expires_at = NULL, updated_at = ?
        WHERE id = ? AND setup_token_hash = ?`,
      [passwordHash, now, accountId, tokenHash],
    );
    return n === 1;
  }

  /** A new one-time token; the old password stops working and the account's sessions end. */
  async resetSetupToken(accountId: string, tokenHash: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.db.batch([
      {
        sql: `UPDATE staff_accounts SET password_hash = NULL, setup_token_hash = ?, setup_expires_at = ?, updated_at = ? WHERE id = ?`,
        params: [tokenHash, expiresAt, now, accountId],
      },
      { sql: 'DELETE FROM staff_sessions WHERE account_id = ?', params: [accountId] },
    ]);
    return (await this.byId(accountId)) !== null;
  }

  async setDisabled(accountId: string, disabled: boolean, now: Date): Promise<void> {
    await this.db.batch([
      { sql: 'UPDATE staff_accounts SET disabled = ?, updated_at = ? WHERE id = ?', params: [disabled, now, accountId] },
      ...(disabled ? [{ sql: 'DELETE FROM staff_sessions WHERE account_id = ?', params: [accountId] }] : []),
    ]);
  }

  async setTelegramUser(accountId: string, telegramUserId: string | null, now: Date): Promise<void> {
    await this.db.run('UPDATE staff_accounts SET telegram_user_id = ?, updated_at = ? WHERE id = ?', [
      telegramUserId,
      now,
      accountId,
    ]);
  }

  // Sessions

  async insertSession(s: { id: string; accountId: string; csrfToken: string; now: Date; expiresAt: Date }): Promise<void> {
    await this.db.run(
      `INSERT INTO staff_sessions (id, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [s.id, s.accountId, s.csrfToken, s.now, s.now, s.expiresAt],
    );
  }

  async session(id: string): Promise<SessionRow | null> {
    const r = await this.db.get<{
      account_id: string;
      csrf_token: string;
      created_at: unknown;
      last_seen_at: unknown;
      expires_at: unknown;
    }>('SELECT account_id, csrf_token, created_at, last_seen_at, expires_at FROM staff_sessions WHERE id = ?', [id]);
    return r
      ? {
          accountId: r.account_id,
          csrfToken: r.csrf_token,
          createdAt: toDate(r.created_at),
          lastSeenAt: toDate(r.last_seen_at),
          expiresAt: toDate(r.expires_at),
        }
      : null;
  }

  async touchSession(id: string, now: Date): Promise<void> {
    await this.db.run('UPDATE staff_sessions SET last_seen_at = ? WHERE id = ?', [now, id]);
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.run('DELETE FROM staff_sessions WHERE id = ?', [id]);
  }

  /** Removes sessions that ended before `before` (housekeeping at sign-in). */
  async deleteExpiredSessions(before: Date): Promise<void> {
    await this.db.run('DELETE FROM staff_sessions WHERE expires_at < ?', [before]);
  }

  // Failed sign-ins

  async insertFailure(f: { id: string; login: string; address: string; at: Date }): Promise<void> {
    await this.db.run('INSERT INTO staff_signin_failures (id, login, address, at) VALUES (?, ?, ?, ?)', [
      f.id,
      f.login,
      f.address,
      f.at,
    ]);
  }

  /** Failures of one login from one address since a time, and the latest of them. */
  async failuresOf(login: string, address: string, since: Date): Promise<{ n: number; last: Date | null }> {
    const r = await this.db.get<{ n: number; last: unknown }>(
      'SELECT COUNT(*) AS n, MAX(at) AS last FROM staff_signin_failures WHERE login = ? AND address = ? AND at > ?',
      [login, address, since],
    );
    return { n: Number(r?.n ?? 0), last: r?.last ? toDate(r.last) : null };
  }

  /** Failures from one address (any login) since a time, and the latest of them. */
  async failuresFrom(address: string, since: Date): Promise<{ n: number; last: Date | null }> {
    const r = await this.db.get<{ n: number; last: unknown }>(
      'SELECT COUNT(*) AS n, MAX(at) AS last FROM staff_signin_failures WHERE address = ? AND at > ?',
      [address, since],
    );
    return { n: Number(r?.n ?? 0), last: r?.last ? toDate(r.last) : null };
  }

  /** Forgets the failures of a login from an address (after it signed in there). */
  async clearFailures(login: string, address: string): Promise<void> {
    await this.db.run('DELETE FROM staff_signin_failures WHERE login = ? AND address = ?', [login, address]);
  }

  /** Forgets every failure of a login (an admin unlocks it). */
  async clearLoginFailures(login: string): Promise<void> {
    await this.db.run('DELETE FROM staff_signin_failures WHERE login = ?', [login]);
  }

  async deleteFailuresBefore(before: Date): Promise<void> {
    await this.db.run('DELETE FROM staff_signin_failures WHERE at < ?', [before]);
  }
}
