/**
 * Complaints alerted at submission (issue 13; R4, R5; 002): a complaint filed in the web chat is
 * announced in the Telegram staff group (fake Bot API) within seconds, with its reference and
 * category and the description masked, and it is listed as new in the console until opened.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../src/channels/telegram/telegram.channel.js';
import { createComplaintWatcher } from '../../src/staff/complaint.watcher.js';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.js';
import { ChatClient, startApp, type TestApp } from '../support/app.js';
import { addStaff, ConsoleClient, waitFor } from './support.js';

const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const STAFF_CHAT = '-1001122334455';

let api: FakeBotApi;
let t: TestApp;

beforeAll(async () => {
  api = new FakeBotApi(TOKEN);
  await api.start();
  t = await startApp(
    {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: 'webhook_secret-0123456789abcdef',
      TELEGRAM_API_ROOT: api.apiRoot,
      STAFF_TELEGRAM_CHAT_ID: STAFF_CHAT,
    },
    {
      logger: pino({ level: 'silent' }),
      channels: (deps) => [createTelegramChannel(deps, { perChatIntervalMs: 0 })],
      dispatcher: { pollMs: 50 },
    },
  );
  await addStaff(t.app, 'complaints.officer', 'officer', ['complaints']);
  await addStaff(t.app, 'research.officer', 'officer', ['social_research']);
});

afterAll(async () => {
  await t?.close();
  await api?.stop();
});

describe('a complaint at submission', () => {
  it('is alerted in the Telegram staff group and listed as new in the console until opened', async () => {
    // Given a person who files a complaint in the web chat
    const chat = new ChatClient(t.url);
    await chat.text('السلام عليكم');
    await chat.choose('complaint');
    await chat.choose('accept');
    await chat.choose('cat:staff');
    await chat.text('الموظف لم يرد على اتصالاتي، رقمي 0501234567');
    await chat.choose('skip');
    await chat.choose('confirm');
    const ref = String((await t.app.db.get<{ ref: string }>('SELECT ref FROM complaints'))?.ref);
    expect(ref).toMatch(/^C-/);

    // When the watcher runs (the app's own runs every few seconds; this one now)
    const watcher = createComplaintWatcher({
      db: t.app.db,
      profile: t.app.profile,
      translator: t.app.translator,
      logger: t.app.logger,
      onAlert: () => t.app.dispatcher.kick(),
    });
    await watcher.runOnce();
    expect(await watcher.runOnce()).toBe(0); // once only

    // Then the staff group reads it, the phone masked
    await waitFor(() => api.sent(STAFF_CHAT).some((m) => m.text.includes(ref)), 'the complaint alert');
    const alert = api.sent(STAFF_CHAT).find((m) => m.text.includes(ref));
    expect(alert?.text).toContain('شكوى جديدة');
    expect(alert?.text).toContain(t.app.profile.complaintCategories.find((c) => c.id === 'staff')?.name.ar);
    expect(alert?.text).not.toContain('0501234567');
    expect(alert?.text).toContain(`/staff/cases/${ref}`);
    expect(api.sent(STAFF_CHAT).filter((m) => m.text.includes(ref))).toHaveLength(1);

    // ... and the complaints officer's console lists it as new; another category's officer does not
    const officer = new ConsoleClient(t.url);
    const page = await officer.signIn('complaints.officer');
    expect(page.html).toContain('id="new-complaints"');
    expect(page.html).toContain(`data-ref="${ref}"`);
    const other = new ConsoleClient(t.url);
    expect((await other.signIn('research.officer')).html).not.toContain(`data-ref="${ref}"`);
    // Opening it marks it seen
    await officer.get(`/staff/cases/${ref}`);
    expect((await officer.get('/staff/handoffs')).html).not.toContain('id="new-complaints"');
  });
});
