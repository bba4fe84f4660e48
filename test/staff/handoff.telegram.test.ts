/**
 * The handoff end to end with the staff group on Telegram (R3c): the whole service in-process
 * against the fake Bot API, `STAFF_TELEGRAM_CHAT_ID` set. A person asks for staff (on the web
 * chat, then on Telegram); the alert with its summary and claim button reaches the staff group;
 * a staff member claims, answers (`/reply`, or a reply to the alert), the person's words reach the
 * group while the bot stays silent, and `/done` hands the conversation back to the menu.
 */

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../src/channels/telegram/telegram.channel.js';
import { StaffAccountsRepository } from '../../src/db/staff-accounts.repository.js';
import { nextWorkingTime } from '../../src/domain/calendar.js';
import { calendarOf } from '../../src/engine/flow-registry.js';
import { FakeBotApi, type SentMessage } from '../channels/telegram/fake-bot-api.js';
import { ChatClient, said, startApp, type TestApp } from '../support/app.js';
import { addStaff, ConsoleClient, waitFor, watcherOf } from './support.js';

const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const SECRET = 'webhook_secret-0123456789abcdef';
const STAFF_CHAT = '-1001122334455';
const NATIONAL_ID = '1000000008';
const MOBILE = '0501234567';

interface Harness {
  api: FakeBotApi;
  /** The app's clock runs this many ms ahead of real time (to let working minutes pass). */
  skew: { ms: number };
  clock: () => Date;
  t: TestApp;
  logs: string[];
  post(update: object): Promise<void>;
  settled(): Promise<void>;
  close(): Promise<void>;
}

let h: Harness | null = null;
afterEach(async () => {
  const done = h;
  h = null;
  if (!done) return;
  await done.close();
  // R6: no staff member's name and no message text in the logs.
  const logs = done.logs.join('\n');
  expect(logs).not.toContain('سارة');
  expect(logs).not.toContain('حياك الله');
});

