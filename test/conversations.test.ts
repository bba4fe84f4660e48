/**
 * Whole conversations through the engine and the web chat API with a real database, in Arabic
 * and in English: each dialogue, wrong then right answers, correcting from the summary, cancel,
 * and a restart of the service in the middle of a dialogue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, choicesOf, said, startApp, type TestApp } from './support/app.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

/** Answers the volunteering request up to its summary. */
async function volunteeringUpToSummary(chat: ChatClient) {
  await chat.text('السلام عليكم');
  await chat.startVolunteering();
  const wrongId = await chat.text('1234567890');
  expect(said(wrongId)).toContain('الهوية'); // a specific re-ask
  await chat.text('1000000008');
  await chat.text('٠٥٥١٢٣٤٥٦٧'); // Arabic-Indic digits
  await chat.text('١'); // first option, typed in Arabic-Indic
  await chat.text('1');
  await chat.text('8');
  return chat.choose('skip');
}

describe('conversations (Arabic)', () => {
  it('new request: wrong then right ID, Arabic-Indic phone, correction from the summary, attestation, reference', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    const summary = await volunteeringUpToSummary(chat);
    expect(said(summary)).toContain('055 123 4567');
    expect(choicesOf(summary)).toContain('edit:weekly_hours');

    await chat.choose('edit:weekly_hours');
    const corrected = await chat.text('١٠');
    expect(said(corrected)).toMatch(/10|١٠/);
    const attest = await chat.choose('confirm');
    expect(choicesOf(attest)).toEqual(['agree', 'cancel']);
    const done = await chat.choose('agree');
    const ref = said(done).match(/R-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
    expect(ref).toBeTruthy();
    expect(said(done)).toContain('لجنة'); // the committee is named (R3e)
    expect(said(done)).toMatch(/هـ/); // the Hijri date is given

    const db = t.app.db;
    const row = await db.get<{ status: string; channel: string; data: string; id: string }>(
      'SELECT id, status, channel, data FROM requests WHERE ref = ?',
      [ref as string],
    );
    expect(row).toMatchObject({ status: 'submitted', channel: 'web' });
    expect(JSON.parse(row?.data ?? '{}')).toMatchObject({ national_id: '1000000008', mobile: '+966551234567', weekly_hours: 10 });
    const att = await db.get<{ text: string }>('SELECT text FROM attestations WHERE request_id = ?', [row?.id as string]);
    expect(att?.text).toBe(t.app.translator.t('request:attestation', 'ar')); // R3d: the exact text shown

    // My requests lists it; a second request of the same type is refused with its status.
    const list = await chat.choose('status');
    expect(choicesOf(list)).toContain(`case:${ref}`);
    await chat.text('القائمة');
    await chat.choose('request');
    const again = await chat.choose('type:volunteering');
    expect(said(again)).toContain(ref as string);
  });

  it('my requests never shows another person’s request', async () => {
    t = await startApp();
    const owner = new ChatClient(t.url);
    await volunteeringUpToSummary(owner);
    await owner.choose('confirm');
    const done = await owner.choose('agree');
    const ref = said(done).match(/R-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] as string;

    const other = new ChatClient(t.url);
    await other.text('مرحبا');
    await other.choose('status');
    await other.choose('accept');
    const lookup = await other.text(ref);
    expect(said(lookup)).not.toContain('055');
    expect(choicesOf(lookup)).not.toContain(`case:${ref}`);
    const cases = await t.app.db.all('SELECT ref FROM requests');
    expect(cases).toHaveLength(1);
  });

  it('inquiry: a colloquial question gets the FAQ answer', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    const turn = await chat.text('متى الدوام؟');
    const hours = t.app.profile.faq.find((f) => /hour|دوام/i.test(f.question.en + f.question.ar));
    expect(hours).toBeTruthy();
    expect(said(turn)).toContain(hours?.answer.ar.slice(0, 20));
  });

  it('complaint: category, description, attachment skipped, ticket with the follow-up committee', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('عندي شكوى على الموظف');
    await chat.choose('accept');
    const categories = await chat.text('2');
    expect(said(categories).length).toBeGreaterThan(0);
    const desc = await chat.text('تأخر الموظف في الرد على اتصالي أكثر من أسبوع');
    expect(choicesOf(desc)).toContain('skip');
    const confirm = await chat.choose('skip');
    expect(choicesOf(confirm)).toContain('confirm');
    const done = await chat.choose('confirm');
    const ref = said(done).match(/C-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
    expect(ref).toBeTruthy();
    const row = await t.app.db.get<{ category: string; status: string }>('SELECT category, status FROM complaints');
    expect(row).toEqual({ category: 'staff', status: 'submitted' });
  });

  it('cancel in the middle of a dialogue returns to the menu and keeps nothing of it', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    await chat.choose('complaint');
    await chat.choose('accept');
    await chat.text('1');
    // Issue 11: cancel asks first, then discards.
    const ask = await chat.text('إلغاء');
    expect(choicesOf(ask)).toEqual(['session.cancelNo', 'session.cancelYes']);
    const cancelled = await chat.choose('session.cancelYes');
    expect(said(cancelled)).toContain(t.app.translator.t('menu:cancelled', 'ar'));
    expect(choicesOf(cancelled)).toContain('complaint');
    expect(await t.app.db.all('SELECT id FROM complaints')).toHaveLength(0);
  });

  it('a restart of the service in the middle of a dialogue continues at the same step', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bot-restart-'));
    const env = { DATABASE_URL: `file:${path.join(dir, 'bot.db')}` };
    try {
      t = await startApp(env);
      const chat = new ChatClient(t.url, 'restart-session-0001');
      await chat.text('مرحبا');
      const askId = await chat.startVolunteering();
      await t.close();

      t = await startApp(env);
      const again = new ChatClient(t.url, 'restart-session-0001');
      const next = await again.text('1000000008');
      expect(said(askId)).toContain('(\u2068١\u2069 ');
      expect(said(next)).toContain('(\u2068٢\u2069 '); // the phone question: step 2
    } finally {
      await t?.close();
      t = null;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rating: a served request is rated with ٥ and stored against it, once', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await volunteeringUpToSummary(chat);
    await chat.choose('confirm');
    const done = await chat.choose('agree');
    const ref = said(done).match(/R-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] as string;
    await t.app.db.run("UPDATE requests SET status = 'served' WHERE ref = ?", [ref]);
    await chat.choose('rating');
    const comment = await chat.text('٥');
    expect(choicesOf(comment)).toContain('skip');
    await chat.choose('skip');
    const rating = await t.app.db.get<{ score: number; request_id: string }>('SELECT score, request_id FROM ratings');
    expect(Number(rating?.score)).toBe(5);
    expect(rating?.request_id).toBeTruthy();
    const again = await chat.choose('rating');
    expect(said(again)).not.toContain('⭐');
  });
});

