/**
 * The WhatsApp Web channel in the whole service with a fake whatsapp-web.js client (the library's
 * events and methods): the QR code on /healthz, the full Arabic dialogues answered with typed
 * numbers (١, ٢, ...), what is ignored, media limits, and the recovery after a disconnect with
 * fake timers while the web chat keeps working.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SendError } from '../../../src/channels/channel.js';
import type { ChannelModule } from '../../../src/channels/module.js';
import { createTelegramChannel } from '../../../src/channels/telegram/telegram.channel.js';
import { createWhatsappWebChannel, type WaWebClient } from '../../../src/channels/whatsapp-web/web.channel.js';
import type { WaWebMedia, WaWebMessage } from '../../../src/channels/whatsapp-web/web.mapper.js';
import { ChatClient, said, startApp, type TestApp } from '../../support/app.js';
import { FakeBotApi } from '../telegram/fake-bot-api.js';
import { TelegramUser } from '../telegram/telegram-user.js';
import {
  COMPLAINT,
  type DialoguePerson,
  JPEG,
  NATIONAL_ID,
  NEW_REQUEST,
  play,
  type Say,
  waitFor,
} from '../whatsapp-cloud/dialogues.js';

/** A stand-in for whatsapp-web.js's Client: an EventEmitter with initialize, destroy and sendMessage. */
class FakeClient extends EventEmitter implements WaWebClient {
  readonly sent: { chatId: string; content: string }[] = [];
  private n = 0;
  initialize = vi.fn(async () => {});
  destroy = vi.fn(async () => {});
  sendMessage = vi.fn(async (chatId: string, content: string) => {
    this.sent.push({ chatId, content });
    return { id: { _serialized: `true_${chatId}_3EB0${++this.n}` } };
  });
}

const clients: FakeClient[] = [];
const factory = vi.fn(() => {
  const c = new FakeClient();
  clients.push(c);
  return c;
});
const printQr = vi.fn();
const current = (): FakeClient => clients.at(-1) as FakeClient;

let t: TestApp;
let web: ChannelModule;
let sessionDir: string;
const TG_TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const TG_SECRET = 'wa-web-test-telegram-secret';
const telegramApi = new FakeBotApi(TG_TOKEN);

beforeAll(async () => {
  sessionDir = mkdtempSync(path.join(tmpdir(), 'wa-web-session-'));
  const apiRoot = await telegramApi.start();
  t = await startApp(
    {
      WHATSAPP_WEB: 'on',
      WHATSAPP_WEB_SESSION_DIR: sessionDir,
      CHROMIUM_PATH: '/usr/bin/chromium',
      STAFF_TOKEN: STAFF,
      // Telegram runs beside WhatsApp Web, to show it is not affected by WhatsApp's outages.
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      TELEGRAM_API_ROOT: apiRoot,
    },
    {
      channels: (d) => {
        web = createWhatsappWebChannel(d, factory, { printQr });
        return [web, createTelegramChannel(d, { perChatIntervalMs: 0 })];
      },
      dispatcher: { pollMs: 50, baseDelayMs: 50, maxDelayMs: 200 },
    },
  );
  await waitFor(
    () => clients.length === 1 && current().initialize.mock.calls.length === 1,
    () => 'the first client initialised',
  );
});

afterAll(async () => {
  vi.useRealTimers();
  await telegramApi.stop();
  await t?.close();
  rmSync(sessionDir, { recursive: true, force: true });
});

let seq = 0;
function waMessage(from: string, over: Partial<WaWebMessage> = {}): WaWebMessage {
  return {
    id: { _serialized: `false_${from}_3EB0${(++seq).toString(16).toUpperCase()}${Date.now()}` },
    from,
    fromMe: false,
    isStatus: false,
    type: 'chat',
    body: '',
    timestamp: Math.floor(Date.now() / 1000),
    hasMedia: false,
    downloadMedia: async () => null,
    ...over,
  };
}

function newChatId(): string {
  return `9665${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}@c.us`;
}

const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

