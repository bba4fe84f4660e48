/**
 * Outbox durability on the real process: a turn is committed while Telegram is unreachable, the
 * service is killed with SIGKILL before it could send, and after a restart each reply reaches
 * Telegram exactly once, in order. Telegram is a fake Bot API over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.js';
import { exited, startService as start } from '../support/service.js';

const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const SECRET = 'outbox-crash-secret-0123456789';
const CHAT = 611000001;
const dir = mkdtempSync(path.join(tmpdir(), 'bot-outbox-'));
const dbFile = path.join(dir, 'bot.db');
const api = new FakeBotApi(TOKEN);
let apiUrl = '';

beforeAll(async () => {
  apiUrl = await api.start();
});
afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startService() {
  return start({
    DATABASE_URL: `file:${dbFile}`,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: apiUrl,
  });
}

function outboxCount(status: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    const r = db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'telegram' AND status = ?").get(status) as {
      n: number;
    };
    return r.n;
  } finally {
    db.close();
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('outbox across a crash', () => {
  it('kill -9 between commit and send: after the restart each reply is sent exactly once, in order', async () => {
    const first = await startService();
    api.fail('drop', 120_000); // Telegram unreachable: the replies stay in the outbox
    const update = {
      update_id: 9100001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: CHAT, type: 'private', first_name: 'مستفيد' },
        from: { id: CHAT, is_bot: false, first_name: 'مستفيد', language_code: 'ar' },
        text: 'السلام عليكم',
      },
    };
    const res = await fetch(`${first.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    await until(() => outboxCount('pending') + outboxCount('sending') === 2, 15_000, 'the committed replies');
    expect(api.sent(CHAT)).toHaveLength(0);
    const gone = exited(first.child);
    first.child.kill('SIGKILL');
    await gone;

    api.recover();
    const second = await startService();
    try {
      await until(() => api.sent(CHAT).length >= 2, 30_000, 'the replies after the restart');
      await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives
      const sent = api.sent(CHAT);
      expect(sent).toHaveLength(2);
      expect(sent[0]?.text).toContain('🌿'); // the welcome first, then the menu
      expect(sent[1]?.reply_markup?.inline_keyboard?.flat().map((b) => b.callback_data)).toContain('request');
      expect(outboxCount('sent')).toBe(2);
    } finally {
      const done = exited(second.child);
      second.child.kill('SIGKILL');
      await done;
    }
  }, 90_000);
});