describe('returning after a long pause (R3a)', () => {
  it('offers to continue where the person stopped, or to start over', async () => {
    let now = new Date('2026-11-29T09:00:00Z');
    t = await startApp({}, { clock: () => now });
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    await chat.choose('complaint');
    await chat.choose('accept');
    const category = await chat.text('1');
    expect(choicesOf(category)).toEqual([]); // the description question
    now = new Date(now.getTime() + (t.app.profile.resumeAfterHours + 1) * 3_600_000);
    const back = await chat.text('السلام عليكم');
    expect(said(back)).toContain(t.app.translator.t('session:resumeAsk', 'ar'));
    expect(choicesOf(back)).toEqual(['session.resume', 'session.restart']);
    const resumed = await chat.choose('session.resume');
    expect(said(resumed)).toBe(said(category).split('\n---\n').at(-1));
    now = new Date(now.getTime() + (t.app.profile.resumeAfterHours + 1) * 3_600_000);
    await chat.text('مرحبا');
    const restarted = await chat.choose('session.restart');
    expect(choicesOf(restarted)).toContain('request');
  });
});

describe('a second association (R12)', () => {
  it('runs the same dialogues from the cooperative profile: a compensation claim goes to its investigation committee (R4)', async () => {
    const profile = path.resolve(import.meta.dirname, '../src/profiles/002-safwa-cooperative.json');
    t = await startApp({ ORG_PROFILE: profile });
    const chat = new ChatClient(t.url);
    const hello = await chat.text('مرحبا');
    expect(t.app.profile.id).not.toBe('social_support');
    expect(said(hello)).toContain(t.app.profile.name.ar);
    await chat.choose('complaint');
    await chat.choose('accept');
    await chat.choose('cat:compensation');
    await chat.text('تلفت بضاعتي في مستودع الجمعية بسبب تسرب المياه');
    await chat.text('خسرت قيمة البضاعة كاملة');
    await chat.text('٢٬٣٠٠');
    await chat.choose('skip');
    const done = await chat.choose('confirm');
    const investigation = t.app.profile.committees.find((c) => c.id === 'investigation');
    expect(said(done)).toContain(investigation?.name.ar);
    const row = await t.app.db.get<{ committee: string; data: string }>('SELECT committee, data FROM complaints');
    expect(row?.committee).toBe('investigation');
    expect(JSON.parse(row?.data ?? '{}')).toMatchObject({ amount: 2300 });
  });
});

