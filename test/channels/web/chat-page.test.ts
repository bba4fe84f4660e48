/**
 * The web chat page in a real browser (Debian Chromium through playwright-core): Arabic and
 * right-to-left, choices as buttons, an English switch, a phone-width screen, and the conversation
 * surviving a reload. Screenshots are kept in test/artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../../support/app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = path.resolve(import.meta.dirname, '../../artifacts');

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  t = await startApp();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function lastBotText(page: Page): Promise<string> {
  return ((await page.locator('.msg.bot').last().textContent()) ?? '').trim();
}

describe.skipIf(!existsSync(CHROMIUM))('web chat page', () => {
  it('holds a conversation on a phone-width screen, in Arabic then English, and survives a reload', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'ar-SA',
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${t.url}/chat`);

    // Given a first visit: the greeting, right-to-left, and the menu as buttons.
    await page.locator('.msg.bot .choices button').first().waitFor();
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.locator('.msg.bot').first().textContent()).toContain(t.app.profile.name.ar);
    const buttons = page.locator('.msg.bot').last().locator('.choices button');
    expect(await buttons.count()).toBe(7);

    // When the person asks a question by typing.
    await page.fill('#input', 'متى الدوام؟');
    await page.press('#input', 'Enter');
    await page.locator('.msg.person', { hasText: 'متى الدوام' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.msg.bot').length >= 3);
    const answer = await lastBotText(page);
    expect(answer.length).toBeGreaterThan(10);

    // When they switch to English with the header button.
    await page.click('#switch');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    expect(await page.locator('#send').textContent()).toBe('Send');

    // Then go back to the menu and press a button.
    await page.fill('#input', 'menu');
    await page.press('#input', 'Enter');
    await page.locator('.msg.bot .choices button:not([disabled])', { hasText: 'Make a complaint' }).click();
    await page.locator('.msg.bot .choices button:not([disabled])', { hasText: 'I agree' }).waitFor();
    const before = await page.locator('.msg').count();

    // And the conversation survives a reload, with the current buttons still usable.
    await page.reload();
    await page.locator('.msg.bot .choices button:not([disabled])', { hasText: 'I agree' }).waitFor();
    expect(await page.locator('.msg').count()).toBe(before);
    await page.screenshot({ path: path.join(artifacts, 'web-chat-phone.png'), fullPage: true });

    // And a complaint is completed with a photo attached from the phone.
    await page.locator('.msg.bot .choices button:not([disabled])', { hasText: 'I agree' }).click();
    await page.locator('.msg.bot .choices button:not([disabled])', { hasText: 'Quality of service' }).first().waitFor();
    const bots = await page.locator('.msg.bot').count();
    await page.locator('.msg.bot .choices button:not([disabled])').first().click(); // the first category
    await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n, bots);
    await page.fill('#input', 'The staff did not answer my calls for more than a week.');
    await page.press('#input', 'Enter');
    await page.locator('.msg.bot .choices button:not([disabled])', { hasText: 'No attachment' }).waitFor();
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await page.setInputFiles('#file', { name: 'receipt.png', mimeType: 'image/png', buffer: png });
    await page.locator('.msg.person', { hasText: 'receipt.png' }).waitFor();
    await page
      .locator('.msg.bot .choices button:not([disabled])', { hasText: /confirm|submit/i })
      .first()
      .click();
    await page.locator('.msg.bot', { hasText: /C-[A-Z0-9]{4}-[A-Z0-9]{4}/ }).waitFor();
    const stored = await t.app.db.get<{ data: string }>('SELECT data FROM complaints');
    expect(JSON.parse(stored?.data ?? '{}').attachment).toMatchObject({ kind: 'image', fileName: 'receipt.png' });
    await page.screenshot({ path: path.join(artifacts, 'web-chat-complaint.png') });

    // Nothing is wider than the phone screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await context.close();
  });
});
