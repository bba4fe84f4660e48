/**
 * Issue 11, "nothing typed is lost", end to end through the web chat API with a real database:
 * a half-filled request survives the menu, a person, a restart of the service and a mistaken
 * cancel; coming back offers to continue or start again; cancel asks first; greetings are returned.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, choicesOf, said, startApp, type TestApp } from '../support/app.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

/** Into the volunteering request, two answers given (ID and mobile): the third question is asked. */
async function twoAnswers(chat: ChatClient) {
  await chat.startVolunteering();
  await chat.text('1000000008');
  return chat.text('0551234567');
}

describe('drafts (issue 11): nothing typed is lost', () => {
  it('Arabic: the menu mid-form keeps the answers; choosing the request again offers to continue', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    expect(said(await chat.text('السلام عليكم'))).toContain('وعليكم السلام');
    const third = await twoAnswers(chat);
    const question = third.replies.at(-1)?.text ?? '';

    const menu = await chat.text('القائمة');
    expect(said(menu)).toContain('حفظنا ما كتبته');
    const offer = await chat.choose('request');
    expect(said(offer)).toContain('لديك طلب لم يكتمل');
    expect(choicesOf(offer)).toEqual(['session.draftResume', 'session.draftRestart']);

    const resumed = await chat.choose('session.draftResume');
    expect(resumed.replies.at(-1)?.text).toBe(question);
  });

  it('Arabic: cancel asks first and says what is discarded; "no" continues, "yes" deletes', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    const third = await twoAnswers(chat);
    const question = third.replies.at(-1)?.text ?? '';
    const ask = await chat.text('إلغاء');
    expect(said(ask)).toContain('هل تريد إلغاء');
    expect(choicesOf(ask)).toEqual(['session.cancelNo', 'session.cancelYes']);
    const kept = await chat.choose('session.cancelNo');
    expect(kept.replies.at(-1)?.text).toBe(question);

    await chat.text('إلغاء');
    const gone = await chat.choose('session.cancelYes');
    expect(said(gone)).toContain('تم الإلغاء');
    const fresh = await chat.choose('request');
    expect(said(fresh)).not.toContain('لم يكتمل');
  });

  it('Arabic: asking for a person in a form keeps the draft; after the menu it is offered again', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    await twoAnswers(chat);
    const handoff = await chat.text('ممكن اكلم احد من الجمعية؟');
    expect(said(handoff)).toContain('تحويل محادثتك');
    await chat.text('القائمة');
    const offer = await chat.choose('request');
    expect(said(offer)).toContain('أُجيب عن \u2068٢\u2069 من');
  });

  it('English: the draft survives a restart of the service and can be started again', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('hello');
    await chat.choose('language');
    await twoAnswers(chat);
    await chat.text('menu');
    const env = { DATABASE_URL: `file:${t.dir}/bot.db` };
    await t.app.stop();
    const again = await startApp(env);
    t = { ...again, close: again.close };
    const chat2 = new ChatClient(again.url, chat.session);
    const offer = await chat2.choose('request');
    expect(said(offer)).toContain('You have an unfinished request');
    expect(said(offer)).toContain('2 of');
    const restart = await chat2.choose('session.draftRestart');
    expect(said(restart)).toContain('start again');
  });
});
