/**
 * The scheduler with an injected clock (issue 6 "Outbox and schedules"): rating prompts after the
 * delay and never in quiet hours, one reminder, never twice, never to someone who opted out or
 * cannot be reached, handled by the rating dialogue in the middle of another one (which resumes),
 * held while a staff member holds the conversation; low scores alert the responsible officer; the
 * SLA watch alerts the officer near the answer date and escalates to management after it, once each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BackOfficeApp, CHATS, chatHistory, lastMessageId, startBackOffice, submitVolunteering } from '../api/helpers.js';
import { ChatClient, choicesOf, said } from '../support/app.js';

let h: BackOfficeApp | null = null;
let dir = '';
afterEach(async () => {
  await h?.close();
  h = null;
  rmSync(dir, { recursive: true, force: true });
});

async function start(opts: { start?: string; profile?: (p: Record<string, unknown>) => void } = {}): Promise<BackOfficeApp> {
  dir = mkdtempSync(path.join(tmpdir(), 'scheduler-'));
  h = await startBackOffice({ dir, ...opts });
  return h;
}

const HOUR = 3_600_000;

/** A person whose volunteering request has been served (at the clock's time). */
async function servedPerson(b: BackOfficeApp, opts: { before?: (chat: ChatClient) => Promise<void> } = {}) {
  const chat = new ChatClient(b.t.url);
  const ref = await submitVolunteering(chat);
  await opts.before?.(chat);
  expect((await b.backOffice.decide({ ref, decision: 'approved' })).status).toBe(202);
  expect((await b.backOffice.decide({ ref, decision: 'served' })).status).toBe(202);
  const prompt = await b.t.app.db.get<{ due_at: string }>(
    "SELECT p.due_at FROM prompts p JOIN requests r ON r.id = p.request_id WHERE r.ref = ? AND p.kind = 'rating'",
    [ref],
  );
  const beneficiary = await b.t.app.db.get<{ id: string }>('SELECT id FROM beneficiaries WHERE platform_user_id = ?', [
    chat.session,
  ]);
  return { chat, ref, due: new Date(prompt?.due_at ?? ''), beneficiaryId: beneficiary?.id ?? '' };
}

/** How many of the person's messages contain `text`. */
async function countSaid(b: BackOfficeApp, chat: ChatClient, text: string): Promise<number> {
  return (await chatHistory(b.t.url, chat.session)).filter((m) => m.from === 'bot' && m.text.includes(text)).length;
}

async function promptStatus(b: BackOfficeApp, ref: string): Promise<string | undefined> {
  const row = await b.t.app.db.get<{ status: string }>(
    "SELECT p.status FROM prompts p LEFT JOIN requests r ON r.id = p.request_id LEFT JOIN complaints c ON c.id = p.complaint_id WHERE (r.ref = ? OR c.ref = ?) AND p.kind = 'rating'",
    [ref, ref],
  );
  return row?.status;
}

async function staffAlerts(b: BackOfficeApp): Promise<{ recipient: string; text: string }[]> {
  const rows = await b.t.app.db.all<{ recipient: string; payload: string }>(
    "SELECT recipient, payload FROM outbox WHERE channel = 'staff' ORDER BY id",
  );
  return rows.map((r) => ({ recipient: r.recipient, text: (JSON.parse(r.payload) as { text: string }).text }));
}

/** A profile change: one committee's deadline as a policy could state it. */
function within(committee: string, deadline: Record<string, unknown>) {
  return (p: Record<string, unknown>) => {
    for (const c of p.committees as { id: string; deadline: unknown }[]) if (c.id === committee) c.deadline = deadline;
  };
}

const PROMPT = 'يهمنا رأيك';
const REMINDER = 'تذكير لطيف';