/** A person on WhatsApp Web: types the option's number in Arabic-Indic digits. */
class WebPerson implements DialoguePerson {
  constructor(readonly chatId = newChatId()) {}

  texts(): string[] {
    return clients.flatMap((c) => c.sent.filter((s) => s.chatId === this.chatId).map((s) => s.content));
  }

  async send(say: Say): Promise<void> {
    let m: WaWebMessage;
    if ('text' in say) m = waMessage(this.chatId, { body: say.text });
    else if ('image' in say) {
      const media: WaWebMedia = { mimetype: 'image/jpeg', data: JPEG.toString('base64'), filename: null, filesize: JPEG.length };
      m = waMessage(this.chatId, { type: 'image', hasMedia: true, downloadMedia: async () => media });
    } else {
      const digits = String(say.n).replace(/\d/g, (d) => ARABIC_DIGITS[Number(d)] ?? d);
      m = waMessage(this.chatId, { body: digits });
    }
    current().emit('message', m);
  }
}

async function count(table: string, where = '1 = 1', params: string[] = []): Promise<number> {
  const r = await t.app.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(r?.n ?? 0);
}

async function staffAlerts(): Promise<string[]> {
  const rows = await t.app.db.all<{ payload: string }>("SELECT payload FROM outbox WHERE channel = 'staff' ORDER BY id");
  return rows.map((r) => (JSON.parse(r.payload) as { text: string }).text);
}

const STAFF = 'staff-token-0123456789';

/** The WhatsApp Web channel on /healthz, as staff (with the token) or anyone else sees it. */
async function healthz(asStaff = true): Promise<{ state: string; detail?: string }> {
  const res = await fetch(`${t.url}/healthz`, asStaff ? { headers: { authorization: `Bearer ${STAFF}` } } : {});
  const body = (await res.json()) as { channels: Record<string, { state: string; detail?: string }> };
  return body.channels.whatsapp_web as { state: string; detail?: string };
}

describe('WhatsApp Web link', () => {
  it('shows the QR code on /healthz and in the terminal, alerts the staff, and comes up on ready', async () => {
    const qr = '2@PbbSKWx2QbOp6UqHdXh0J0z4bYjY5sF5bU1w,k0Gp8x1H+8Yh0B2Vh2mA2Qk=,rH3cYk2C1dJ8pA==';
    current().emit('qr', qr);
    expect(await healthz()).toEqual({ state: 'needs_scan', detail: qr });
    // Anyone else sees that a scan is needed, not the code that would link their own phone.
    expect(await healthz(false)).toEqual({ state: 'needs_scan' });
    expect(printQr).toHaveBeenCalledWith(qr);
    await waitFor(
      async () => (await staffAlerts()).some((a) => a.includes('QR')),
      () => 'a staff alert about the scan',
    );
    current().emit('ready');
    expect(await healthz()).toEqual({ state: 'up' });
    await waitFor(
      async () => (await staffAlerts()).some((a) => a.includes('عاد اتصال واتساب')),
      () => 'the reconnected alert',
    );
  });
});

