/**
 * The staff console's case work in a real browser (Debian Chromium through playwright-core;
 * issue 13 acceptance). Screenshots go to test/artifacts/:
 * - an officer opens a case of their category, and gets 403 on another category's case and on its
 *   documents;
 * - a whole case: the person asks for staff → the handoff alert in the console → claim →
 *   verification against the documents → the committee's decision → the person reads it in the
 *   web chat, their channel;
 * - a compensation claim: investigation record → negotiation → settlement → the person is told;
 * - markup typed by a person (`<img onerror>`, `<script>`) in a name, a message and a complaint is
 *   shown as text, and nothing runs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, startApp, type TestApp } from '../support/app.js';
import { addStaff, PASSWORD, PNG, seedCase, waitFor } from './support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = path.resolve(import.meta.dirname, '../artifacts');

let t: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  t = await startApp({}, { dispatcher: { pollMs: 50 } });
  await addStaff(t.app, 'huda', 'officer', ['social_research', 'general'], 'هدى الشهري');
  await addStaff(t.app, 'majed', 'officer', ['volunteering'], 'ماجد العتيبي');
  await addStaff(t.app, 'khalid', 'committee', ['research'], 'خالد الدوسري');
  await addStaff(t.app, 'amal', 'committee', ['followup'], 'أمل الزهراني');
  await addStaff(t.app, 'reem', 'officer', ['complaints'], 'ريم القرني');
  if (existsSync(CHROMIUM))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await t?.close();
});

/** A signed-in page for an account; phone-sized when asked. */
async function signedIn(login: string, phone = false): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    locale: 'ar-SA',
  });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${t.url}/staff/signin`);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/staff\/(handoffs|requests)/);
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

describe.skipIf(!existsSync(CHROMIUM))('the case in the staff console (browser)', () => {
  it('an officer opens a case of their category and gets 403 on another category’s case and its documents', async () => {
    const mine = await seedCase(t.app, t.dir, {
      kind: 'request',
      type: 'urgent_support',
      committee: 'research',
      data: { national_id: '1000000008', mobile: '+966501234567', situation: 'تضرر المنزل من السيول' },
      docs: { evidence: PNG },
    });
    const theirs = await seedCase(t.app, t.dir, {
      kind: 'request',
      type: 'volunteering',
      committee: 'volunteering',
      data: { national_id: '1000000016', mobile: '+966551112222', experience: 'تطوع سابق' },
    });
    const { page, problems } = await signedIn('huda');
    await page.click('a[href="/staff/requests"]');
    expect(await page.locator(`tr[data-ref="${mine.ref}"]`).count()).toBe(1);
    expect(await page.locator(`tr[data-ref="${theirs.ref}"]`).count()).toBe(0);
    await page.click(`a[href="/staff/cases/${mine.ref}"]`);
    expect(await page.getAttribute('#case-title', 'data-ref')).toBe(mine.ref);
    expect(await page.textContent('#form')).toContain('1000000008');
    // The document opens as an image, in its own sandboxed response
    const doc = await page.request.get(`${t.url}/staff/cases/${mine.ref}/documents/0`);
    expect(doc.status()).toBe(200);
    expect(doc.headers()['content-type']).toBe('image/png');
    await shot(page, 'staff-case-officer');

    const refused = await page.goto(`${t.url}/staff/cases/${theirs.ref}`);
    expect(refused?.status()).toBe(403);
    expect(await page.textContent('#forbidden')).toContain('لا تملك صلاحية');
    expect(await page.content()).not.toContain('1000000016');
    await shot(page, 'staff-case-forbidden');
    const refusedDoc = await page.request.get(`${t.url}/staff/cases/${theirs.ref}/documents/0`);
    expect(refusedDoc.status()).toBe(403);
    expect(problems).toEqual([]);
  });

  it('a whole case: handoff alert → claim → verification → decision → the person is told on their channel', async () => {
    // Given a person with a submitted request, who then asks for a member of staff in the web chat
    const person = new ChatClient(t.url);
    const { ref } = await seedCase(
      t.app,
      t.dir,
      {
        kind: 'request',
        type: 'urgent_support',
        committee: 'research',
        data: { national_id: '1000000008', mobile: '+966501234567', situation: 'انقطاع الدخل' },
        docs: { evidence: PNG },
      },
      { session: person.session },
    );
    await person.text('السلام عليكم');
    await person.text('أبي أكلم موظف');
    const handoff = String((await t.app.db.get<{ id: string }>("SELECT id FROM handoffs WHERE status = 'open'"))?.id);
    const alert = await t.app.db.get<{ payload: string }>(
      "SELECT payload FROM outbox WHERE channel = 'staff' AND payload LIKE ?",
      [`%${handoff}%`],
    );
    expect(alert).toBeDefined(); // the alert to staff

    // The officer sees the alert in the console and claims it, on a phone
    const officer = await signedIn('huda', true);
    const card = officer.page.locator(`#h-${handoff}`);
    expect(await card.getAttribute('data-status')).toBe('open');
    await card.locator('button[name=claim]').click();
    await officer.page.waitForURL(/flash=claimed/);
    await shot(officer.page, 'staff-case-claimed-phone');

    // ... opens the case and checks the ID against the document
    await officer.page.goto(`${t.url}/staff/cases/${ref}`);
    await officer.page.locator('tr[data-field="national_id"] button[value=matched]').click();
    await officer.page.waitForURL(/flash=verified/);
    expect(await officer.page.textContent('tr[data-field="national_id"] .verify')).toContain('هدى الشهري');
    await officer.page.fill('#note-text', 'تحققت من الهوية مع المستفيد');
    await officer.page.locator('#notes button[type=submit]').click();
    await officer.page.waitForURL(/flash=noted/);
    await shot(officer.page, 'staff-case-verified-phone');

    // The committee member decides
    const committee = await signedIn('khalid');
    await committee.page.goto(`${t.url}/staff/cases/${ref}`);
    await committee.page.selectOption('#decision', 'approved');
    await committee.page.fill('#decision-note', 'نرجو مراجعة الجمعية يوم الأحد لاستلام الدعم');
    await committee.page.locator('#decision-form button[type=submit]').click();
    await committee.page.waitForURL(/flash=decided/);
    expect(await committee.page.getAttribute('#case-title', 'data-status')).toBe('approved');
    expect(await committee.page.textContent('#history')).toContain('staff:khalid');
    await shot(committee.page, 'staff-case-decided');

    // The person reads the decision in the web chat (their channel)
    await waitFor(async () => {
      const hist = (await (await fetch(`${t.url}/chat/api/messages?session=${person.session}&after=0`)).json()) as {
        messages: { text: string }[];
      };
      return hist.messages.some((m) => m.text.includes('نرجو مراجعة الجمعية يوم الأحد') && m.text.includes(ref));
    }, 'the decision in the web chat');
    expect([...officer.problems, ...committee.problems]).toEqual([]);
  });

  it('a compensation claim: investigation record → negotiation → settlement → the person is told', async () => {
    const person = new ChatClient(t.url);
    const { ref } = await seedCase(
      t.app,
      t.dir,
      {
        kind: 'complaint',
        category: 'compensation',
        committee: 'followup',
        description: 'تلف أثاثي أثناء نقل المساعدات',
        data: { harm: 'كسر طاولة', amount: 800 },
        doc: PNG,
      },
      { session: person.session },
    );
    const officer = await signedIn('reem');
    await officer.page.goto(`${t.url}/staff/cases/${ref}`);
    await officer.page.fill('#inv-date', '2026-11-30');
    await officer.page.fill('#inv-approved', 'لجنة المتابعة');
    await officer.page.selectOption('#inv-finding', 'caused');
    await officer.page.fill('#inv-summary', 'ثبت الكسر أثناء النقل بحسب محضر الاستلام');
    await officer.page.locator('#comp-investigation button[type=submit]').click();
    await officer.page.waitForURL(/flash=stepSaved/);
    await officer.page.fill('#neg-offer', '٦٠٠');
    await officer.page.fill('#neg-summary', 'عُرض ٦٠٠ ريال وطلب المستفيد ٨٠٠');
    await officer.page.locator('#comp-negotiation button[type=submit]').click();
    await officer.page.waitForURL(/flash=stepSaved/);
    expect(await officer.page.locator('#compensation li[data-step]').count()).toBe(2);

    const committee = await signedIn('amal');
    await committee.page.goto(`${t.url}/staff/cases/${ref}`);
    await committee.page.selectOption('#set-outcome', 'amount');
    await committee.page.fill('#set-amount', '700');
    await committee.page.fill('#set-message', 'تم الاتفاق على تعويضك بمبلغ ٧٠٠ ريال، ويصلك خلال أسبوع.');
    await committee.page.locator('#comp-settlement button[type=submit]').click();
    await committee.page.waitForURL(/flash=settled/);
    expect(await committee.page.getAttribute('#case-title', 'data-status')).toBe('resolved');
    expect(await committee.page.locator('#compensation li[data-step]').count()).toBe(3);
    await shot(committee.page, 'staff-case-compensation');
    await waitFor(async () => {
      const hist = (await (await fetch(`${t.url}/chat/api/messages?session=${person.session}&after=0`)).json()) as {
        messages: { text: string }[];
      };
      return hist.messages.some((m) => m.text.includes('تم الاتفاق على تعويضك بمبلغ ٧٠٠ ريال'));
    }, 'the outcome in the web chat');
    expect([...officer.problems, ...committee.problems]).toEqual([]);
  });

  it('shows a person’s markup in a name, a message and a complaint as text; nothing runs', async () => {
    const img = '<img src=x onerror="document.title=\'pwned\'">';
    const script = '<script>document.title="pwned"</script>';
    const request = await seedCase(
      t.app,
      t.dir,
      {
        kind: 'request',
        type: 'event_participation',
        committee: 'programs',
        data: { full_name: img, special_needs: script },
      },
      { messages: [`${img} ${script}`] },
    );
    const complaint = await seedCase(t.app, t.dir, {
      kind: 'complaint',
      category: 'service',
      committee: 'followup',
      description: `${script} ${img}`,
    });
    await addStaff(t.app, 'nasser', 'manager', [], 'ناصر');
    const { page, problems } = await signedIn('nasser');
    for (const ref of [request.ref, complaint.ref]) {
      await page.goto(`${t.url}/staff/cases/${ref}`);
      expect(await page.title()).not.toBe('pwned');
      expect(await page.locator('main img').count()).toBe(0);
      expect(await page.locator('main script').count()).toBe(0);
    }
    await page.goto(`${t.url}/staff/cases/${request.ref}`);
    expect(await page.textContent('#form')).toContain(img);
    expect(await page.textContent('#form')).toContain(script);
    expect(await page.textContent('#transcript')).toContain(img);
    await page.goto(`${t.url}/staff/cases/${complaint.ref}`);
    expect(await page.textContent('#form')).toContain(script);
    await shot(page, 'staff-case-markup-as-text');
    expect(problems).toEqual([]);
  });
});
