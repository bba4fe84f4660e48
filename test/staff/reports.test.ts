/**
 * Management reports (issue 13; R8; 002 د, 004): figures computed from real rows — satisfaction by
 * month, service and question; answers on time and late per committee, a maximum late and a
 * minimum never late; complaints by category and outcome; inquiries handed to staff; time to
 * claim a handoff — as a page with charts (Chart.js from the app, no CDN) and as CSV; managers only.
 * The browser part checks that the charts are drawn from those rows.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestProfile } from '../api/helpers.js';
import { startApp, type TestApp } from '../support/app.js';
import { addStaff, ConsoleClient, PASSWORD, seedCase } from './support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = path.resolve(import.meta.dirname, '../artifacts');
let t: TestApp;
const day = 86_400_000;
const base = new Date('2026-10-05T07:00:00Z');

/** A decision on a case at a time. */
async function decide(ref: string, status: string, at: Date) {
  const kind = ref.startsWith('R-') ? 'request' : 'complaint';
  const table = kind === 'request' ? 'requests' : 'complaints';
  await t.app.db.batch([
    { sql: `UPDATE ${table} SET status = ? WHERE ref = ?`, params: [status, ref] },
    {
      sql: `INSERT INTO status_events (id, ${kind}_id, status, note, actor, at) SELECT ?, id, ?, NULL, 'back_office', ? FROM ${table} WHERE ref = ?`,
      params: [randomUUID(), status, at, ref],
    },
  ]);
}

async function rate(ref: string, score: number, at: Date) {
  const kind = ref.startsWith('R-') ? 'request' : 'complaint';
  const table = kind === 'request' ? 'requests' : 'complaints';
  await t.app.db.run(
    `INSERT INTO ratings (id, beneficiary_id, ${kind}_id, score, created_at) SELECT ?, beneficiary_id, id, ?, ? FROM ${table} WHERE ref = ?`,
    [randomUUID(), score, at, ref],
  );
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // R3e: the follow-up committee as if its policy stated a maximum of 5 working days (no shipped
  // profile does: complaints have no deadline); the research committee keeps its minimum (seed 000).
  const profile = writeTestProfile(mkdtempSync(path.join(tmpdir(), 'reports-')), (p) => {
    for (const c of p.committees as { id: string; deadline: unknown }[])
      if (c.id === 'followup') c.deadline = { kind: 'within', days: 5, unit: 'working', from: 'submission' };
  });
  t = await startApp({ ORG_PROFILE: profile }, { clock: () => new Date('2026-11-30T09:00:00Z'), dispatcher: { pollMs: 50 } });
  await addStaff(t.app, 'boss', 'manager');
  await addStaff(t.app, 'officer', 'officer', ['social_research']);
  // Requests of the research committee ("not less than 14 calendar days": a minimum)
  const early = await seedCase(
    t.app,
    t.dir,
    { kind: 'request', type: 'urgent_support', committee: 'research', data: {} },
    { at: base },
  );
  await decide(early.ref, 'approved', new Date(base.getTime() + 3 * day)); // before the minimum: not late
  const later = await seedCase(
    t.app,
    t.dir,
    { kind: 'request', type: 'urgent_support', committee: 'research', data: {} },
    { at: base },
  );
  await decide(later.ref, 'served', new Date(base.getTime() + 20 * day));
  await rate(early.ref, 5, new Date('2026-10-10T09:00:00Z'));
  await rate(later.ref, 2, new Date('2026-11-10T09:00:00Z'));
  // Complaints of the follow-up committee ("within 5 working days": a maximum)
  const onTime = await seedCase(
    t.app,
    t.dir,
    { kind: 'complaint', category: 'delay', committee: 'followup', description: 'x' },
    { at: base },
  );
  await decide(onTime.ref, 'resolved', new Date(base.getTime() + 2 * day));
  const late = await seedCase(
    t.app,
    t.dir,
    { kind: 'complaint', category: 'delay', committee: 'followup', description: 'y' },
    { at: base },
  );
  await decide(late.ref, 'rejected', new Date(base.getTime() + 30 * day));
  await seedCase(t.app, t.dir, { kind: 'complaint', category: 'service', committee: 'followup', description: 'z' }, { at: base }); // open past due
  await rate(onTime.ref, 4, new Date('2026-11-11T09:00:00Z'));
  // Handoffs: an inquiry the bot could not answer, claimed after 12 minutes; one never claimed
  const who = early.beneficiaryId;
  await t.app.db.batch([
    {
      sql: `INSERT INTO handoffs (id, beneficiary_id, reason, category, status, summary, claimed_by, created_at, claimed_at)
            VALUES (?, ?, 'inquiry_unresolved', 'general', 'closed', ?, 'staff:boss', ?, ?)`,
      params: [
        randomUUID(),
        who,
        JSON.stringify({ flow: 'inquiry', attempts: 2, lastTopic: 'working_hours' }),
        base,
        new Date(base.getTime() + 12 * 60_000),
      ],
    },
    {
      sql: `INSERT INTO handoffs (id, beneficiary_id, reason, category, status, summary, created_at) VALUES (?, ?, 'requested', 'general', 'open', ?, ?)`,
      params: [randomUUID(), who, JSON.stringify({ flow: 'menu' }), base],
    },
  ]);
});

