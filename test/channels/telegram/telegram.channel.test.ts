/**
 * The Telegram channel end to end: the whole service in-process (SQLite in a temp folder, the real
 * engine, inbox, outbox dispatcher and grammY) against a fake Bot API server over real HTTP, with
 * real update payload shapes. Dispatcher backoffs are shortened and the per-chat send interval is 0
 * unless a test is about them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GrammyError, HttpError } from 'grammy';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppOptions } from '../../../src/app.js';
import { SendError } from '../../../src/channels/channel.js';
import {
  createTelegramChannel,
  redactToken,
  type TelegramChannelOptions,
  toSendError,
} from '../../../src/channels/telegram/telegram.channel.js';
import { OutboxRepository } from '../../../src/db/outbox.repository.js';
import { startApp, type TestApp } from '../../support/app.js';
import { until } from '../../support/until.js';
import { FakeBotApi, type SentMessage } from './fake-bot-api.js';
import { buttons, channelPost, newUpdateId, TelegramUser } from './telegram-user.js';

const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const SECRET = 'webhook_secret-0123456789abcdef';
const STAFF_CHAT = '-1001122334455';

/** The service, the fake API and helpers around them. */
interface Harness {
  api: FakeBotApi;
  t: TestApp;
  logs: string[];
  /** POSTs an update to the webhook. */
  post(update: object, secret?: string | null): Promise<Response>;
  count(sql: string, params?: (string | number)[]): Promise<number>;
  /** Resolves when the inbox and the outbox have nothing left to do. */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

let h: Harness | null = null;
afterEach(async () => {
  const done = h;
  h = null;
  if (!done) return;
  await done.close();
  // The token never appears in a log line, whatever happened in the test.
  expect(done.logs.join('\n')).not.toContain(TOKEN);
});

async function start(
  mode: 'webhook' | 'polling',
  opts: { telegram?: TelegramChannelOptions; dispatcher?: AppOptions['dispatcher'] } = {},
): Promise<Harness> {
  const api = new FakeBotApi(TOKEN);
  await api.start();
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  const t = await startApp(
    {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_MODE: mode,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: api.apiRoot,
      STAFF_TELEGRAM_CHAT_ID: STAFF_CHAT,
    },
    {
      logger,
      channels: (deps) => [
        createTelegramChannel(deps, { perChatIntervalMs: 0, pollTimeoutSeconds: 1, pollRetryMs: 100, ...opts.telegram }),
      ],
      dispatcher: { pollMs: 50, baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 20, ...opts.dispatcher },
    },
  );
  const count = async (sql: string, params: (string | number)[] = []) =>
    Number((await t.app.db.get<{ n: number }>(sql, params))?.n ?? 0);
  const harness: Harness = {
    api,
    t,
    logs,
    post: (update, secret = SECRET) =>
      fetch(`${t.url}/telegram/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
        },
        body: JSON.stringify(update),
      }),
    count,
    async settled(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const busy =
          (await count("SELECT COUNT(*) AS n FROM inbox WHERE status = 'pending'")) +
          (await count("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')"));
        if (busy === 0) return;
        if (Date.now() > deadline) throw new Error('the service did not settle');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await t.close();
      await api.stop();
    },
  };
  return harness;
}

// ---- real update payloads ------------------------------------------------------------------------

/** Sends an update through the webhook and returns what the bot sent to the person in that turn. */
async function turn(user: TelegramUser, update: object): Promise<SentMessage[]> {
  if (!h) throw new Error('no service');
  const before = h.api.sent(user.id).length;
  const res = await h.post(update);
  expect(res.status).toBe(200);
  await h.settled();
  return h.api.sent(user.id).slice(before);
}

const texts = (ms: SentMessage[]) => ms.map((m) => m.text).join('\n---\n');

// ---- tests ---------------------------------------------------------------------------------------

describe('telegram channel (webhook)', () => {
  it('carries a full Arabic new request and a complaint, buttons pressed as callback queries', async () => {
    h = await start('webhook');
    const { api } = h;
    const user = new TelegramUser(api, 501234567);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);
    api.addFile('AgACAgQAAxkBAAIBQ2', jpeg, 'photos/file_12.jpg');

    // Welcome with the association's name and the privacy notice, then the menu as buttons.
    let got = await turn(user, user.text('السلام عليكم'));
    expect(texts(got)).toContain(h.t.app.profile.name.ar);
    expect(got.at(-1)?.reply_markup?.inline_keyboard?.[0]).toEqual([
      { text: 'استفسار', callback_data: 'inquiry' },
      { text: 'تقديم طلب جديد', callback_data: 'request' },
    ]);

    got = await turn(user, user.press('request'));
    expect(buttons(got.at(-1) as SentMessage)).toEqual(['accept', 'decline']);
    got = await turn(user, user.press('accept'));
    expect(texts(got)).toContain('تم تسجيل موافقتك');
    got = await turn(user, user.press('type:urgent_support'));
    expect(texts(got)).toContain('رقم الهوية');

    // A button from an old message: a polite note and the current question again, no transition.
    got = await turn(user, user.press('inquiry'));
    expect(texts(got)).toContain('هذا الزر من رسالة سابقة');
    expect(texts(got)).toContain('رقم الهوية');

    got = await turn(user, user.text('1000000008'));
    expect(texts(got)).toContain('رقم جوال');
    // The phone by the "share contact" button.
    got = await turn(user, user.contact('966501234567'));
    expect(texts(got)).toContain('تاريخ');
    // A voice note where a date is expected: a polite re-ask of the same question.
    got = await turn(user, user.voice());
    expect(got.length).toBeGreaterThan(0);
    expect(texts(got)).toContain('تاريخ');
    await turn(user, user.text('15/3/2025'));
    got = await turn(user, user.text('احترق جزء من المنزل ونحتاج إلى مساعدة عاجلة في السكن'));
    expect(buttons(got.at(-1) as SentMessage)).toEqual(['skip']);

    // A sticker and a 12 MB PDF are refused politely; nothing is downloaded.
    got = await turn(user, user.sticker());
    expect(texts(got)).toContain('نقبل الصور');
    got = await turn(user, user.document('BQACAgQAAbig', 'تقرير.pdf', 'application/pdf', 12_000_000));
    expect(texts(got)).toContain('حجم الملف أكبر من المسموح');
    expect(api.callsOf('getFile')).toHaveLength(0);

    // A photo is fetched with getFile into the attachment store.
    got = await turn(user, user.photo('AgACAgQAAxkBAAIBQ2', jpeg.length));
    expect(api.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['AgACAgQAAxkBAAIBQ2']);
    expect(api.callsOf('download')).toHaveLength(1);
    expect(buttons(got.at(-1) as SentMessage)).toContain('confirm');

    got = await turn(user, user.press('confirm'));
    expect(buttons(got.at(-1) as SentMessage)).toEqual(['agree', 'cancel']);
    got = await turn(user, user.press('agree'));
    expect(texts(got)).toMatch(/R-[0-9A-Z]{4}-[0-9A-Z]{4}/);

    const request = await h.t.app.db.get<{ channel: string; data: string }>('SELECT channel, data FROM requests');
    expect(request?.channel).toBe('telegram');
    const data = JSON.parse(request?.data ?? '{}') as Record<string, unknown>;
    expect(data.national_id).toBe('1000000008');
    expect(data.mobile).toBe('+966501234567');
    const key = String(data.evidence);
    const dir = path.join(h.t.dir, 'attachments');
    expect(readFileSync(path.join(dir, key)).equals(jpeg)).toBe(true);

    // This request type goes to an officer: the staff group is alerted through Telegram.
    await api.waitFor(() => api.sent(STAFF_CHAT).length > 0, 5000, 'the staff alert');

    // Back to the bot, then a complaint.
    got = await turn(user, user.text('القائمة'));
    expect(buttons(got.at(-1) as SentMessage)).toContain('complaint');
    got = await turn(user, user.press('complaint'));
    expect(buttons(got.at(-1) as SentMessage)).toContain('cat:delay');
    await turn(user, user.press('cat:delay'));
    got = await turn(user, user.text('تأخر الرد على طلبي أكثر من شهر دون أي تواصل من الجمعية'));
    expect(buttons(got.at(-1) as SentMessage)).toEqual(['skip']);
    got = await turn(user, user.press('skip'));
    expect(buttons(got.at(-1) as SentMessage)).toContain('confirm');
    got = await turn(user, user.press('confirm'));
    expect(texts(got)).toMatch(/C-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    expect(await h.count("SELECT COUNT(*) AS n FROM complaints WHERE channel = 'telegram'")).toBe(1);

    // Every press was answered (the button's spinner stops), none was sent twice.
    const presses = h.t.app.db.all<{ n: number }>(
      "SELECT COUNT(*) AS n FROM messages WHERE direction = 'in' AND kind = 'choice'",
    );
    expect(api.callsOf('answerCallbackQuery')).toHaveLength(Number((await presses)[0]?.n));
    // Messages carry no parse mode: text is shown exactly as written.
    expect(api.callsOf('sendMessage').every((c) => c.params.parse_mode === undefined)).toBe(true);
  });

  it('answers /start from a new person with the menu', async () => {
    h = await start('webhook');
    const user = new TelegramUser(h.api, 515000001);
    const got = await turn(user, user.text('/start'));
    expect(buttons(got.at(-1) as SentMessage)).toContain('request');
    const stored = await h.t.app.db.get<{ body: string }>("SELECT body FROM messages WHERE direction = 'in'");
    expect(JSON.parse(stored?.body ?? '{}')).toEqual({ kind: 'text', text: 'القائمة' });
  });

  it('acknowledges a malformed body behind a valid secret (200, logged), stores nothing, never a 500', async () => {
    h = await start('webhook');
    expect((await h.post({ message: { text: 'x' } })).status).toBe(200);
    // An update_id with a message Telegram would never send: the mapping cannot read it.
    expect((await h.post({ update_id: 5, message: { chat: null, text: 7 } })).status).toBe(200);
    expect((await h.post({ update_id: 6, callback_query: 'x' })).status).toBe(200);
    const res = await fetch(`${h.t.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: '{"update_id": 1, "message":',
    });
    expect(res.status).toBe(200);
    expect(h.logs.filter((l) => l.includes('malformed update acknowledged and ignored')).length).toBeGreaterThanOrEqual(3);
    await h.settled();
    expect(await h.count("SELECT COUNT(*) AS n FROM inbox WHERE status <> 'done'")).toBe(0);
    expect(await h.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram'")).toBe(0);
  });

  it('ignores an edited message and a channel post: 200, nothing stored, no reply', async () => {
    h = await start('webhook');
    const user = new TelegramUser(h.api, 502000001);
    await turn(user, user.text('مرحبا'));
    const before = await h.count('SELECT COUNT(*) AS n FROM inbox');
    for (const update of [user.edited('مرحبا بكم'), channelPost()]) expect((await h.post(update)).status).toBe(200);
    await h.settled();
    expect(await h.count('SELECT COUNT(*) AS n FROM inbox')).toBe(before);
    expect(h.api.sent(user.id)).toHaveLength(2);
  });

  it('refuses a wrong or missing secret with 401 and writes nothing', async () => {
    h = await start('webhook');
    const user = new TelegramUser(h.api, 503000001);
    for (const secret of [null, 'wrong', `${SECRET}x`, SECRET.slice(0, -1), ''])
      expect((await h.post(user.text('السلام عليكم'), secret)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    for (const table of ['inbox', 'messages', 'beneficiaries', 'outbox', 'conversations'])
      expect(await h.count(`SELECT COUNT(*) AS n FROM ${table}`)).toBe(0);
    expect(h.api.callsOf('sendMessage')).toHaveLength(0);
  });

  it('handles an update delivered twice, and ten times at once, once: one stored message, one reply', async () => {
    h = await start('webhook');
    const user = new TelegramUser(h.api, 504000001);
    const hello = user.text('السلام عليكم');
    expect((await h.post(hello)).status).toBe(200);
    expect((await h.post(hello)).status).toBe(200);
    await h.settled();
    const first = h.api.sent(user.id).length;
    expect(first).toBe(2); // welcome + menu

    const question = user.text('ما هي أوقات الدوام؟');
    const answers = await Promise.all(Array.from({ length: 10 }, () => h?.post(question)));
    expect(answers.map((r) => r?.status)).toEqual(Array(10).fill(200));
    await h.settled();
    // The same message inside a different update (e.g. a re-delivery after a restart) is one message.
    expect((await h.post({ ...question, update_id: newUpdateId() })).status).toBe(200);
    await h.settled();

    expect(await h.count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'")).toBe(2);
    expect(await h.count('SELECT COUNT(*) AS n FROM inbox')).toBe(3);
    const replies = await h.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram'");
    expect(h.api.sent(user.id)).toHaveLength(replies);
    expect(h.api.callsOf('sendMessage', user.id)).toHaveLength(replies);
  });
});

describe('telegram channel: sending', () => {
  it('honours a 429 retry_after of 3 s for one chat: later, exactly once, in order; other chats go on', async () => {
    h = await start('webhook');
    const { api } = h;
    const slow = new TelegramUser(api, 505000001);
    const other = new TelegramUser(api, 505000002);
    api.rateLimit(slow.id, 3);

    expect((await h.post(slow.text('السلام عليكم'))).status).toBe(200);
    await api.waitFor(() => api.callsOf('sendMessage', slow.id).some((c) => c.status === 429), 5000, 'the 429');
    const limitedAt = api.callsOf('sendMessage', slow.id)[0]?.at ?? 0;

    const postedAt = Date.now();
    expect((await h.post(other.text('السلام عليكم'))).status).toBe(200);
    await api.waitFor(() => api.sent(other.id).length === 2, 2000, 'the other chat');
    expect(Date.now() - postedAt).toBeLessThan(1500);
    expect(api.sent(slow.id)).toHaveLength(0);

    await api.waitFor(() => api.sent(slow.id).length === 2, 8000, 'the limited chat');
    const delivered = api.callsOf('sendMessage', slow.id).filter((c) => c.status === 200);
    expect(delivered).toHaveLength(2);
    expect((delivered[0]?.at ?? 0) - limitedAt).toBeGreaterThanOrEqual(3000);
    // In order: the welcome, then the menu with its buttons; and no hammering while limited.
    expect(api.sent(slow.id)[0]?.text).toContain(h.t.app.profile.name.ar);
    expect(buttons(api.sent(slow.id)[1] as SentMessage)).toContain('request');
    expect(api.callsOf('sendMessage', slow.id).filter((c) => c.status === 429).length).toBeLessThanOrEqual(2);
  }, 15_000);

  it('delivers everything once the API is back after a 30 s outage, without duplicates', async () => {
    // Backoff capped at 2 s and enough attempts to outlast the outage.
    h = await start('webhook', { dispatcher: { maxDelayMs: 2000, maxAttempts: 40 } });
    const { api } = h;
    const users = [new TelegramUser(api, 506000001), new TelegramUser(api, 506000002)];
    api.fail('drop', 30_000);
    for (const u of users) expect((await h.post(u.text('السلام عليكم'))).status).toBe(200);
    await api.waitFor(() => api.calls.some((c) => c.method === 'sendMessage' && c.status === 0), 2000, 'a failed send');
    const health = (await (await fetch(`${h.t.url}/healthz`)).json()) as { channels: Record<string, { state: string }> };
    expect(health.channels.telegram?.state).toBe('down');

    await h.settled(45_000);
    for (const u of users) {
      expect(api.sent(u.id)).toHaveLength(2);
      expect(api.sent(u.id)[0]?.text).toContain(h.t.app.profile.name.ar);
    }
    expect(await h.count("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'")).toBe(4);
    const after = (await (await fetch(`${h.t.url}/healthz`)).json()) as { channels: Record<string, { state: string }> };
    expect(after.channels.telegram?.state).toBe('up');
    const errors = await h.t.app.db.all<{ last_error: string | null }>('SELECT last_error FROM outbox');
    expect(errors.map((e) => e.last_error ?? '').join(' ')).not.toContain(TOKEN);
  }, 70_000);

  it('gives messages up only after the retry window, with staff alerts; a retry from the console sends them once, in order', async () => {
    h = await start('webhook', { dispatcher: { retryWindowMs: 1500, maxAttempts: undefined } });
    const { api } = h;
    const user = new TelegramUser(api, 507000001);
    api.fail('500', 60_000);
    expect((await h.post(user.text('السلام عليكم'))).status).toBe(200);
    const dead = async () => h?.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram' AND status = 'dead'") ?? 0;
    await until(async () => (await dead()) === 2, 10_000, 'both replies given up');
    // Retried while the window lasted, then given up in order: one staff alert each.
    expect(api.callsOf('sendMessage', user.id).length).toBeGreaterThan(2);
    const repo = new OutboxRepository(h.t.app.db);
    const alerts = (await repo.listStaffAlerts()).filter((a) => a.text.includes('telegram'));
    expect(alerts).toHaveLength(2);
    const letters = await repo.listDeadLetters();
    expect(letters.map((l) => l.channel)).toEqual(['telegram', 'telegram']);

    api.recover();
    for (const l of [...letters].reverse()) expect(await repo.retryDeadLetter(l.id, new Date())).toBe(true);
    expect(await repo.retryDeadLetter(letters[0]?.id ?? 0, new Date())).toBe(false); // once only
    h.t.app.dispatcher.kick();
    await api.waitFor(() => api.sent(user.id).length === 2, 5000, 'the retried replies');
    expect(api.sent(user.id)[0]?.text).toContain(h.t.app.profile.name.ar);
    expect(buttons(api.sent(user.id)[1] as SentMessage)).toContain('request');
    await new Promise((r) => setTimeout(r, 300));
    expect(api.sent(user.id)).toHaveLength(2);
  });

  it('marks a person who blocked the bot unreachable and does not retry', async () => {
    h = await start('webhook');
    const { api } = h;
    const user = new TelegramUser(api, 508000001);
    api.block(user.id);
    expect((await h.post(user.text('السلام عليكم'))).status).toBe(200);
    await h.settled();
    await new Promise((r) => setTimeout(r, 300));
    expect(
      await h.count('SELECT COUNT(*) AS n FROM beneficiaries WHERE platform_user_id = ? AND unreachable = 1', [String(user.id)]),
    ).toBe(1);
    // No retry storm: at most one call per message (the dispatcher may drop the rest at once).
    expect(await h.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram' AND status <> 'failed'")).toBe(0);
    expect(await h.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram' AND attempts > 1")).toBe(0);
    const calls = api.callsOf('sendMessage', user.id).length;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(2);
  });

  it('waits out a short retry_after in-process (auto-retry) without a second outbox attempt', async () => {
    h = await start('webhook');
    const { api } = h;
    const user = new TelegramUser(api, 512000001);
    api.rateLimit(user.id, 1);
    await turn(user, user.text('السلام عليكم'));
    const calls = api.callsOf('sendMessage', user.id);
    expect(calls.map((c) => c.status)).toEqual([429, 200, 200]);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(
      await h.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram' AND attempts = 1 AND status = 'sent'"),
    ).toBe(2);
  });

  it('reports a rejected token as down, keeps the messages for later, and never logs the token', async () => {
    h = await start('webhook');
    const { api } = h;
    const user = new TelegramUser(api, 513000001);
    // The fake now expects another token: every call of the service is refused with 401.
    api.token = '999999:ZZZ-another-token-zzzzzzzzzzzzzzzz';
    expect((await h.post(user.text('السلام عليكم'))).status).toBe(200);
    await api.waitFor(() => api.callsOf('sendMessage', user.id).length >= 2, 5000, 'a retried send');
    const health = (await (await fetch(`${h.t.url}/healthz`)).json()) as {
      channels: Record<string, { state: string; detail?: string }>;
    };
    expect(health.channels.telegram).toEqual({ state: 'down', detail: 'token rejected' });
    expect(
      await h.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram' AND status IN ('pending', 'sending')"),
    ).toBe(2);
    const errors = await h.t.app.db.all<{ last_error: string | null }>('SELECT last_error FROM outbox');
    expect(errors.map((e) => e.last_error ?? '').join(' ')).not.toContain(TOKEN);
    // The failures were logged (without the token: checked after every test).
    expect(h.logs.some((l) => l.includes('telegram is down'))).toBe(true);
    expect(h.logs.some((l) => l.includes('send failed, will retry'))).toBe(true);
  });

  it('spaces the messages to one chat by the per-chat interval', async () => {
    h = await start('webhook', { telegram: { perChatIntervalMs: 400, perChatBurst: 1 } });
    const { api } = h;
    const a = new TelegramUser(api, 509000001);
    const b = new TelegramUser(api, 509000002);
    await Promise.all([h.post(a.text('السلام عليكم')), h.post(b.text('السلام عليكم'))]);
    await h.settled();
    for (const u of [a, b]) {
      const [first, second] = api.callsOf('sendMessage', u.id);
      expect(second?.at).toBeDefined();
      // Measured where the fake receives the calls: HTTP on a busy machine may shift one by tens of ms.
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(300);
    }
  });
});

describe('telegram channel (long polling)', () => {
  it('polls, answers in order, de-duplicates a repeated update and answers button presses', async () => {
    h = await start('polling');
    const { api } = h;
    const user = new TelegramUser(api, 510000001, 'en-US');
    const hello = user.text('hello');
    api.pushUpdates(hello, hello, user.edited('hello!'));
    await api.waitFor(() => api.sent(user.id).length === 2, 5000, 'the welcome');
    expect(api.deleteWebhookCalls).toBe(1);
    // English from the Telegram interface language at first contact.
    expect(api.sent(user.id)[0]?.text).toContain(h.t.app.profile.name.en);

    api.pushUpdates(user.press('language'));
    await api.waitFor(() => api.sent(user.id).length >= 3, 5000, 'the language switch');
    await h.settled();
    expect(api.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(api.sent(user.id).at(-1)?.text).toContain('كيف أستطيع مساعدتك');
    expect(await h.count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'")).toBe(2);
    const health = (await (await fetch(`${h.t.url}/healthz`)).json()) as { channels: Record<string, { state: string }> };
    expect(health.channels.telegram?.state).toBe('up');
  });

  it('keeps polling through an outage of the API', async () => {
    h = await start('polling');
    const { api } = h;
    const user = new TelegramUser(api, 514000001);
    await api.waitFor(() => api.callsOf('getUpdates').length > 0, 3000, 'the first poll');
    api.fail('drop', 800);
    api.pushUpdates(user.text('السلام عليكم'));
    await api.waitFor(() => api.sent(user.id).length === 2, 8000, 'the replies after the outage');
    expect(api.callsOf('getUpdates').some((c) => c.status === 0)).toBe(true);
  });

  it('answers a burst of 500 messages from one chat in order', async () => {
    // Rate limits off: 1000 replies at Telegram's 30/s would take half a minute.
    h = await start('polling', { telegram: { perChatIntervalMs: 0, perSecond: Number.POSITIVE_INFINITY } });
    const { api } = h;
    const user = new TelegramUser(api, 511000001);
    // Alternating language commands: every reply says which message it answers (Arabic or English).
    const updates = Array.from({ length: 500 }, (_, i) => user.text(i % 2 === 0 ? 'English' : 'عربي'));
    api.pushUpdates(...updates);
    const deadline = Date.now() + 40_000;
    while ((await h.count("SELECT COUNT(*) AS n FROM inbox WHERE status = 'done'")) < 500) {
      if (Date.now() > deadline) throw new Error('the burst was not processed');
      await new Promise((r) => setTimeout(r, 50));
    }
    // One commit per reply (each is marked sent before the next send, issue 10): give a busy machine time.
    await h.settled(90_000);

    const inbound = await h.t.app.db.all<{ platform_message_id: string }>(
      "SELECT platform_message_id FROM messages WHERE direction = 'in' ORDER BY id",
    );
    expect(inbound.map((m) => m.platform_message_id)).toEqual(updates.map((u) => `m${user.id}:${u.message.message_id}`));
    const outbox = await h.t.app.db.all<{ payload: string }>("SELECT payload FROM outbox WHERE channel = 'telegram' ORDER BY id");
    const expected = outbox.map((r) => (JSON.parse(r.payload) as { text: string }).text);
    const received = api.sent(user.id).map((m) => m.text);
    expect(received).toEqual(expected);
    // Each message's answer names its language, alternating: any reordering would break the pattern.
    const switches = received.filter((t) => t === 'Switched to English.' || t === 'تم التحويل إلى اللغة العربية.');
    expect(switches).toEqual(updates.map((_, i) => (i % 2 === 0 ? 'Switched to English.' : 'تم التحويل إلى اللغة العربية.')));
  }, 120_000);
});

describe('telegram channel: errors', () => {
  const call = (code: number, description: string, retryAfter?: number) =>
    new GrammyError(
      "Call to 'sendMessage' failed!",
      { ok: false, error_code: code, description, ...(retryAfter ? { parameters: { retry_after: retryAfter } } : {}) },
      'sendMessage',
      {},
    );

  it('classifies refusals for the dispatcher', () => {
    expect(toSendError(call(403, 'Forbidden: bot was blocked by the user'), TOKEN).kind).toBe('unreachable');
    expect(toSendError(call(403, 'Forbidden: user is deactivated'), TOKEN).kind).toBe('unreachable');
    expect(toSendError(call(400, 'Bad Request: chat not found'), TOKEN).kind).toBe('unreachable');
    const limited = toSendError(call(429, 'Too Many Requests: retry after 7', 7), TOKEN);
    expect([limited.kind, limited.retryAfterMs]).toEqual(['retry', 7000]);
    expect(toSendError(call(502, 'Bad Gateway'), TOKEN).kind).toBe('retry');
    expect(toSendError(new HttpError("Network request for 'sendMessage' failed!", new Error('ECONNRESET')), TOKEN).kind).toBe(
      'retry',
    );
    expect(toSendError(call(400, "Bad Request: can't parse entities"), TOKEN).kind).toBe('fatal');
    const own = new SendError('x', 'fatal');
    expect(toSendError(own, TOKEN)).toBe(own);
  });

  it('never puts the token in an error message', () => {
    const leaky = new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed, reason: ECONNREFUSED`);
    expect(toSendError(leaky, TOKEN).message).not.toContain(TOKEN);
    expect(toSendError(leaky, TOKEN).message).toContain('bot<token>');
    expect(redactToken(`https://x/file/bot${TOKEN}/a.jpg and ${TOKEN}`, TOKEN)).toBe(
      'https://x/file/bot<token>/a.jpg and <token>',
    );
    expect(redactToken('bot987654:AAAbbbCCCdddEEEfffGGGhhh1', '')).toBe('bot<token>');
  });
});
