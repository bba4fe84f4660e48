/**
 * Named staff accounts (issue 13, R6): the CLI's one-time sign-in link, argon2id passwords,
 * sign-in throttled and locked per login and address (one attacker cannot lock everyone out),
 * sessions in the database that expire, and CSRF refusal on every form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/domain/profile.js';
import { AccountService, ADDRESS_LIMIT, LOCK_AFTER, WINDOW_MS } from '../../src/staff/accounts.js';
import { IDLE_MS, SESSION_MS, SessionStore } from '../../src/staff/console.auth.js';
import { staffCommand } from '../../src/staff/staff.cli.js';
import { startApp, type TestApp } from '../support/app.js';
import { addStaff, ConsoleClient, PASSWORD } from './support.js';

let t: TestApp;
let now = new Date('2026-12-01T07:00:00Z');

beforeAll(async () => {
  t = await startApp({}, { clock: () => now });
});

afterAll(async () => {
  await t?.close();
});

describe('staff accounts', () => {
  it('are made by the CLI with a one-time link on which the person chooses a password (argon2id)', async () => {
    const profile = loadProfile(t.app.config.profilePath);
    const help = await staffCommand(['--help'], t.app.config, profile);
    expect(help.out).toContain('add --name');
    expect(help.out).toContain('link-telegram');
    const bad = await staffCommand(['add', '--name', 'x', '--role', 'officer', '--categories', 'nope'], t.app.config, profile);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('unknown category: nope');
    const made = await staffCommand(
      ['add', '--name', 'Huda Saad', '--role', 'officer', '--categories', 'social_research', '--url', t.url],
      t.app.config,
      profile,
      now,
    );
    expect(made.code).toBe(0);
    expect(made.out).toContain('login: huda.saad');
    const link = /(http:\/\/\S+\/staff\/setup\?token=\S+)/.exec(made.out)?.[1] ?? '';
    expect(link).not.toBe('');

    // The link opens the setup page once; the password is stored as argon2id, never in clear
    const c = new ConsoleClient(t.url);
    const setup = await c.get(link.slice(t.url.length));
    expect(setup.status).toBe(200);
    expect(setup.html).toContain('huda.saad');
    const token = new URL(link).searchParams.get('token') ?? '';
    expect((await c.post('/staff/setup', { token, password: 'short', confirm: 'short' })).status).toBe(400);
    const done = await c.post('/staff/setup', { token, password: PASSWORD, confirm: PASSWORD });
    expect(done.html).toContain('حُفظت كلمة المرور');
    const row = await t.app.db.get<{ password_hash: string; setup_token_hash: string | null }>(
      "SELECT password_hash, setup_token_hash FROM staff_accounts WHERE login = 'huda.saad'",
    );
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.setup_token_hash).toBeNull();
    expect((await c.get(link.slice(t.url.length))).status).toBe(410); // used once
    const signedIn = await c.signIn('huda.saad');
    expect(signedIn.html).toContain('Huda Saad');
    const list = await staffCommand(['list'], t.app.config, profile);
    expect(list.out).toMatch(/huda\.saad\tofficer\tsocial_research\tactive/);
  });

  it('locks a login for the address that keeps failing, not for its owner elsewhere; limits an address across logins', async () => {
    await addStaff(t.app, 'locked.one', 'officer', ['general']);
    const accounts = new AccountService(t.app.db);
    const attacker = '203.0.113.9';
    for (let i = 0; i < LOCK_AFTER; i++) expect((await accounts.signIn('locked.one', 'guess', attacker, now)).ok).toBe(false);
    // Locked for that address, even with the right password
    expect(await accounts.signIn('locked.one', PASSWORD, attacker, now)).toMatchObject({ ok: false, reason: 'locked' });
    // The owner, from their own address, is not locked out
    expect((await accounts.signIn('locked.one', PASSWORD, '198.51.100.7', now)).ok).toBe(true);
    // After the window the lock ends
    const later = new Date(now.getTime() + WINDOW_MS + 1000);
    expect((await accounts.signIn('locked.one', PASSWORD, attacker, later)).ok).toBe(true);

    // One address guessing across many logins is refused for all of them
    const sprayer = '203.0.113.50';
    for (let i = 0; i < ADDRESS_LIMIT; i++) await accounts.signIn(`user${i}`, 'guess', sprayer, now);
    expect(await accounts.signIn('locked.one', PASSWORD, sprayer, now)).toMatchObject({ ok: false, reason: 'addressLimited' });
    expect((await accounts.signIn('locked.one', PASSWORD, '198.51.100.8', now)).ok).toBe(true);
  });

  it('answers 429 on the sign-in page once locked, with an audit row', async () => {
    await addStaff(t.app, 'web.locked', 'officer', ['general']);
    const c = new ConsoleClient(t.url);
    for (let i = 0; i < LOCK_AFTER; i++) await c.post('/staff/signin', { login: 'web.locked', password: 'guess' });
    const refused = await c.post('/staff/signin', { login: 'web.locked', password: PASSWORD });
    expect(refused.status).toBe(429);
    expect(refused.html).toContain('محاولات خاطئة كثيرة');
    const rows = await t.app.db.all<{ action: string }>("SELECT action FROM staff_audit WHERE staff_id = 'staff:web.locked'");
    expect(rows.filter((r) => r.action === 'console.signin_failed')).toHaveLength(LOCK_AFTER);
    expect(rows.filter((r) => r.action === 'console.signin_locked')).toHaveLength(1);
  });

  it('ends a session after an idle hour or twelve hours, and for a disabled account', async () => {
    const account = await addStaff(t.app, 'session.user', 'manager');
    const sessions = new SessionStore(t.app.db);
    const start = new Date('2026-12-01T08:00:00Z');
    const cookie = await sessions.create(account.id, start);
    expect(await sessions.resolve(cookie, new Date(start.getTime() + IDLE_MS - 1000))).not.toBeNull();
    expect(await sessions.resolve(cookie, new Date(start.getTime() + 2 * IDLE_MS))).toBeNull();
    // Used steadily, it still ends at twelve hours
    const steady = await sessions.create(account.id, start);
    let at = start.getTime();
    while (at + 30 * 60_000 < start.getTime() + SESSION_MS) {
      at += 30 * 60_000;
      expect(await sessions.resolve(steady, new Date(at))).not.toBeNull();
    }
    expect(await sessions.resolve(steady, new Date(start.getTime() + SESSION_MS))).toBeNull();
    // Over HTTP: the console's clock moves past the idle time, and the page asks to sign in again
    const c = new ConsoleClient(t.url);
    await c.signIn('session.user');
    expect((await c.get('/staff/handoffs')).status).toBe(200);
    const saved = now;
    now = new Date(now.getTime() + IDLE_MS + 1000);
    try {
      expect((await c.get('/staff/handoffs')).status).toBe(303);
    } finally {
      now = saved;
    }
    // Disabling an account ends its sessions
    await c.signIn('session.user');
    await new AccountService(t.app.db).repo.setDisabled(account.id, true, now);
    expect((await c.get('/staff/handoffs')).status).toBe(303);
  });

  it('refuses every form without the session’s form token (CSRF)', async () => {
    await addStaff(t.app, 'csrf.user', 'manager');
    const c = new ConsoleClient(t.url);
    await c.signIn('csrf.user');
    for (const path of ['/staff/signout', '/staff/handoffs/00000000-0000-0000-0000-000000000000/claim']) {
      const res = await c.post(path, { _token: 'forged' }, false);
      expect(res.status).toBe(403);
      expect(res.html).toContain('انتهت صلاحية النموذج');
    }
    // The session is still there: the forged sign-out did nothing
    expect((await c.get('/staff/handoffs')).status).toBe(200);
  });

  it('behind a TLS proxy the app trusts: Secure cookies, and each client counted by its own address', async () => {
    await addStaff(t.app, 'proxied', 'manager');
    t.app.http.set('trust proxy', true);
    try {
      const signIn = (password: string, address: string) =>
        fetch(`${t.url}/staff/signin`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-forwarded-proto': 'https',
            'x-forwarded-for': address,
          },
          body: new URLSearchParams({ login: 'proxied', password }).toString(),
        });
      const ok = await signIn(PASSWORD, '192.0.2.10');
      expect(ok.status).toBe(303);
      expect(ok.headers.getSetCookie().find((c) => c.startsWith('staff_session='))).toMatch(/; Secure/);
      // One address locked out through the proxy; another client behind the same proxy is not
      for (let i = 0; i < LOCK_AFTER; i++) await signIn('guess', '192.0.2.66');
      expect((await signIn(PASSWORD, '192.0.2.66')).status).toBe(429);
      expect((await signIn(PASSWORD, '192.0.2.11')).status).toBe(303);
    } finally {
      t.app.http.set('trust proxy', false);
    }
  });
});