afterAll(async () => {
  await t?.close();
});

describe('management reports', () => {
  it('computes each report from the rows, honours minimum and maximum deadlines, and exports CSV', async () => {
    const c = new ConsoleClient(t.url);
    await c.signIn('boss');
    const page = await c.get('/staff/reports?from=2026-10-01&to=2026-11-30');
    expect(page.status).toBe(200);
    // Committees: research (minimum) is never late; follow-up (maximum) has one on time, one late, one open past due
    expect(page.html).toMatch(
      /data-committee="research"><td>[^<]+<\/td><td>مدة دنيا<\/td><td>١<\/td><td>٠<\/td><td>٠<\/td><td>١<\/td><td>٠<\/td>/,
    );
    expect(page.html).toMatch(
      /data-committee="followup"><td>[^<]+<\/td><td>مدة قصوى<\/td><td>١<\/td><td>١<\/td><td>١<\/td><td>٠<\/td><td>٠<\/td>/,
    );
    expect(page.html).toContain('<script src="/staff/assets/chart.umd.min.js"></script>');
    expect(page.html).not.toMatch(/<script src="https?:/);

    const csv = await fetch(`${t.url}/staff/reports/export.csv?report=committees&from=2026-10-01&to=2026-11-30&lang=en`, {
      headers: { cookie: `staff_session=${c.cookie('staff_session')}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM spreadsheets need for Arabic
    const text = bytes.toString('utf8');
    expect(text).toContain('Committee,Kind,On time,Late,Open past due,Before the minimum,Open');
    expect(text).toMatch(/,max,1,1,1,0,0\r\n/);
    const months = await (
      await fetch(`${t.url}/staff/reports/export.csv?report=months&from=2026-10-01&to=2026-11-30`, {
        headers: { cookie: `staff_session=${c.cookie('staff_session')}` },
      })
    ).text();
    expect(months).toContain('2026-10,1,5,100');
    expect(months).toContain('2026-11,2,3,50');
    const claims = await (
      await fetch(`${t.url}/staff/reports/export.csv?report=claims&from=2026-10-01&to=2026-11-30`, {
        headers: { cookie: `staff_session=${c.cookie('staff_session')}` },
      })
    ).text();
    expect(claims).toMatch(/,2,1,12,12\r\n/);
    const rows = await t.app.db.all<{ action: string }>(
      "SELECT action FROM staff_audit WHERE staff_id = 'staff:boss' AND subject_type = 'report'",
    );
    expect(rows.map((r) => r.action)).toEqual(['report.view', 'report.export', 'report.export', 'report.export']);
  });

  it('is for managers only', async () => {
    const c = new ConsoleClient(t.url);
    await c.signIn('officer');
    expect((await c.get('/staff/reports')).status).toBe(403);
    expect((await c.get('/staff/reports/export.csv?report=months')).status).toBe(403);
  });

  it.skipIf(!existsSync(CHROMIUM))('draws its charts from the rows in a browser, with nothing blocked', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ar-SA' });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
      });
      // Every script and style comes from the app itself (the browser's own favicon request aside)
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
      });
      page.on('request', (r) => {
        if (!r.url().startsWith(t.url)) problems.push(`outside: ${r.url()}`);
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${t.url}/staff/signin`);
      await page.fill('#login', 'boss');
      await page.fill('#password', PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/staff\/handoffs/);
      await page.click('a[href="/staff/reports"]');
      await page.fill('#from', '2026-10-01');
      await page.fill('#to', '2026-11-30');
      await page.click('.filters button[type=submit]');
      await page.waitForSelector('#chart-committees[data-drawn="true"]');
      // The committees chart holds the five series of both committees: 3 answered + 1 early... from the rows
      expect(await page.getAttribute('#chart-committees', 'data-total')).toBe('5');
      expect(await page.getAttribute('#chart-complaints', 'data-total')).toBe('3');
      expect(await page.getAttribute('#chart-months', 'data-points')).toBe('2');
      expect(await page.getAttribute('#chart-claims', 'data-total')).toBe('12');
      const box = await page.locator('#chart-committees').boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      const painted = await page.$eval('#chart-committees', (el) => {
        const c = el as HTMLCanvasElement;
        const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if ((d[i] ?? 0) > 0) n++;
        return n;
      });
      expect(painted).toBeGreaterThan(1000);
      await page.screenshot({ path: path.join(artifacts, 'staff-reports.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
