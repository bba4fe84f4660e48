/**
 * The same decisions and schedules on PostgreSQL (when TEST_POSTGRES_URL is set, as in CI): the
 * guarded statements, the per-case lock, the webhook receipts and the scheduler's queries are
 * the provider's own SQL there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BackOfficeApp,
  CHATS,
  chatHistory,
  counts,
  lastMessageId,
  startBackOffice,
  submitVolunteering,
} from '../api/helpers.js';
import { ChatClient, choicesOf } from '../support/app.js';

const url = process.env.TEST_POSTGRES_URL;
let h: BackOfficeApp | null = null;
let dir = '';
afterEach(async () => {
  await h?.close();
  h = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!url)('decisions and schedules on PostgreSQL', () => {
  it('decides, refuses, replays, races, prompts, alerts and watches the SLA', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'decisions-pg-'));
    h = await startBackOffice({ dir, postgresUrl: url as string });
    const { t, backOffice, clock, scheduler } = h;
    const db = t.app.db;
    expect(db.kind).toBe('postgresql');
    const chat = new ChatClient(t.url);
    const ref = await submitVolunteering(chat);

    // Refusals change nothing.
    const before = await counts(db);
    expect((await backOffice.decide({ ref, decision: 'served' })).status).toBe(409);
    expect((await backOffice.decide({ ref: 'R-2345-6789', decision: 'approved' })).status).toBe(404);
    expect((await backOffice.decide({ ref, decision: 'resolved' })).status).toBe(400);
    expect(await counts(db)).toEqual(before);

    // needs_info, raced by two other decisions; the dialogue reopens; the person supplies.
    const answers = await Promise.all([
      backOffice.decide({ ref, decision: 'needs_info', note: 'صورة الشهادة' }, { id: 'pg_1' }),
      backOffice.decide({ ref, decision: 'needs_info' }, { id: 'pg_2' }),
      backOffice.decide({ ref, decision: 'needs_info' }, { id: 'pg_1' }),
    ]);
    expect(answers.filter((a) => a.body.status === 'accepted')).toHaveLength(1);
    const shown = await chatHistory(t.url, chat.session);
    expect(shown.filter((m) => m.text.includes('معلومات إضافية'))).toHaveLength(1);
    expect(shown.at(-1)?.choices?.map((c) => c.id)).toContain('supply');
    await chat.choose('supply');
    await chat.text('أرسلت الشهادة إلى بريد الجمعية');
    expect((await db.get<{ status: string }>('SELECT status FROM requests WHERE ref = ?', [ref]))?.status).toBe('under_review');

    // Approved, served, prompted after the delay, rated 1 → the officer is alerted once.
    expect((await backOffice.decide({ ref, decision: 'approved' })).status).toBe(202);
    expect((await backOffice.decide({ ref, decision: 'served' })).status).toBe(202);
    const after = await lastMessageId(t.url, chat.session);
    expect((await scheduler.runOnce(clock.advance(t.app.profile.rating.delayHours))).prompted).toBe(1);
    expect((await scheduler.runOnce(clock.advance(0.1))).prompted).toBe(0);
    expect((await chatHistory(t.url, chat.session, after)).at(-1)?.choices?.map((c) => c.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(choicesOf(await chat.text('١'))).toContain('skip');
    await chat.choose('skip');
    expect((await scheduler.runOnce(clock.advance(0.1))).lowRatingAlerts).toBe(1);
    expect((await scheduler.runOnce(clock.advance(0.1))).lowRatingAlerts).toBe(0);
    const alert = await db.get<{ recipient: string }>("SELECT recipient FROM outbox WHERE channel = 'staff' AND payload LIKE ?", [
      `%${ref}%`,
    ]);
    expect(alert?.recipient).toBe(CHATS.volunteering);

    // SLA: a second request a month old. Its committee's policy (seed 000) states a minimum («لا تقل
    // عن أسبوعين»), which is never late (R3e): nothing is escalated. test/domain/case-deadlines.test.ts
    // escalates a maximum on PostgreSQL too.
    const late = await submitVolunteering(new ChatClient(t.url));
    const report = await scheduler.runOnce(clock.advance(24 * 30));
    expect(report.slaEscalations).toBe(0);
    const escalated = await db.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM requests WHERE ref = ? AND sla_escalated_at IS NOT NULL',
      [late],
    );
    expect(Number(escalated?.n)).toBe(0);
  });
});
