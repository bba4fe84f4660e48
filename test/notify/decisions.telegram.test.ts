/**
 * Committee decisions end to end through Telegram (issue 6 acceptance), against the fake Bot API
 * over real HTTP: an English-speaking person files a request, the back office posts signed
 * decisions, and the person hears each on Telegram in English; needs_info is answered in the
 * dialogue; served brings a rating prompt after the delay, answered with ٥. A low score reaches
 * the responsible officer's staff chat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../src/channels/telegram/telegram.channel.js';
import { type BackOfficeApp, CHATS, startBackOffice } from '../api/helpers.js';
import { FakeBotApi, type SentMessage } from '../channels/telegram/fake-bot-api.js';
import { buttons, TelegramUser } from '../channels/telegram/telegram-user.js';

const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const SECRET_TOKEN = 'webhook_secret-0123456789abcdef';

interface Harness {
  api: FakeBotApi;
  h: BackOfficeApp;
  dir: string;
}

let harness: Harness | null = null;
afterEach(async () => {
  if (!harness) return;
  await harness.h.close();
  await harness.api.stop();
  rmSync(harness.dir, { recursive: true, force: true });
  harness = null;
});

async function start(): Promise<Harness> {
  const api = new FakeBotApi(TOKEN);
  await api.start();
  const dir = mkdtempSync(path.join(tmpdir(), 'decisions-telegram-'));
  const h = await startBackOffice({
    dir,
    env: {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET_TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot,
      STAFF_TELEGRAM_CHAT_ID: CHATS.general,
    },
    options: {
      channels: (deps) => [createTelegramChannel(deps, { perChatIntervalMs: 0, pollTimeoutSeconds: 1, pollRetryMs: 100 })],
      dispatcher: { pollMs: 50, baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 20 },
    },
  });
  harness = { api, h, dir };
  return harness;
}

const texts = (ms: SentMessage[]) => ms.map((m) => m.text).join('\n---\n');

async function count(sql: string): Promise<number> {
  return Number((await harness?.h.t.app.db.get<{ n: number }>(sql))?.n ?? 0);
}

/** Waits until the inbox and the outbox have nothing left to do. */
async function settled(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const busy =
      (await count("SELECT COUNT(*) AS n FROM inbox WHERE status = 'pending'")) +
      (await count("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')"));
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error('the service did not settle');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends an update through the webhook; resolves with what the bot sent the person meanwhile. */
async function turn(user: TelegramUser, update: object): Promise<SentMessage[]> {
  if (!harness) throw new Error('no service');
  const before = harness.api.sent(user.id).length;
  const res = await fetch(`${harness.h.t.url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET_TOKEN },
    body: JSON.stringify(update),
  });
  expect(res.status).toBe(200);
  await settled();
  return harness.api.sent(user.id).slice(before);
}

/** Runs `act` (a decision, a scheduler run) and resolves with what the person received. */
async function received(user: TelegramUser, act: () => Promise<unknown>): Promise<SentMessage[]> {
  if (!harness) throw new Error('no service');
  const before = harness.api.sent(user.id).length;
  await act();
  await settled();
  return harness.api.sent(user.id).slice(before);
}

/** Files the volunteering request; resolves with its reference. */
async function fileRequest(user: TelegramUser, greeting: string): Promise<string> {
  await turn(user, user.text(greeting));
  for (const b of ['request', 'accept', 'type:volunteering', 'yes', 'yes']) await turn(user, user.press(b));
  for (const t of ['1000000008', '0551234567', '1', '1', '8']) await turn(user, user.text(t));
  await turn(user, user.press('skip'));
  await turn(user, user.press('confirm'));
  const done = await turn(user, user.press('agree'));
  const ref = texts(done).match(/R-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
  expect(ref, texts(done)).toBeTruthy();
  return ref as string;
}

describe('decisions through Telegram', () => {
  it('notifies an English-speaking person on Telegram, in English, through needs_info, served and the rating', async () => {
    const { api, h } = await start();
    const user = new TelegramUser(api, 610000001, 'en');
    const ref = await fileRequest(user, 'hello');
    const db = h.t.app.db;
    const status = async () => (await db.get<{ status: string }>('SELECT status FROM requests WHERE ref = ?', [ref]))?.status;

    // needs_info: the notification, then the case with a "send the information" button.
    h.clock.advance(2);
    let got = await received(user, () =>
      h.backOffice.decide({ ref, decision: 'needs_info', note: 'Please send your last volunteering certificate.' }),
    );
    expect(got[0]?.text).toContain('needs more information');
    expect(got[0]?.text).toContain(ref);
    expect(got[0]?.text).toContain('Please send your last volunteering certificate.');
    expect(buttons(got.at(-1))).toContain('supply');
    expect(texts(got)).not.toMatch(/[\u0600-\u06FF]/);

    await turn(user, user.press('supply'));
    got = await turn(user, user.text('I volunteered at the Ramadan campaign in 2024; the certificate is on its way by e-mail.'));
    expect(texts(got)).toContain(ref);
    expect(await status()).toBe('under_review');

    // approved and served, each on Telegram in English.
    h.clock.advance(24);
    got = await received(user, () => h.backOffice.decide({ ref, decision: 'approved' }));
    expect(texts(got)).toContain('has been approved');
    h.clock.advance(24);
    got = await received(user, () => h.backOffice.decide({ ref, decision: 'served' }));
    expect(texts(got)).toContain('has been provided');

    // The prompt after the delay, answered with ٥ as Arabic speakers type it.
    got = await received(user, () => h.scheduler.runOnce(h.clock.advance(h.t.app.profile.rating.delayHours - 1)));
    expect(got).toEqual([]);
    got = await received(user, () => h.scheduler.runOnce(h.clock.advance(1)));
    expect(texts(got)).toContain('Your opinion matters');
    expect(buttons(got.at(-1))).toEqual(['1', '2', '3', '4', '5']);
    h.clock.advance(0.2);
    got = await turn(user, user.text('٥'));
    expect(buttons(got.at(-1))).toContain('skip');
    await turn(user, user.press('skip'));
    const rating = await db.get<{ score: number; ref: string }>(
      'SELECT x.score, r.ref FROM ratings x JOIN requests r ON r.id = x.request_id',
    );
    expect(rating).toEqual({ score: 5, ref });
    // Every message the person got went through the outbox once.
    expect(api.sent(user.id)).toHaveLength(await count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram'"));
  });

  it('a score of 1 alerts the volunteering officer in their staff chat, once', async () => {
    const { api, h } = await start();
    const user = new TelegramUser(api, 610000002, 'ar');
    const ref = await fileRequest(user, 'السلام عليكم');
    await received(user, () => h.backOffice.decide({ ref, decision: 'approved' }));
    await received(user, () => h.backOffice.decide({ ref, decision: 'served' }));
    const got = await received(user, () => h.scheduler.runOnce(h.clock.advance(h.t.app.profile.rating.delayHours)));
    expect(texts(got)).toContain('يهمنا رأيك');
    await turn(user, user.text('١'));
    const followUp = await turn(user, user.text('لم يتواصل معي أحد بعد التسجيل'));
    expect(texts(followUp)).toContain('سيتواصل معك');

    expect(api.sent(CHATS.volunteering)).toEqual([]);
    const report = await h.scheduler.runOnce(h.clock.advance(0.1));
    expect(report.lowRatingAlerts).toBe(1);
    await settled();
    const alerts = api.sent(CHATS.volunteering);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.text).toContain(ref);
    expect(alerts[0]?.text).toContain('تقييم منخفض');
    expect(alerts[0]?.text).not.toContain('1000000008'); // no national ID in a staff alert (R6)
    expect((await h.scheduler.runOnce(h.clock.advance(1))).lowRatingAlerts).toBe(0);
    await settled();
    expect(api.sent(CHATS.volunteering)).toHaveLength(1);
  });
});