describe('WhatsApp Web dialogues', () => {
  it('carries the full Arabic new-request dialogue with numbered lists and a photo', async () => {
    const person = new WebPerson();
    const texts = await play(person, NEW_REQUEST);
    expect(texts.some((x) => /\n1\. استفسار\n2\. تقديم طلب جديد/.test(x))).toBe(true);
    const req = await t.app.db.get<{ channel: string; data: string }>(
      'SELECT r.channel, r.data FROM requests r JOIN beneficiaries b ON b.id = r.beneficiary_id WHERE b.platform_user_id = ?',
      [person.chatId],
    );
    expect(req?.channel).toBe('whatsapp_web');
    const data = JSON.parse(req?.data ?? '{}') as Record<string, unknown>;
    expect(data.national_id).toBe(NATIONAL_ID);
    const file = path.join(t.dir, 'attachments', String(data.id_document));
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).equals(JPEG)).toBe(true);
  });

  it('carries the full Arabic complaint dialogue', async () => {
    const person = new WebPerson();
    await play(person, COMPLAINT);
    const row = await t.app.db.get<{ category: string; channel: string }>(
      'SELECT c.category, c.channel FROM complaints c JOIN beneficiaries b ON b.id = c.beneficiary_id WHERE b.platform_user_id = ?',
      [person.chatId],
    );
    expect(row).toEqual({ category: 'delay', channel: 'whatsapp_web' });
  });

  it('ignores group messages, status broadcasts and its own messages', async () => {
    const group = '120363025246125486@g.us';
    current().emit('message', waMessage(group, { body: 'مرحبا', author: '966500000001@c.us' } as Partial<WaWebMessage>));
    current().emit('message', waMessage('status@broadcast', { body: 'حالة', isStatus: true }));
    const person = new WebPerson();
    current().emit('message', waMessage(person.chatId, { body: 'مرحبا', fromMe: true }));
    // A message from a person who wrote is answered (and proves the ones above were passed over).
    await person.send({ text: 'مرحبا' });
    await waitFor(
      () => person.texts().length >= 2,
      () => 'the reply',
    );
    expect(await count('inbox', "chat_key IN (?, 'status@broadcast')", [group])).toBe(0);
    expect(
      await count(
        'messages',
        "direction = 'in' AND channel = 'whatsapp_web' AND beneficiary_id IN (SELECT id FROM beneficiaries WHERE platform_user_id = ?)",
        [person.chatId],
      ),
    ).toBe(1);
    expect(clients.some((c) => c.sent.some((s) => s.chatId === group || s.chatId === 'status@broadcast'))).toBe(false);
  });

  it('keeps media only within the type and size limits', async () => {
    const person = new WebPerson();
    const zip: WaWebMedia = {
      mimetype: 'application/zip',
      data: Buffer.from('PK\u0003\u0004').toString('base64'),
      filename: 'x.zip',
      filesize: 4,
    };
    const huge: WaWebMedia = { mimetype: 'image/jpeg', data: JPEG.toString('base64'), filesize: 11 * 1024 * 1024 };
    current().emit('message', waMessage(person.chatId, { type: 'document', hasMedia: true, downloadMedia: async () => zip }));
    current().emit('message', waMessage(person.chatId, { type: 'image', hasMedia: true, downloadMedia: async () => huge }));
    current().emit('message', waMessage(person.chatId, { type: 'image', hasMedia: true, downloadMedia: async () => null }));
    const where = "direction = 'in' AND beneficiary_id IN (SELECT id FROM beneficiaries WHERE platform_user_id = ?)";
    await waitFor(
      async () => (await count('messages', where, [person.chatId])) === 3,
      () => 'three messages',
    );
    const rows = await t.app.db.all<{ body: string }>(`SELECT body FROM messages WHERE ${where} ORDER BY id`, [person.chatId]);
    const atts = rows.map((r) => (JSON.parse(r.body) as { attachment: Record<string, unknown> }).attachment);
    expect(atts).toEqual([
      { kind: 'document', mimeType: 'application/zip', size: 4, fileName: 'x.zip' },
      { kind: 'image', mimeType: 'image/jpeg', size: 11 * 1024 * 1024 },
      { kind: 'other' },
    ]);
  });

  it('answers only people who wrote first', async () => {
    const e = await web.sender.send(newChatId(), { text: 'إشعار' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SendError);
    expect((e as SendError).kind).toBe('fatal');
  });
});

/**
 * Waits for a commit without moving the fake clock: the database writer answers through a worker
 * thread, and setImmediate is not faked here.
 */
async function untilReal(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not met');
}

