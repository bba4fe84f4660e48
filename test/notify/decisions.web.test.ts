/**
 * Committee decisions end to end through the web chat (issue 6 acceptance): a request submitted, a
 * signed decision posted, the person notified in their language on the same channel; needs_info →
 * the person answers in the dialogue → back under review; served → a rating prompt after the delay
 * (injected clock), answered with ٥ and stored against that request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BackOfficeApp, chatHistory, lastMessageId, startBackOffice, submitVolunteering } from '../api/helpers.js';
import { ChatClient, choicesOf, said } from '../support/app.js';

let h: BackOfficeApp | null = null;
let dir = '';
afterEach(async () => {
  await h?.close();
  h = null;
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<BackOfficeApp> {
  dir = mkdtempSync(path.join(tmpdir(), 'decisions-web-'));
  h = await startBackOffice({ dir });
  return h;
}

const texts = (items: { text: string }[]) => items.map((m) => m.text).join('\n---\n');

describe('decisions through the web chat', () => {
  it('needs_info → supplied in the dialogue → under review → approved → served → rating prompt answered with ٥', async () => {
    const { t, backOffice, clock, scheduler } = await start();
    const db = t.app.db;
    const chat = new ChatClient(t.url);
    const ref = await submitVolunteering(chat);
    const status = async () => (await db.get<{ status: string }>('SELECT status FROM requests WHERE ref = ?', [ref]))?.status;

    // The committee asks for more: the person is told, and the status dialogue opens on the case.
    clock.advance(2);
    let after = await lastMessageId(t.url, chat.session);
    const asked = await backOffice.decide({ ref, decision: 'needs_info', note: 'نرجو إرسال صورة شهادة التطوع السابقة' });
    expect(asked.status).toBe(202);
    let shown = await chatHistory(t.url, chat.session, after);
    expect(shown[0]?.text).toContain('معلومات إضافية');
    expect(shown[0]?.text).toContain(ref);
    expect(shown[0]?.text).toContain('نرجو إرسال صورة شهادة التطوع السابقة');
    expect(shown.at(-1)?.choices?.map((c) => c.id)).toContain('supply');
    expect(await status()).toBe('needs_info');

    // The person answers in the dialogue; the request is back under review.
    clock.advance(1);
    const ask = await chat.choose('supply');
    expect(said(ask)).toContain(ref);
    const supplied = await chat.text('شاركت سابقًا في حملة رمضان التطوعية عام ١٤٤٥ وأرسلت الشهادة لبريد الجمعية');
    expect(said(supplied)).toContain('عاد طلبك');
    expect(await status()).toBe('under_review');
    const back = await db.get<{ actor: string; note: string }>(
      "SELECT e.actor, e.note FROM status_events e JOIN requests r ON r.id = e.request_id WHERE r.ref = ? AND e.status = 'under_review'",
      [ref],
    );
    expect(back?.actor).toBe('beneficiary');
    expect(back?.note).toContain('حملة رمضان');

    // Approved, then served: each notified on the web chat.
    clock.advance(24);
    after = await lastMessageId(t.url, chat.session);
    expect((await backOffice.decide({ ref, decision: 'approved' })).status).toBe(202);
    clock.advance(48);
    expect((await backOffice.decide({ ref, decision: 'served', note: 'تم تسجيلك في فريق التطوع' })).status).toBe(202);
    shown = await chatHistory(t.url, chat.session, after);
    expect(shown).toHaveLength(2);
    expect(shown[0]?.text).toContain('وافقت');
    expect(shown[1]?.text).toContain('تم تقديم الخدمة');
    expect(shown[1]?.text).toContain('تم تسجيلك في فريق التطوع');

    // Nothing before the delay; the prompt once it has passed (10:00 in Riyadh: not quiet hours).
    after = await lastMessageId(t.url, chat.session);
    const delay = t.app.profile.rating.delayHours;
    expect((await scheduler.runOnce(clock.advance(delay - 1))).prompted).toBe(0);
    expect(await chatHistory(t.url, chat.session, after)).toEqual([]);
    expect((await scheduler.runOnce(clock.advance(1))).prompted).toBe(1);
    shown = await chatHistory(t.url, chat.session, after);
    expect(texts(shown)).toContain('يهمنا رأيك');
    expect(texts(shown)).toContain(ref);
    expect(shown.at(-1)?.choices?.map((c) => c.id)).toEqual(['1', '2', '3', '4', '5']);

    // Answered with an Arabic-Indic five; stored against that request.
    clock.advance(0.1);
    const comment = await chat.text('٥');
    expect(choicesOf(comment)).toContain('skip');
    await chat.choose('skip');
    const rating = await db.get<{ score: number; ref: string }>(
      'SELECT x.score, r.ref FROM ratings x JOIN requests r ON r.id = x.request_id',
    );
    expect(rating).toEqual({ score: 5, ref });

    // Answered: no reminder, ever.
    const report = await scheduler.runOnce(clock.advance(48));
    expect(report).toMatchObject({ reminded: 0, answered: 1 });
    const prompt = await db.get<{ status: string }>("SELECT status FROM prompts WHERE kind = 'rating'");
    expect(prompt?.status).toBe('answered');
  });

  it('notifies an English-speaking person in English', async () => {
    const { t, backOffice, clock } = await start();
    const chat = new ChatClient(t.url);
    const ref = await submitVolunteering(chat, 'en');
    clock.advance(3);
    const after = await lastMessageId(t.url, chat.session);
    expect(
      (await backOffice.decide({ ref, decision: 'rejected', note: 'The volunteering programme is full this season.' })).status,
    ).toBe(202);
    const shown = await chatHistory(t.url, chat.session, after);
    expect(shown).toHaveLength(1);
    const text = shown[0]?.text ?? '';
    expect(text).toContain(ref);
    expect(text).toContain('was not approved');
    expect(text).toContain(t.app.profile.requestTypes.find((x) => x.id === 'volunteering')?.name.en);
    expect(text).toContain('Note from the committee: The volunteering programme is full this season.');
    expect(text).not.toMatch(/[\u0600-\u06FF]/);
  });

  it('a resolved complaint is notified and prompts a rating of the complaint', async () => {
    const { t, backOffice, clock, scheduler } = await start();
    const chat = new ChatClient(t.url);
    await chat.text('عندي شكوى');
    await chat.choose('accept');
    await chat.choose('cat:delay');
    await chat.text('تأخر الرد على طلبي أكثر من شهر دون أي تواصل');
    await chat.choose('skip');
    const done = await chat.choose('confirm');
    const ref = said(done).match(/C-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] as string;
    expect(ref).toBeTruthy();
    const after = await lastMessageId(t.url, chat.session);
    expect((await backOffice.decide({ ref, decision: 'resolved', note: 'تم التواصل معك وإنهاء طلبك' })).status).toBe(202);
    expect((await chatHistory(t.url, chat.session, after))[0]?.text).toContain('تمت معالجة شكواك');
    await scheduler.runOnce(clock.advance(t.app.profile.rating.delayHours));
    await chat.text('4');
    await chat.choose('skip');
    const rating = await t.app.db.get<{ score: number; ref: string }>(
      'SELECT x.score, c.ref FROM ratings x JOIN complaints c ON c.id = x.complaint_id',
    );
    expect(rating).toEqual({ score: 4, ref });
  });
});
