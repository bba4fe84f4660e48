/** Console sessions: signed, expiring, bound to the token; form tokens; the sign-in limiter. */
import { describe, expect, it } from 'vitest';
import { ConsoleAuth, FailureLimiter, parseCookies, secretsEqual } from '../../src/staff/console.auth.js';

const TOKEN = 'staff-token-0123456789-abcdef';
const now = new Date('2026-11-29T07:00:00Z');

describe('console auth', () => {
  it('checks the token in constant time, whatever the lengths', () => {
    const auth = new ConsoleAuth(TOKEN);
    expect(auth.checkToken(TOKEN)).toBe(true);
    expect(auth.checkToken('')).toBe(false);
    expect(auth.checkToken(`${TOKEN}x`)).toBe(false);
    expect(secretsEqual('a', 'a')).toBe(true);
  });

  it('issues sessions that verify until they expire, and only with the same token', () => {
    const auth = new ConsoleAuth(TOKEN, 60_000);
    const cookie = auth.issue('E1001', now);
    expect(auth.verify(cookie, now)).toMatchObject({ employee: 'E1001' });
    expect(auth.verify(cookie, new Date(now.getTime() + 60_001))).toBeNull();
    expect(new ConsoleAuth('another-token-0123456789').verify(cookie, now)).toBeNull();
    expect(auth.verify(`${cookie}x`, now)).toBeNull();
    expect(auth.verify('garbage', now)).toBeNull();
    expect(auth.verify(undefined, now)).toBeNull();
  });

  it('derives a form token per session', () => {
    const auth = new ConsoleAuth(TOKEN);
    const a = auth.verify(auth.issue('E1', now), now);
    const b = auth.verify(auth.issue('E2', now), now);
    if (!a || !b) throw new Error('no session');
    expect(auth.checkFormToken(a, auth.formToken(a))).toBe(true);
    expect(auth.checkFormToken(a, auth.formToken(b))).toBe(false);
    expect(auth.checkFormToken(a, undefined)).toBe(false);
  });

  it('reads cookies and limits failed sign-ins per client', () => {
    expect(parseCookies('a=1; staff_session=x.y; a=2')).toEqual({ a: '1', staff_session: 'x.y' });
    const limiter = new FailureLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) limiter.fail('ip', now);
    expect(limiter.allowed('ip', now)).toBe(false);
    expect(limiter.allowed('other', now)).toBe(true);
    expect(limiter.allowed('ip', new Date(now.getTime() + 60_001))).toBe(true);
    limiter.fail('ip', now);
    limiter.reset('ip');
    expect(limiter.allowed('ip', now)).toBe(true);
  });
});