describe('WhatsApp Web recovery', () => {
  it('after a disconnect: staff alerted at once, re-initialised with backoff, web chat unaffected', async () => {
    const alertsBefore = (await staffAlerts()).length;
    const first = current();
    const made = factory.mock.calls.length;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      // When the phone disconnects.
      first.emit('disconnected', 'NAVIGATION');
      await vi.advanceTimersByTimeAsync(0);
      expect(first.destroy).toHaveBeenCalledTimes(1);
      expect(web.health()).toEqual({ state: 'down', detail: 'disconnected' });
      // Then the staff are alerted well within 60 s (here: at once, once committed).
      await untilReal(async () => (await staffAlerts()).length > alertsBefore);
      const alerts = (await staffAlerts()).slice(alertsBefore);
      expect(alerts[0]).toContain('انقطع الاتصال بالهاتف المرتبط');
      // A reply queued meanwhile waits for the link (retried by the outbox, not lost).
      const sendWhileDown = await web.sender.send('966500000000@c.us', { text: 'x' }).catch((err: unknown) => err);
      expect((sendWhileDown as SendError).kind).toBe('retry');

      // And the web chat keeps working while WhatsApp is down.
      const chat = new ChatClient(t.url);
      const turn = await chat.text('السلام عليكم');
      expect(said(turn)).toContain('كيف أستطيع مساعدتك');

      // Re-initialised after 5 s, not before.
      await vi.advanceTimersByTimeAsync(4_999);
      expect(factory.mock.calls.length).toBe(made);
      await vi.advanceTimersByTimeAsync(1);
      expect(factory.mock.calls.length).toBe(made + 1);
      expect(current().initialize).toHaveBeenCalledTimes(1);
      expect(web.health().state).toBe('starting');

      // The new client never gets ready: restarted after 90 s, then after 10 s more (backoff doubles).
      await vi.advanceTimersByTimeAsync(90_000);
      expect(current().destroy).toHaveBeenCalledTimes(1);
      expect(web.health()).toEqual({ state: 'down', detail: 'ready_timeout' });
      await vi.advanceTimersByTimeAsync(9_999);
      expect(factory.mock.calls.length).toBe(made + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(factory.mock.calls.length).toBe(made + 2);
      // One alert for the whole outage.
      expect((await staffAlerts()).slice(alertsBefore)).toHaveLength(1);

      // An auth failure on this one: 20 s next.
      current().emit('auth_failure', 'session rejected');
      await vi.advanceTimersByTimeAsync(19_999);
      expect(factory.mock.calls.length).toBe(made + 2);
      await vi.advanceTimersByTimeAsync(1);
      expect(factory.mock.calls.length).toBe(made + 3);

      // The phone is scanned again: up, the staff told, and the backoff starts over.
      current().emit('qr', 'qr-after-logout');
      expect(web.health()).toEqual({ state: 'needs_scan', detail: 'qr-after-logout' });
      current().emit('ready');
      expect(web.health()).toEqual({ state: 'up' });
      await vi.advanceTimersByTimeAsync(0);
      await untilReal(async () => ((await staffAlerts()).at(-1) ?? '').includes('عاد اتصال واتساب'));
      expect((await staffAlerts()).slice(alertsBefore).at(-1)).toContain('عاد اتصال واتساب');
      current().emit('disconnected', 'CONFLICT');
      await vi.advanceTimersByTimeAsync(5_000);
      expect(factory.mock.calls.length).toBe(made + 4);
      // Events of a client that was given up change nothing.
      first.emit('ready');
      expect(web.health().state).toBe('starting');
      current().emit('ready');
    } finally {
      vi.useRealTimers();
    }
    // Messages flow again through the new client.
    const person = new WebPerson();
    await person.send({ text: 'مرحبا' });
    await waitFor(
      () => person.texts().length >= 2,
      () => 'replies through the new client',
    );
    expect(current().sent.some((s) => s.chatId === person.chatId)).toBe(true);
  });

  it('Telegram keeps answering while WhatsApp Web is down', async () => {
    current().emit('disconnected', 'NAVIGATION');
    expect(web.health().state).toBe('down');
    const user = new TelegramUser(telegramApi, 612000001);
    const res = await fetch(`${t.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
      body: JSON.stringify(user.text('السلام عليكم')),
    });
    expect(res.status).toBe(200);
    await waitFor(
      () => telegramApi.sent(user.id).length >= 2,
      () => 'the Telegram replies',
    );
    expect(telegramApi.sent(user.id)[0]?.text).toContain(t.app.profile.name.ar);
    expect(web.health().state).not.toBe('up'); // WhatsApp was still down meanwhile
    current().emit('ready');
  });
});