describe('conversations (English)', () => {
  it('switches to English and files a compensation complaint with an amount', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('hello');
    const menu = await chat.choose('language');
    expect(said(menu)).toContain('How can I help you?');
    await chat.choose('complaint');
    await chat.choose('accept');
    await chat.choose('cat:compensation');
    await chat.text('The delivery team damaged my door while delivering the food basket.');
    await chat.text('I had to repair the door myself.');
    const amount = await chat.text('1,500.50');
    expect(choicesOf(amount)).toContain('skip');
    await chat.choose('skip');
    const done = await chat.choose('confirm');
    expect(said(done)).toMatch(/C-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    const row = await t.app.db.get<{ data: string; category: string }>('SELECT data, category FROM complaints');
    expect(row?.category).toBe('compensation');
    expect(JSON.parse(row?.data ?? '{}')).toMatchObject({ amount: 1500.5 });
  });

  it('a typed 0 or 1 where a number is asked is the answer, not the menu or an option', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('hello');
    await chat.choose('language');
    await chat.choose('complaint');
    await chat.choose('accept');
    await chat.choose('cat:compensation');
    await chat.text('The delivery team damaged my door while delivering the food basket.');
    await chat.text('I had to repair the door myself.');
    const zero = await chat.text('0');
    expect(choicesOf(zero)).toEqual(['skip']); // the attachment question: 0 was the amount, not the menu
    await chat.choose('skip');
    await chat.choose('confirm');
    // A second claim: "1" at the amount question is one riyal, not the "No amount" option.
    await chat.choose('complaint');
    await chat.choose('cat:compensation');
    await chat.text('The delivery team damaged my door while delivering the food basket.');
    await chat.text('I had to repair the door myself.');
    await chat.text('1');
    await chat.choose('skip');
    await chat.choose('confirm');
    const rows = await t.app.db.all<{ data: string }>('SELECT data FROM complaints ORDER BY created_at');
    expect(rows.map((r) => JSON.parse(r.data).amount)).toEqual([0, 1]);
  });

  it('new request, my requests and a rating, all in English', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('hello');
    await chat.choose('language');
    const askId = await chat.startVolunteering();
    expect(said(askId)).toMatch(/national ID|iqama/i);
    const wrong = await chat.text('2000000001');
    expect(said(wrong)).toMatch(/[A-Za-z]{4,}/);
    expect(said(wrong)).not.toMatch(/[\u0600-\u06FF]{3,}/);
    await chat.text('2000000006');
    await chat.text('+966 55 123 4567');
    await chat.text('2');
    await chat.text('3');
    await chat.text('12');
    const summary = await chat.text('I helped at a food bank for two years.');
    expect(said(summary)).toContain('055 123 4567');
    await chat.choose('edit:weekly_hours');
    await chat.text('6');
    await chat.choose('confirm');
    const done = await chat.choose('agree');
    const ref = said(done).match(/R-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] as string;
    expect(ref).toBeTruthy();
    expect(said(done)).toMatch(/committee/i);
    const att = await t.app.db.get<{ text: string; language: string }>('SELECT text, language FROM attestations');
    expect(att).toEqual({ text: t.app.translator.t('request:attestation', 'en'), language: 'en' });

    const list = await chat.choose('status');
    expect(choicesOf(list)).toContain(`case:${ref}`);
    const detail = await chat.choose(`case:${ref}`);
    expect(said(detail)).toContain(ref);
    expect(said(detail)).toContain(`Status: ${t.app.translator.t('status:state.submitted', 'en')}`);
    expect(said(detail)).toContain('Volunteering');
    await chat.text('menu');
    await t.app.db.run("UPDATE requests SET status = 'served' WHERE ref = ?", [ref]);
    await chat.choose('rating');
    await chat.text('5');
    await chat.choose('skip');
    const rating = await t.app.db.get<{ score: number }>('SELECT score FROM ratings');
    expect(Number(rating?.score)).toBe(5);
  });

  it('asks a question in English and gets an English answer', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('hello');
    await chat.choose('language');
    const turn = await chat.text('What documents do I need to apply?');
    expect(said(turn)).toMatch(/[A-Za-z]{4,}/);
    expect(said(turn)).not.toMatch(/[\u0600-\u06FF]{4,}/);
  });
});