async function start(): Promise<Harness> {
  const api = new FakeBotApi(TOKEN);
  await api.start();
  const logs: string[] = [];
  const skew = { ms: 0 };
  const clock = () => new Date(Date.now() + skew.ms);
  const t = await startApp(
    {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: api.apiRoot,
      STAFF_TELEGRAM_CHAT_ID: STAFF_CHAT,
    },
    {
      logger: pino({ level: 'debug' }, { write: (line: string) => logs.push(line) }),
      clock,
      channels: (deps) => [createTelegramChannel(deps, { perChatIntervalMs: 0 })],
      dispatcher: { pollMs: 50, baseDelayMs: 100, maxDelayMs: 400 },
    },
  );
  // Staff accounts linked to their Telegram users (only linked accounts may act in the group)
  const repo = new StaffAccountsRepository(t.app.db);
  await repo.setTelegramUser((await addStaff(t.app, 'sara', 'officer', ['general'])).id, '700100', new Date());
  await repo.setTelegramUser((await addStaff(t.app, 'ali', 'officer', ['general'])).id, '700200', new Date());
  const count = async (sql: string) => Number((await t.app.db.get<{ n: number }>(sql))?.n ?? 0);
  const settled = () =>
    waitFor(
      async () =>
        (await count("SELECT COUNT(*) AS n FROM inbox WHERE status = 'pending'")) +
          (await count("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')")) ===
        0,
      'the service to settle',
    );
  return {
    api,
    skew,
    clock,
    t,
    logs,
    async post(update) {
      const res = await fetch(`${t.url}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(200);
      await settled();
    },
    settled,
    async close() {
      await t.close();
      await api.stop();
    },
  };
}

// ---- Telegram payloads ---------------------------------------------------------------------------

let updateId = 952_000_000;
let groupMessageId = 5000;

const group = { id: Number(STAFF_CHAT), title: 'فريق الخدمة', type: 'supergroup' as const };

/** A staff member in the staff group. */
function staffMember(id: number, firstName: string) {
  const from = { id, is_bot: false, first_name: firstName, language_code: 'ar' };
  return {
    id,
    press(alert: SentMessage, data: string) {
      return {
        update_id: ++updateId,
        callback_query: { id: `${id}${updateId}`, from, message: alert, chat_instance: '-77001', data },
      };
    },
    say(text: string, replyTo?: SentMessage) {
      const command = /^\/\w+/.exec(text);
      return {
        update_id: ++updateId,
        message: {
          message_id: ++groupMessageId,
          from,
          chat: group,
          date: Math.floor(Date.now() / 1000),
          text,
          ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
          ...(replyTo ? { reply_to_message: replyTo } : {}),
        },
      };
    },
  };
}

/** A beneficiary in a private chat with the bot. */
function telegramPerson(id: number) {
  let messageId = 0;
  const chat = { id, first_name: 'محمد', type: 'private' as const };
  return {
    id,
    text(text: string) {
      return {
        update_id: ++updateId,
        message: {
          message_id: ++messageId,
          from: { id, is_bot: false, first_name: 'محمد', language_code: 'ar' },
          chat,
          date: Math.floor(Date.now() / 1000),
          text,
        },
      };
    },
  };
}

const buttons = (m: SentMessage | undefined) => m?.reply_markup?.inline_keyboard?.flat() ?? [];

async function webHistory(t: TestApp, chat: ChatClient): Promise<{ from: string; text: string; choices?: unknown[] }[]> {
  const r = await fetch(`${t.url}/chat/api/messages?session=${chat.session}&after=0`);
  return ((await r.json()) as { messages: { from: string; text: string; choices?: unknown[] }[] }).messages;
}

describe('handoff through the Telegram staff group', () => {
  it('web chat: "أبي أكلم موظف" → alert with summary and claim button → claim, reply, forward, hand back', async () => {
    h = await start();
    const { api, t } = h;
    const sara = staffMember(700100, 'سارة');
    const person = new ChatClient(t.url);

    // Given a person in the middle of a request, who has typed their national ID and mobile
    await person.text('السلام عليكم');
    await person.choose('request');
    await person.choose('accept');
    expect(said(await person.choose('type:urgent_support'))).toContain('رقم الهوية');
    expect(said(await person.text(NATIONAL_ID))).toContain('رقم جوال');
    expect(said(await person.text(MOBILE))).toContain('تاريخ');

    // When they ask for a person
    const asked = await person.text('أبي أكلم موظف');
    expect(said(asked)).toContain('تم تحويل محادثتك إلى أحد الزملاء');
    const handoff = await t.app.db.get<{ id: string; status: string; reason: string }>('SELECT id, status, reason FROM handoffs');
    expect(handoff).toMatchObject({ status: 'open', reason: 'requested' });
    const id = String(handoff?.id);
    const caseId = id.slice(0, 8);

    // Then the staff group gets the alert: case, reason, summary, a claim button; no ID, no phone
    await waitFor(() => api.sent(STAFF_CHAT).length === 1, 'the staff alert');
    const alert = api.sent(STAFF_CHAT)[0] as SentMessage;
    expect(alert.text).toContain(`(${caseId})`);
    expect(alert.text).toContain('طلب المستفيد التحدث مع موظف');
    expect(alert.text).toContain('الخدمة: تقديم طلب');
    expect(alert.text).toContain('القناة: web');
    expect(buttons(alert)).toEqual([{ text: 'استلام', callback_data: `staff:claim:${id}` }]);

    // ... and the console lists it, waiting to be claimed
    const console = new ConsoleClient(t.url);
    const list = await console.signIn('sara');
    expect(list.html).toContain(`data-case="${caseId}" data-status="open"`);

    // When Sara presses "استلام"
    await h.post(sara.press(alert, `staff:claim:${id}`));
    const claimedRow = await t.app.db.get<{ status: string; claimed_by: string }>('SELECT status, claimed_by FROM handoffs');
    expect(claimedRow).toEqual({ status: 'claimed', claimed_by: 'staff:sara' });
    const toast = api.callsOf('answerCallbackQuery').at(-1);
    expect(String(toast?.params.text)).toContain('تم استلام الحالة');
    await waitFor(() => api.sent(STAFF_CHAT).length === 2, 'the claim notice');
    expect(api.sent(STAFF_CHAT)[1]?.text).toContain(`/reply ${caseId}`);

    // ... and answers with /reply: the person reads it in the web chat
    await h.post(sara.say(`/reply ${caseId} حياك الله، أنا من فريق الخدمة. كيف أقدر أساعدك؟`));
    await waitFor(
      async () => (await webHistory(t, person)).at(-1)?.text === '👤 رد الموظف: حياك الله، أنا من فريق الخدمة. كيف أقدر أساعدك؟',
      'the staff reply in the web chat',
    );
    expect(api.sent(STAFF_CHAT).at(-1)?.text).toContain('وصل ردّك');

    // When the person answers, the bot is silent and the staff group gets their words
    const before = api.sent(STAFF_CHAT).length;
    const silent = await person.text('أحتاج مساعدة عاجلة في السكن');
    expect(silent.replies).toEqual([]);
    await waitFor(() => api.sent(STAFF_CHAT).length === before + 1, 'the forwarded message');
    const forward = api.sent(STAFF_CHAT).at(-1) as SentMessage;
    expect(forward.text).toBe(`✉️ رسالة من المستفيد في الحالة ${caseId}: أحتاج مساعدة عاجلة في السكن`);

    // ... and Sara replies to that message directly (the one handoff she holds)
    await h.post(sara.say('سنتواصل معك اليوم بإذن الله', forward));
    await waitFor(
      async () => (await webHistory(t, person)).at(-1)?.text === '👤 رد الموظف: سنتواصل معك اليوم بإذن الله',
      'the reply to the forwarded message',
    );

    // When Sara hands back with /done, the person gets the menu and the bot answers again
    await h.post(sara.say(`/done ${caseId}`));
    await waitFor(async () => ((await webHistory(t, person)).at(-1)?.choices?.length ?? 0) > 0, 'the menu');
    const last = await webHistory(t, person);
    expect(last.at(-2)?.text).toBe(t.app.translator.t('session:handedBack', 'ar'));
    expect((await t.app.db.get<{ status: string }>('SELECT status FROM handoffs'))?.status).toBe('closed');
    expect((await person.text('القائمة')).replies.length).toBeGreaterThan(0);
    expect(api.sent(STAFF_CHAT).at(-1)?.text).toContain('أُعيدت الحالة');

    // Every staff action is audited under Sara's Telegram id
    const audit = await t.app.db.all<{ staff_id: string; action: string }>(
      "SELECT staff_id, action FROM staff_audit WHERE subject_type = 'handoff' ORDER BY at, action",
    );
    expect(audit).toEqual([
      { staff_id: 'staff:sara', action: 'handoff.claim' },
      { staff_id: 'staff:sara', action: 'handoff.reply' },
      { staff_id: 'staff:sara', action: 'handoff.reply' },
      { staff_id: 'staff:sara', action: 'handoff.handback' },
    ]);

    // R6: nothing the bot sent to staff holds the national ID or the full mobile
    const toStaff = api
      .sent(STAFF_CHAT)
      .map((m) => m.text)
      .join('\n');
    expect(toStaff).not.toContain(NATIONAL_ID);
    expect(toStaff).not.toContain('501234567');
  });

  it('Telegram person: /claim, a second colleague refused, reply to the alert, re-alert with button, /done', async () => {
    h = await start();
    const { api, t } = h;
    const sara = staffMember(700100, 'سارة');
    const ali = staffMember(700200, 'علي');
    const person = telegramPerson(501234567);

    await h.post(person.text('السلام عليكم'));
    await h.post(person.text('/agent'));
    expect(api.sent(person.id).at(-1)?.text).toContain('تم تحويل محادثتك إلى أحد الزملاء');
    const id = String((await t.app.db.get<{ id: string }>('SELECT id FROM handoffs'))?.id);
    const caseId = id.slice(0, 8);
    await waitFor(() => api.sent(STAFF_CHAT).length === 1, 'the staff alert');
    const alert = api.sent(STAFF_CHAT)[0] as SentMessage;
    expect(alert.text).toContain('القناة: telegram');

    // Unclaimed for 15 minutes of working time: a re-alert, with the claim button again
    const from = nextWorkingTime(new Date(), calendarOf(t.app.profile), t.app.profile.workingHours);
    h.skew.ms = from.getTime() + 16 * 60_000 - Date.now();
    expect(await watcherOf(t.app, t.app.profile, h.clock).runOnce()).toEqual({ realerted: 1, escalated: 0 });
    await waitFor(() => api.sent(STAFF_CHAT).length === 2, 'the re-alert');
    const realert = api.sent(STAFF_CHAT)[1] as SentMessage;
    expect(realert.text).toContain('⏰');
    expect(buttons(realert)).toEqual([{ text: 'استلام', callback_data: `staff:claim:${id}` }]);

    // Chatter in the group and unknown commands do nothing harmful
    await h.post(sara.say('صباح الخير يا شباب'));
    expect(api.sent(STAFF_CHAT)).toHaveLength(2);
    await h.post(sara.say('/reply'));
    expect(api.sent(STAFF_CHAT).at(-1)?.text).toContain('/claim');

    // A colleague whose Telegram account is not linked to a staff account may not claim
    const stranger = staffMember(700300, 'زائر');
    await h.post(stranger.say(`/claim ${caseId}`));
    expect(api.sent(STAFF_CHAT).at(-1)?.text).toContain('غير مربوط بحساب موظف');
    expect((await t.app.db.get<{ status: string }>('SELECT status FROM handoffs'))?.status).toBe('open');

    // Sara claims by command; Ali is refused, by button and by command
    await h.post(sara.say(`/claim ${caseId}`));
    expect(api.sent(STAFF_CHAT).at(-1)?.text).toContain('استُلمت الحالة');
    await h.post(ali.press(realert, `staff:claim:${id}`));
    expect(String(api.callsOf('answerCallbackQuery').at(-1)?.params.text)).toContain('استلم زميل آخر');
    await h.post(ali.say(`/reply ${caseId} أنا أتابع معك`));
    expect(api.sent(STAFF_CHAT).at(-1)?.text).toContain('استلم زميل آخر');
    expect(
      api
        .sent(person.id)
        .map((m) => m.text)
        .join('\n'),
    ).not.toContain('أنا أتابع معك');

    // Sara answers by replying to the alert: the person gets it in their Telegram chat
    await h.post(sara.say('حياك الله، طلبك قيد المتابعة', alert));
    await waitFor(() => api.sent(person.id).at(-1)?.text === '👤 رد الموظف: حياك الله، طلبك قيد المتابعة', 'the reply');

    // The person's message reaches the group; the bot says nothing to them
    const sentToPerson = api.sent(person.id).length;
    await h.post(person.text('شكرًا لكم'));
    expect(api.sent(person.id)).toHaveLength(sentToPerson);
    expect(api.sent(STAFF_CHAT).at(-1)?.text).toBe(`✉️ رسالة من المستفيد في الحالة ${caseId}: شكرًا لكم`);

    // Ali cannot hand it back; Sara does, and the person gets the menu buttons
    await h.post(ali.say(`/done ${caseId}`));
    expect((await t.app.db.get<{ status: string }>('SELECT status FROM handoffs'))?.status).toBe('claimed');
    await h.post(sara.say(`/done ${caseId}`));
    await waitFor(() => buttons(api.sent(person.id).at(-1)).length > 0, 'the menu');
    expect(api.sent(person.id).at(-2)?.text).toBe(t.app.translator.t('session:handedBack', 'ar'));
    expect((await t.app.db.get<{ status: string }>('SELECT status FROM handoffs'))?.status).toBe('closed');
    await h.post(sara.say(`/reply ${caseId} هل من شيء آخر؟`));
    expect(api.sent(STAFF_CHAT).at(-1)?.text).toContain('مغلقة');
  });

  it('ignores other groups and staff-looking buttons pressed outside the staff group', async () => {
    h = await start();
    const { api, t } = h;
    const stranger = {
      update_id: ++updateId,
      message: {
        message_id: 1,
        from: { id: 9, is_bot: false, first_name: 'x' },
        chat: { id: -100999, title: 'مجموعة أخرى', type: 'supergroup' },
        date: Math.floor(Date.now() / 1000),
        text: '/done deadbeef',
      },
    };
    await h.post(stranger);
    expect(Number((await t.app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM inbox'))?.n)).toBe(0);
    expect(api.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(0);

    // A person who forges the claim button in their own chat claims nothing.
    const person = telegramPerson(501234999);
    await h.post(person.text('موظف'));
    const id = String((await t.app.db.get<{ id: string }>('SELECT id FROM handoffs'))?.id);
    const own = api.sent(person.id).at(-1) as SentMessage;
    await h.post({
      update_id: ++updateId,
      callback_query: {
        id: `forged${updateId}`,
        from: { id: person.id, is_bot: false, first_name: 'محمد' },
        message: own,
        chat_instance: '1',
        data: `staff:claim:${id}`,
      },
    });
    expect((await t.app.db.get<{ status: string }>('SELECT status FROM handoffs'))?.status).toBe('open');
    expect(Number((await t.app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM staff_audit'))?.n)).toBe(0);
  });
});
