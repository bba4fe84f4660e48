/**
 * The staff console over HTTP (issue 13, R6 access control, R3c handoffs, R8 figures): named
 * accounts with passwords, sessions in the database in an HttpOnly SameSite=Strict cookie, Arabic
 * right-to-left pages with an English switch, claim / reply / hand back with their audit rows,
 * masked national IDs in lists, and the satisfaction chart as inline SVG.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, startApp, type TestApp } from '../support/app.js';
import { addStaff, ConsoleClient, PASSWORD, seedCases } from './support.js';

describe('staff console without accounts', () => {
  it('says on the sign-in page how to create the first admin', async () => {
    const t = await startApp();
    try {
      const res = await fetch(`${t.url}/staff/handoffs`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      const page = await (await fetch(`${t.url}/staff/signin`)).text();
      expect(page).toContain('id="no-accounts"');
      expect(page).toContain('npm run cli -- staff add');
    } finally {
      await t.close();
    }
  });
});

describe('staff console', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({}, { dispatcher: { pollMs: 50 } });
    for (const login of ['e1001', 'e1002', 'e2001', 'e2002', 'e3001', 'e4001']) await addStaff(t.app, login, 'manager');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses a wrong password, pages without a session, and a forged cookie', async () => {
    const c = new ConsoleClient(t.url);
    // Without a session: to the sign-in page, which is Arabic and right-to-left
    const first = await c.get('/staff/handoffs');
    expect(first.status).toBe(303);
    expect(first.location).toBe('/staff/signin');
    const signin = await c.get('/staff/signin');
    expect(signin.html).toContain('<html lang="ar" dir="rtl">');
    expect(signin.html).toContain('تسجيل دخول الموظفين');
    expect(signin.html).not.toContain('id="no-accounts"');

    // A wrong password: 401, no session cookie, an audit row of the failed attempt
    const wrong = await c.post('/staff/signin', { login: 'E1001', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('اسم الدخول أو كلمة المرور غير صحيحة');
    expect(wrong.setCookie.join(' ')).not.toContain('staff_session=');
    expect((await c.get('/staff/handoffs')).status).toBe(303);
    const failed = await t.app.db.get<{ staff_id: string }>(
      "SELECT staff_id FROM staff_audit WHERE action = 'console.signin_failed'",
    );
    expect(failed?.staff_id).toBe('staff:e1001');
    // An unknown login is refused the same way
    expect((await c.post('/staff/signin', { login: 'nobody', password: PASSWORD })).status).toBe(401);

    // A forged cookie is not a session
    c.setCookie('staff_session', 'A'.repeat(43));
    expect((await c.get('/staff/handoffs')).status).toBe(303);
  });

  it('signs in to an HttpOnly, SameSite=Strict session kept in the database, and signs out', async () => {
    const c = new ConsoleClient(t.url);
    const res = await c.post('/staff/signin', { login: 'e1002', password: PASSWORD }, false);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/staff/handoffs');
    const cookie = res.setCookie.find((s) => s.startsWith('staff_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/staff/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP here; Secure behind TLS
    const page = await c.get('/staff/handoffs');
    expect(page.status).toBe(200);
    expect(page.html).toContain('موظف e1002 (مدير)');
    // The database holds a hash of the cookie's token, never the token
    const value = c.cookie('staff_session') ?? '';
    const rows = await t.app.db.all<{ id: string }>('SELECT id FROM staff_sessions');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.id)).not.toContain(value);

    // A form without the page's token is refused
    const noToken = await fetch(`${t.url}/staff/handoffs/00000000-0000-0000-0000-000000000000/claim`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `staff_session=${value}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(noToken.status).toBe(403);
    // Signing out ends the session, also for a copy of the cookie
    const out = await c.post('/staff/signout', {});
    expect(out.html).toContain('تسجيل دخول الموظفين');
    expect((await c.get('/staff/handoffs')).status).toBe(303);
    const copy = await fetch(`${t.url}/staff/handoffs`, { redirect: 'manual', headers: { cookie: `staff_session=${value}` } });
    expect(copy.status).toBe(303);
    const actions = await t.app.db.all<{ action: string }>(
      "SELECT action FROM staff_audit WHERE staff_id = 'staff:e1002' ORDER BY at",
    );
    expect(actions.map((a) => a.action)).toEqual(['console.signin', 'console.signout']);
  });

  it('claims, replies and hands back a handoff, with the messages shown masked to the holder only', async () => {
    // Given a person who typed their national ID, then asked for a person
    const person = new ChatClient(t.url);
    await person.text('السلام عليكم');
    await person.choose('request');
    await person.choose('accept');
    await person.choose('type:urgent_support');
    await person.text('1000000008');
    await person.text('أبي أكلم موظف');
    const id = String((await t.app.db.get<{ id: string }>("SELECT id FROM handoffs WHERE status = 'open'"))?.id);
    const caseId = id.slice(0, 8);

    const staff = new ConsoleClient(t.url);
    let page = await staff.signIn('e2001');
    expect(page.html).toContain(`data-case="${caseId}" data-status="open"`);
    expect(page.html).toContain('طلب المستفيد التحدث مع موظف');
    expect(page.html).toContain('الخدمة: تقديم طلب'); // the summary, labelled and named
    expect(page.html).not.toContain('class="log"'); // no messages before claiming

    // Claim
    page = await staff.post(`/staff/handoffs/${id}/claim`, {});
    expect(page.html).toContain(`استلمت الحالة ${caseId}`);
    expect(page.html).toContain(`data-case="${caseId}" data-status="claimed"`);
    expect(page.html).toContain('class="log"');
    expect(page.html).toContain('1*******08'); // the national ID, masked
    expect(page.html).not.toContain('1000000008');

    // Another staff member sees it is taken, without the messages, and cannot act on it
    const other = new ConsoleClient(t.url);
    const seen = await other.signIn('e2002');
    expect(seen.html).toContain('staff:e2001');
    expect(seen.html).not.toContain('1*******08');
    const refused = await other.post(`/staff/handoffs/${id}/reply`, { text: 'مرحبا' });
    expect(refused.html).toContain(`استلم زميل آخر الحالة ${caseId}`);

    // Reply: the person reads it in the web chat
    page = await staff.post(`/staff/handoffs/${id}/reply`, { text: 'أهلًا بك، كيف أخدمك؟' });
    expect(page.html).toContain(`أُرسل ردّك في الحالة ${caseId}`);
    const hist = (await (await fetch(`${t.url}/chat/api/messages?session=${person.session}&after=0`)).json()) as {
      messages: { text: string }[];
    };
    expect(hist.messages.at(-1)?.text).toBe('👤 رد الموظف: أهلًا بك، كيف أخدمك؟');

    // Hand back: the person gets the menu, the handoff leaves the list
    page = await staff.post(`/staff/handoffs/${id}/handback`, {});
    expect(page.html).toContain(`أُعيدت الحالة ${caseId} إلى المساعد الآلي`);
    expect(page.html).not.toContain(`data-case="${caseId}" data-status`);
    expect(page.html).toContain('أُغلقت مؤخرًا');

    const audit = await t.app.db.all<{ staff_id: string; action: string }>(
      'SELECT staff_id, action FROM staff_audit WHERE subject_id = ? ORDER BY at, action',
      [id],
    );
    expect(audit).toEqual([
      { staff_id: 'staff:e2001', action: 'handoff.claim' },
      { staff_id: 'staff:e2001', action: 'handoff.reply' },
      { staff_id: 'staff:e2001', action: 'handoff.handback' },
    ]);
  });

  it('lists requests and complaints with status and due date, national IDs masked, in Arabic or English', async () => {
    const { requestRef, complaintRef } = await seedCases(t.app);
    const c = new ConsoleClient(t.url);
    await c.signIn('e3001');
    const requests = await c.get('/staff/requests');
    expect(requests.html).toContain('<html lang="ar" dir="rtl">');
    expect(requests.html).toContain(requestRef);
    expect(requests.html).toContain('قيد الدراسة'); // under_review
    expect(requests.html).toContain('متأخر'); // a maximum, due yesterday (R3e)
    expect(requests.html).toContain('1*******08');
    expect(requests.html).toContain('05X XXX XX67');
    expect(requests.html).not.toContain('1000000008');
    expect(requests.html).not.toContain('501234567');
    const filtered = await c.get('/staff/requests?status=served');
    expect(filtered.html).not.toContain(requestRef);

    const complaints = await c.get('/staff/complaints?lang=en');
    expect(complaints.html).toContain('<html lang="en" dir="ltr">');
    expect(complaints.html).toContain(complaintRef);
    expect(complaints.html).toContain('Answer due');
    expect(complaints.html).toContain('no deadline'); // R3e: none stated, none shown
    expect(complaints.html).not.toContain('Overdue');
    // The language choice is remembered
    expect((await c.get('/staff/requests')).html).toContain('<html lang="en" dir="ltr">');
    expect((await c.get('/staff/requests?lang=ar')).html).toContain('<html lang="ar" dir="rtl">');
  });

  it('shows the satisfaction figures and their chart as inline SVG', async () => {
    await seedCases(t.app, { scores: [5, 5, 4, 3, 1] });
    const c = new ConsoleClient(t.url);
    await c.signIn('e4001');
    const page = await c.get('/staff/satisfaction?lang=en');
    expect(page.html).toContain('<svg');
    expect(page.html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(page.html).toMatch(/id="fig-count"><div>Ratings<\/div><div class="n">5</);
    expect(page.html).toMatch(/id="fig-average">.*3\.6</);
    expect(page.html).toMatch(/id="fig-csat">.*60%</);
    for (const [score, n] of [
      [1, 1],
      [2, 0],
      [3, 1],
      [4, 1],
      [5, 2],
    ])
      expect(page.html).toContain(`data-score="${score}" data-count="${n}"`);
    const ar = await c.get('/staff/satisfaction?lang=ar');
    expect(ar.html).toContain('<html lang="ar" dir="rtl">');
    expect(ar.html).toContain('نسبة الرضا');
    expect(ar.html).toContain('٦٠٪');
  });
});
