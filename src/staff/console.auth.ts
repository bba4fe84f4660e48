/**
 * Sign-in of the staff console (R6: access control). Staff sign in with the shared `STAFF_TOKEN`
 * and their employee number; the console then keeps a signed session in an HttpOnly,
 * SameSite=Strict cookie. Secrets are compared in constant time (as digests, so their lengths do
 * not leak either). The signing key is derived from the token: changing the token signs everyone
 * out. Forms carry a token derived from the session, so a request forged from another site fails
 * even where SameSite is not honoured.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The name of the session cookie. */
export const SESSION_COOKIE = 'staff_session';

/** A signed-in staff member. */
export interface StaffSession {
  /** The employee number typed at sign-in. */
  employee: string;
  /** Expiry, ms since epoch. */
  exp: number;
  /** The cookie value, from which the form token is derived. */
  raw: string;
}

/** Employee numbers: short, Latin, safe to show and to store in the audit. */
export const EMPLOYEE_NUMBER = /^[A-Za-z0-9._-]{2,32}$/;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** True when two secrets are equal, in time independent of their content and length. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Issues and checks console sessions for one `STAFF_TOKEN`. */
export class ConsoleAuth {
  private readonly key: Buffer;

  constructor(
    private readonly token: string,
    private readonly ttlMs = 12 * 3_600_000,
  ) {
    this.key = createHmac('sha256', token).update('staff-console-session-v1').digest();
  }

  /** True when the token typed at sign-in is the configured one. */
  checkToken(given: string): boolean {
    return secretsEqual(given, this.token);
  }

  /** The cookie value of a new session. */
  issue(employee: string, now: Date): string {
    const body = Buffer.from(JSON.stringify({ e: employee, x: now.getTime() + this.ttlMs }), 'utf8').toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The session a cookie value carries, or null when it is forged, malformed or expired. */
  verify(value: string | undefined, now: Date): StaffSession | null {
    if (!value) return null;
    const [body, sig, extra] = value.split('.');
    if (!body || !sig || extra !== undefined) return null;
    if (!secretsEqual(sig, this.sign(body))) return null;
    try {
      const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { e?: unknown; x?: unknown };
      if (typeof parsed.e !== 'string' || !EMPLOYEE_NUMBER.test(parsed.e) || typeof parsed.x !== 'number') return null;
      if (parsed.x <= now.getTime()) return null;
      return { employee: parsed.e, exp: parsed.x, raw: value };
    } catch {
      return null;
    }
  }

  /** The form token of a session. */
  formToken(session: StaffSession): string {
    return this.sign(`form:${session.raw}`);
  }

  /** True when a submitted form token belongs to the session. */
  checkFormToken(session: StaffSession, given: unknown): boolean {
    return typeof given === 'string' && secretsEqual(given, this.formToken(session));
  }

  /** Seconds a session lasts (the cookie's Max-Age). */
  get maxAgeSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  private sign(s: string): string {
    return createHmac('sha256', this.key).update(s).digest('base64url');
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

/**
 * Counts failed sign-ins per client; after `max` failures within `windowMs` the client is refused
 * until the window has passed (slows down guessing the token). In-process: one per instance.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** True when the client may try again. */
  allowed(key: string, now: Date): boolean {
    return this.recent(key, now).length < this.max;
  }

  /** Records a failure. */
  fail(key: string, now: Date): void {
    const list = this.recent(key, now);
    list.push(now.getTime());
    this.failures.set(key, list);
    if (this.failures.size > 10_000)
      for (const [k] of this.failures) if (this.recent(k, now).length === 0) this.failures.delete(k);
  }

  /** Forgets a client's failures (after a successful sign-in). */
  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: Date): number[] {
    const since = now.getTime() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }
}
