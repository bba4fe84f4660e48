/**
 * Unclaimed handoffs are alerted again after `handoff.reAlertMinutes` and escalated to management
 * after `escalateMinutes` (15 and 60 in the shipped profile), once each, counted from the next
 * working time. Time is injected: the app's clock stamps the handoff, `runOnce(now)` checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../src/domain/profile.js';
import { HandoffService } from '../../src/staff/handoff.service.js';
import { ChatClient, startApp, type TestApp } from '../support/app.js';
import { watcherOf } from './support.js';

let t: TestApp;
let now = new Date('2026-11-29T07:00:00Z'); // Sunday 10:00 in Riyadh: working hours
const minutes = (n: number, from = now) => new Date(from.getTime() + n * 60_000);

beforeAll(async () => {
  t = await startApp({}, { clock: () => now, dispatcher: { pollMs: 50 } });
});

afterAll(async () => {
  await t?.close();
});

interface StaffRow {
  recipient: string;
  payload: string;
}

async function staffRows(handoffId: string): Promise<{ recipient: string; text: string; handoffId?: string }[]> {
  const rows = await t.app.db.all<StaffRow>("SELECT recipient, payload FROM outbox WHERE channel = 'staff' ORDER BY id");
  return rows
    .map((r) => ({ recipient: r.recipient, ...(JSON.parse(r.payload) as { text: string; handoffId?: string }) }))
    .filter((r) => r.handoffId === handoffId);
}

/** A person asks for staff at `at`; resolves with the handoff id. */
async function handoffAt(at: Date): Promise<string> {
  now = at;
  const chat = new ChatClient(t.url);
  await chat.text('أبي أكلم موظف');
  const row = await t.app.db.get<{ id: string }>(
    'SELECT h.id FROM handoffs h JOIN beneficiaries b ON b.id = h.beneficiary_id WHERE b.platform_user_id = ?',
    [chat.session],
  );
  if (!row) throw new Error('no handoff');
  return row.id;
}

describe('handoff watcher', () => {
  it('re-alerts an unclaimed handoff after 15 minutes and escalates it after 60, once each', async () => {
    // Given a handoff raised on Sunday at 10:00 (Riyadh) that nobody claims
    const created = new Date('2026-11-29T07:00:00Z');
    const id = await handoffAt(created);
    const watcher = watcherOf(t.app);
    expect(await staffRows(id)).toHaveLength(1); // the first alert, from the turn

    // When the watcher looks before, at and after each interval
    expect(await watcher.runOnce(minutes(14, created))).toEqual({ realerted: 0, escalated: 0 });
    expect(await watcher.runOnce(minutes(15, created))).toEqual({ realerted: 1, escalated: 0 });
    expect(await watcher.runOnce(minutes(16, created))).toEqual({ realerted: 0, escalated: 0 });
    expect(await watcher.runOnce(minutes(59, created))).toEqual({ realerted: 0, escalated: 0 });
    expect(await watcher.runOnce(minutes(60, created))).toEqual({ realerted: 0, escalated: 1 });
    expect(await watcher.runOnce(minutes(61, created))).toEqual({ realerted: 0, escalated: 0 });
    expect(await watcher.runOnce(minutes(600, created))).toEqual({ realerted: 0, escalated: 0 });

    // Then: the alert, one re-alert to the officer, one escalation to management, with the case
    const rows = await staffRows(id);
    expect(rows).toHaveLength(3);
    const [, realert, escalation] = rows;
    expect(realert?.text).toContain(`(${id.slice(0, 8)})`);
    expect(realert?.text).toContain('منذ 15 دقيقة');
    expect(realert?.text).toContain('طلب المستفيد التحدث مع موظف');
    expect(realert?.recipient).toBe('default'); // the general officer has no own chat in the profile
    expect(escalation?.text).toContain('تصعيد إلى الإدارة');
    expect(escalation?.text).toContain('منذ 60 دقيقة');
    expect(escalation?.recipient).toBe('default');
    const h = await t.app.db.get<{ realerted_at: string | null; escalated_at: string | null; status: string }>(
      'SELECT realerted_at, escalated_at, status FROM handoffs WHERE id = ?',
      [id],
    );
    expect(h?.status).toBe('open');
    expect(new Date(String(h?.realerted_at)).getTime()).toBe(minutes(15, created).getTime());
    expect(new Date(String(h?.escalated_at)).getTime()).toBe(minutes(60, created).getTime());
  });

  it('counts from the next working time: a handoff on Thursday evening waits for Sunday morning', async () => {
    // Thursday 2026-11-26 18:00 Riyadh (after 15:00), then Friday and Saturday off.
    const id = await handoffAt(new Date('2026-11-26T15:00:00Z'));
    const watcher = watcherOf(t.app);
    const sundayOpen = new Date('2026-11-29T05:00:00Z'); // Sunday 08:00 Riyadh
    await watcher.runOnce(new Date('2026-11-27T12:00:00Z'));
    await watcher.runOnce(minutes(14, sundayOpen));
    expect(await staffRows(id)).toHaveLength(1);
    await watcher.runOnce(minutes(15, sundayOpen));
    expect((await staffRows(id)).at(-1)?.text).toContain('⏰');
  });

  it('leaves claimed handoffs alone, and sends escalations to the management officer of the profile', async () => {
    // Given only these two handoffs waiting (the earlier ones were dealt with)
    await t.app.db.run("UPDATE handoffs SET status = 'closed'");
    const claimed = await handoffAt(new Date('2026-11-30T07:00:00Z'));
    await new HandoffService({ db: t.app.db, engine: t.app.engine }).claim(claimed, 'tg:5');
    const waiting = await handoffAt(new Date('2026-11-30T07:00:00Z'));
    // A profile where management has its own Telegram chat (R7: routed to the officer).
    const profile: Profile = {
      ...t.app.profile,
      officers: t.app.profile.officers.map((o) =>
        o.categories.includes('management') ? { ...o, telegramChatId: '-100777' } : o,
      ),
    };
    const watcher = watcherOf(t.app, profile);
    // Down for two hours: the escalation supersedes the re-alert that was never sent.
    expect(await watcher.runOnce(new Date('2026-11-30T09:00:00Z'))).toEqual({ realerted: 0, escalated: 1 });
    expect(await staffRows(claimed)).toHaveLength(1);
    const rows = await staffRows(waiting);
    expect(rows.map((r) => r.recipient)).toEqual(['default', '-100777']);
    expect(await watcher.runOnce(new Date('2026-11-30T10:00:00Z'))).toEqual({ realerted: 0, escalated: 0 });
  });
});