describe('rating prompts', () => {
  it('never in quiet hours: a due time at night moves to 08:00, and a due prompt waits for the morning', async () => {
    const b = await start({ start: '2026-12-01T15:00:00Z' }); // Tuesday 18:00 in Riyadh
    // Served at 21:30 Riyadh: due the next evening at 21:30, before the quiet hours.
    b.clock.set('2026-12-01T18:30:00Z');
    const evening = await servedPerson(b);
    expect(evening.due.toISOString()).toBe('2026-12-02T18:30:00.000Z');
    // Served at 23:00 Riyadh: due the next night at 23:00, moved to 08:00 the morning after.
    b.clock.set('2026-12-01T20:00:00Z');
    const night = await servedPerson(b);
    expect(night.due.toISOString()).toBe('2026-12-03T05:00:00.000Z');

    for (const at of ['2026-12-02T19:15:00Z', '2026-12-02T20:00:00Z', '2026-12-03T04:59:00Z']) {
      expect((await b.scheduler.runOnce(b.clock.set(at))).prompted, at).toBe(0); // 22:15, 23:00, 07:59 in Riyadh
    }
    expect(await countSaid(b, evening.chat, PROMPT)).toBe(0);
    expect((await b.scheduler.runOnce(b.clock.set('2026-12-03T05:00:00Z'))).prompted).toBe(2);
    expect(await countSaid(b, evening.chat, PROMPT)).toBe(1);
    expect(await countSaid(b, night.chat, PROMPT)).toBe(1);
  });

  it('one reminder when unanswered, never a second prompt or reminder; the answer closes it', async () => {
    const b = await start();
    const p = await servedPerson(b);
    expect((await b.scheduler.runOnce(b.clock.set(p.due.toISOString()))).prompted).toBe(1);
    expect((await b.scheduler.runOnce(b.clock.advance(0.5))).prompted).toBe(0);
    expect((await b.scheduler.runOnce(b.clock.advance(22))).reminded).toBe(0); // 22.5 h after the prompt
    const before = await lastMessageId(b.t.url, p.chat.session);
    expect((await b.scheduler.runOnce(b.clock.advance(2))).reminded).toBe(1);
    const reminder = await chatHistory(b.t.url, p.chat.session, before);
    expect(reminder).toHaveLength(1);
    expect(reminder[0]?.text).toContain(REMINDER);
    expect(reminder[0]?.text).toContain(p.ref);
    const again = await b.scheduler.runOnce(b.clock.advance(72));
    expect(again).toMatchObject({ prompted: 0, reminded: 0 });
    expect(await countSaid(b, p.chat, PROMPT)).toBe(1);
    expect(await countSaid(b, p.chat, REMINDER)).toBe(1);

    // The rating dialogue of the first prompt still waits: a typed 4 answers it.
    const comment = await p.chat.text('4');
    expect(choicesOf(comment)).toContain('skip');
    await p.chat.choose('skip');
    expect((await b.scheduler.runOnce(b.clock.advance(1))).answered).toBe(1);
    expect(await promptStatus(b, p.ref)).toBe('answered');
  });

  it('a person who moved on gets the reminder as a new rating question', async () => {
    const b = await start();
    const p = await servedPerson(b);
    await b.scheduler.runOnce(b.clock.set(p.due.toISOString()));
    b.clock.advance(1);
    await p.chat.text('القائمة');
    const before = await lastMessageId(b.t.url, p.chat.session);
    expect((await b.scheduler.runOnce(b.clock.advance(24))).reminded).toBe(1);
    const shown = await chatHistory(b.t.url, p.chat.session, before);
    expect(shown[0]?.text).toContain(REMINDER);
    expect(shown.at(-1)?.choices?.map((c) => c.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(await promptStatus(b, p.ref)).toBe('reminded');
  });

  it('never to someone who opted out or cannot be reached; the decision itself still reaches them', async () => {
    const b = await start();
    const optedOut = await servedPerson(b, {
      before: async (chat) => {
        const stop = await chat.text('إيقاف');
        expect(said(stop)).toContain('تم إيقاف');
      },
    });
    const unreachable = await servedPerson(b);
    await b.t.app.db.run('UPDATE beneficiaries SET unreachable = ? WHERE id = ?', [true, unreachable.beneficiaryId]);
    // Decisions are about the person's own request: sent even after opting out.
    expect(await countSaid(b, optedOut.chat, 'تم تقديم الخدمة')).toBe(1);

    const report = await b.scheduler.runOnce(b.clock.set(optedOut.due.toISOString()));
    expect(report).toMatchObject({ prompted: 0, skipped: 2 });
    expect(await promptStatus(b, optedOut.ref)).toBe('skipped');
    expect(await promptStatus(b, unreachable.ref)).toBe('skipped');
    expect((await b.scheduler.runOnce(b.clock.advance(48))).skipped).toBe(0);
    expect(await countSaid(b, optedOut.chat, PROMPT)).toBe(0);
    expect(await countSaid(b, unreachable.chat, PROMPT)).toBe(0);
  });

  it('no prompt for a service already rated from "my requests"', async () => {
    const b = await start();
    const p = await servedPerson(b);
    await p.chat.choose('rating');
    await p.chat.text('5');
    await p.chat.choose('skip');
    const report = await b.scheduler.runOnce(b.clock.set(p.due.toISOString()));
    expect(report).toMatchObject({ prompted: 0, answered: 1 });
    expect(await countSaid(b, p.chat, PROMPT)).toBe(0);
  });

  it('answered in the middle of a complaint, which then resumes where it stopped', async () => {
    const b = await start();
    const p = await servedPerson(b);
    b.clock.set(new Date(p.due.getTime() - HOUR).toISOString());
    await p.chat.text('القائمة');
    await p.chat.choose('complaint');
    const asked = await p.chat.choose('cat:delay');
    const question = said(asked).split('\n---\n').at(-1) ?? '';
    expect(question.length).toBeGreaterThan(0);

    expect((await b.scheduler.runOnce(b.clock.set(p.due.toISOString()))).prompted).toBe(1);
    b.clock.advance(0.1);
    await p.chat.text('٥');
    const resumed = await p.chat.choose('skip');
    expect(said(resumed)).toContain('شكرًا لتقييمك');
    expect(said(resumed).split('\n---\n').at(-1)).toBe(question);
    const rating = await b.t.app.db.get<{ score: number }>('SELECT score FROM ratings');
    expect(Number(rating?.score)).toBe(5);

    await p.chat.text('تأخر الرد على اتصالاتي أكثر من أسبوعين');
    await p.chat.choose('skip');
    const filed = await p.chat.choose('confirm');
    expect(said(filed)).toMatch(/C-[A-Z0-9]{4}-[A-Z0-9]{4}/);
  });

  it('waits while a staff member holds the conversation, and goes after the hand-back', async () => {
    const b = await start();
    const p = await servedPerson(b);
    b.clock.set(new Date(p.due.getTime() - HOUR).toISOString());
    await p.chat.text('أبي أكلم موظف');
    expect((await b.scheduler.runOnce(b.clock.set(p.due.toISOString()))).prompted).toBe(0);
    expect(await promptStatus(b, p.ref)).toBe('scheduled');
    expect(await b.t.app.engine.handBack(p.beneficiaryId, b.clock.advance(1))).toBe(true);
    expect((await b.scheduler.runOnce(b.clock.advance(0.1))).prompted).toBe(1);
    expect(await countSaid(b, p.chat, PROMPT)).toBe(1);
  });

  it('runs by itself once started, and stops', async () => {
    const b = await start();
    const p = await servedPerson(b);
    b.clock.set(p.due.toISOString());
    b.scheduler.start();
    const deadline = Date.now() + 5000;
    while ((await promptStatus(b, p.ref)) !== 'sent' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await b.scheduler.stop();
    expect(await promptStatus(b, p.ref)).toBe('sent');
  });

  // The engine measures a long pause (R3a) from the person's last message, not from the prompt the
  // bot sent a minute ago: with the shipped resumeAfterHours (24) the answer to a prompt sent 24 h
  // after the service is met with "continue or start over?". Expected to fail until
  // src/engine/session.ts counts a dialogue the bot started (reported to the lead); then make it `it`.
  it('a prompt answered a day after the person last wrote goes straight to the rating dialogue', async () => {
    const b = await start({ profile: (p) => Object.assign(p, { resumeAfterHours: 24 }) });
    const p = await servedPerson(b);
    await b.scheduler.runOnce(b.clock.set(p.due.toISOString()));
    b.clock.advance(0.1);
    const answer = await p.chat.text('٥');
    expect(choicesOf(answer)).toContain('skip');
  });
});

describe('low ratings', () => {
  it('alert the officer of the service once: the complaints officer for a complaint, the default one for a general rating', async () => {
    const b = await start();
    const chat = new ChatClient(b.t.url);
    await chat.text('عندي شكوى');
    await chat.choose('accept');
    await chat.choose('cat:service');
    await chat.text('لم أستلم السلة الغذائية في موعدها المحدد');
    await chat.choose('skip');
    const ref = said(await chat.choose('confirm')).match(/C-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] as string;
    expect((await b.backOffice.decide({ ref, decision: 'resolved' })).status).toBe(202);
    await b.scheduler.runOnce(b.clock.advance(b.t.app.profile.rating.delayHours));
    await chat.text('2');
    await chat.choose('skip');
    // A general rating of 1 from someone else.
    const other = new ChatClient(b.t.url);
    await other.text('مرحبا');
    await other.choose('rating');
    await other.choose('accept');
    await other.choose('general');
    await other.text('1');
    expect(said(await other.text('الانتظار طويل جدًا'))).toContain('سيتواصل معك');

    const report = await b.scheduler.runOnce(b.clock.advance(0.1));
    expect(report.lowRatingAlerts).toBe(2);
    const alerts = (await staffAlerts(b)).filter((a) => a.text.includes('تقييم'));
    expect(alerts).toHaveLength(2);
    expect(alerts.find((a) => a.text.includes(ref))?.recipient).toBe(CHATS.complaints);
    expect(alerts.find((a) => !a.text.includes(ref))?.recipient).toBe(CHATS.general);
    expect((await b.scheduler.runOnce(b.clock.advance(1))).lowRatingAlerts).toBe(0);
  });

  it('a score of 3 or more alerts nobody', async () => {
    const b = await start();
    const p = await servedPerson(b);
    await b.scheduler.runOnce(b.clock.set(p.due.toISOString()));
    await p.chat.text('3');
    await p.chat.choose('skip');
    expect((await b.scheduler.runOnce(b.clock.advance(0.1))).lowRatingAlerts).toBe(0);
  });
});

describe('SLA watch', () => {
  it('R3e: alerts the officer near a maximum answer date and escalates to management after it, once each', async () => {
    // A committee whose policy states a maximum ("within 14 days"; the shipped one states a minimum).
    const b = await start({
      profile: within('volunteering', { kind: 'within', days: 14, unit: 'calendar', from: 'submission' }),
    });
    const chat = new ChatClient(b.t.url);
    const ref = await submitVolunteering(chat); // Tuesday 1 December 2026, 10:00 in Riyadh
    const due = await b.t.app.db.get<{ due_at: string }>('SELECT due_at FROM requests WHERE ref = ?', [ref]);
    expect(new Date(due?.due_at ?? '').toISOString()).toBe('2026-12-15T07:00:00.000Z'); // Tuesday
    // A request already answered is not watched.
    const answered = await submitVolunteering(new ChatClient(b.t.url));
    expect((await b.backOffice.decide({ ref: answered, decision: 'approved' })).status).toBe(202);

    // Thursday 10th: Sunday and Monday are the next two working days, the due date is after them.
    expect((await b.scheduler.runOnce(b.clock.set('2026-12-10T07:00:00Z'))).slaAlerts).toBe(0);
    // Sunday 13th: two working days to go.
    expect((await b.scheduler.runOnce(b.clock.set('2026-12-13T07:00:00Z'))).slaAlerts).toBe(1);
    expect((await b.scheduler.runOnce(b.clock.set('2026-12-14T07:00:00Z'))).slaAlerts).toBe(0);
    expect((await b.scheduler.runOnce(b.clock.set('2026-12-15T06:59:00Z'))).slaEscalations).toBe(0);
    expect((await b.scheduler.runOnce(b.clock.set('2026-12-15T07:00:00Z'))).slaEscalations).toBe(1);
    expect(await b.scheduler.runOnce(b.clock.set('2026-12-20T07:00:00Z'))).toMatchObject({ slaAlerts: 0, slaEscalations: 0 });

    const alerts = (await staffAlerts(b)).filter((a) => a.text.includes('موعد'));
    expect(alerts.map((a) => a.recipient)).toEqual([CHATS.volunteering, CHATS.management]);
    expect(alerts.every((a) => a.text.includes(ref) && !a.text.includes(answered))).toBe(true);
    expect(alerts[1]?.text).toContain('تجاوز');
    expect(alerts[1]?.text).toContain('مسؤول التطوع'); // management sees who was responsible
    const row = await b.t.app.db.get<{ sla_alerted_at: string; sla_escalated_at: string }>(
      'SELECT sla_alerted_at, sla_escalated_at FROM requests WHERE ref = ?',
      [ref],
    );
    expect(row?.sla_alerted_at).toBeTruthy();
    expect(row?.sla_escalated_at).toBeTruthy();
  });

  it('escalates a complaint found overdue without a near alert first, to management only', async () => {
    // A follow-up committee whose policy states 5 working days (no shipped one does, R3e).
    const b = await start({ profile: within('followup', { kind: 'within', days: 5, unit: 'working', from: 'submission' }) });
    const chat = new ChatClient(b.t.url);
    await chat.text('عندي شكوى');
    await chat.choose('accept');
    await chat.choose('cat:delay');
    await chat.text('لم يصلني أي رد منذ شهر');
    await chat.choose('skip');
    const ref = said(await chat.choose('confirm')).match(/C-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] as string;
    // Follow-up committee: 5 working days, so Tuesday 8 December.
    const report = await b.scheduler.runOnce(b.clock.set('2026-12-09T07:00:00Z'));
    expect(report).toMatchObject({ slaAlerts: 0, slaEscalations: 1 });
    expect((await b.scheduler.runOnce(b.clock.advance(24))).slaAlerts).toBe(0);
    const alerts = (await staffAlerts(b)).filter((a) => a.text.includes(ref));
    // The escalation goes to management; the committee's own reminder setting (5 working days) also
    // reminds the officer, once, as an internal follow-up.
    expect(alerts.map((a) => a.recipient)).toEqual([CHATS.management, CHATS.complaints]);
    expect(alerts[0]?.text).toContain('الشكوى');
    expect(alerts[1]?.text).toContain('تذكير');
  });
});
