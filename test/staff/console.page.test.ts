/**
 * The staff console in a real browser (Debian Chromium through playwright-core): sign in, the
 * handoffs page in Arabic right-to-left with its styles allowed by the page's CSP, claim, reply,
 * hand back, the English switch, and the satisfaction chart. Screenshots go to test/artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, startApp, type TestApp } from '../support/app.js';
import { addStaff, PASSWORD, seedCases } from './support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = path.resolve(import.meta.dirname, '../artifacts');

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  t = await startApp({}, { dispatcher: { pollMs: 50 } });
  await addStaff(t.app, 'e5001', 'manager', [], 'نورة القحطاني');
  if (existsSync(CHROMIUM))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe.skipIf(!existsSync(CHROMIUM))('staff console page', () => {
  it('signs in, takes over a conversation, hands it back and shows the satisfaction chart', async () => {
    // Given a person waiting for staff, and some ratings
    await seedCases(t.app, { scores: [5, 4, 4, 2, 5, 3, 5] });
    const person = new ChatClient(t.url);
    await person.text('السلام عليكم');
    await person.text('أبي أكلم موظف');
    const id = String((await t.app.db.get<{ id: string }>("SELECT id FROM handoffs WHERE status = 'open'"))?.id);

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'ar-SA' });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });

    // A wrong password is refused on the page
    await page.goto(`${t.url}/staff`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await page.fill('#login', 'e5001');
    await page.fill('#password', 'wrong-password-0123');
    await page.click('button[type=submit]');
    expect(await page.textContent('.flash.error')).toContain('اسم الدخول أو كلمة المرور غير صحيحة');

    // Signed in: the handoffs page, Arabic, right-to-left, styled (the CSP allows the stylesheet)
    await page.fill('#login', 'e5001');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/staff/handoffs');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    const headerColor = await page.$eval('header', (el) => getComputedStyle(el).backgroundColor);
    expect(headerColor).toBe('rgb(15, 92, 77)');
    const card = page.locator(`#h-${id}`);
    expect(await card.getAttribute('data-status')).toBe('open');
    expect(await card.textContent()).toContain('طلب المستفيد التحدث مع موظف');
    expect(await page.textContent('header .who')).toContain('نورة القحطاني');
    await page.screenshot({ path: path.join(artifacts, 'staff-console-handoffs.png'), fullPage: true });

    // Claim, reply, read the conversation, hand back
    await card.locator('button[name=claim]').click();
    await page.waitForURL(/flash=claimed/);
    expect(await page.locator(`#h-${id}`).getAttribute('data-status')).toBe('claimed');
    await page.fill(`#reply-${id}`, 'مرحبًا بك، معك فريق الخدمة. كيف نخدمك؟');
    await page.locator(`#h-${id} .reply button[type=submit]`).click();
    await page.waitForURL(/flash=replied/);
    await person.text('أريد معرفة موعد صرف الدعم');
    await page.reload();
    const log = page.locator(`#h-${id} .log`);
    expect(await log.textContent()).toContain('أريد معرفة موعد صرف الدعم');
    expect(await log.textContent()).toContain('مرحبًا بك، معك فريق الخدمة');
    await page.screenshot({ path: path.join(artifacts, 'staff-console-claimed.png'), fullPage: true });
    await page.locator(`#h-${id} button.secondary`).click();
    await page.waitForURL(/flash=handedBack/);
    expect(await page.locator(`#h-${id}`).count()).toBe(0);

    // The satisfaction page: figures and the SVG chart, then in English, left-to-right
    await page.click('a[href="/staff/satisfaction"]');
    const bars = page.locator('svg.chart rect.bar');
    expect(await bars.count()).toBe(5);
    expect(await bars.nth(4).getAttribute('data-count')).toBe('3');
    const box = await page.locator('svg.chart').boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    await page.screenshot({ path: path.join(artifacts, 'staff-console-satisfaction.png'), fullPage: true });
    await page.click('#switch-lang');
    expect(await page.getAttribute('html', 'dir')).toBe('ltr');
    expect(await page.textContent('h2')).toBe('Beneficiary satisfaction');
    expect(await page.textContent('#fig-csat .n')).toBe('71.4%');

    expect(blocked).toEqual([]);
    const audit = await t.app.db.all<{ action: string }>(
      "SELECT action FROM staff_audit WHERE staff_id = 'staff:e5001' ORDER BY at",
    );
    expect(audit.map((a) => a.action)).toEqual([
      'console.signin_failed',
      'console.signin',
      'handoff.claim',
      'handoff.reply',
      'handoff.handback',
    ]);
    await context.close();
  });
});
