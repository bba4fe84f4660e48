/**
 * The inbox's chat lanes against a real database (SQLite, and PostgreSQL when TEST_POSTGRES_URL is
 * set): a chat whose delivery hangs delays no other chat; a delivery that keeps failing is retried
 * with backoff and then given up with a staff alert the console lists; text the databases refuse
 * never reaches the engine.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxRepository } from '../../src/db/outbox.repository.js';
import type { Engine } from '../../src/engine/engine.js';
import type { InboundMessage } from '../../src/engine/messages.js';
import { Inbox } from '../../src/inbox/inbox.js';
import { openTestDb, providers, type TestDb } from '../support/databases.js';
import { until } from '../support/until.js';

let t: TestDb | null = null;
let inbox: Inbox | null = null;
afterEach(async () => {
  await inbox?.stop();
  inbox = null;
  await t?.close();
  t = null;
});

/** An engine that records what it is handed. */
function recordingEngine() {
  const handled: InboundMessage[] = [];
  const engine = { handle: async (m: InboundMessage) => void handled.push(m) } as unknown as Engine;
  return { engine, handled };
}

function message(chat: string, text: string): InboundMessage {
  return { channel: 'telegram', userId: chat, messageId: `${chat}-${text}`, at: new Date(), input: { kind: 'text', text } };
}

describe.each(providers)('inbox lanes on %s', (kind) => {
  it('a chat whose delivery hangs delays no other chat; each chat keeps its order', async () => {
    t = await openTestDb(kind);
    const { engine, handled } = recordingEngine();
    inbox = new Inbox({ db: t.db, engine, logger: pino({ level: 'silent' }), pollMs: 50 });
    inbox.register('telegram', async (p) => {
      const { chat, text } = p as { chat: string; text: string };
      if (chat === 'slow' && text === 'a') await new Promise((r) => setTimeout(r, 3000)); // a slow download
      return [message(chat, text)];
    });
    inbox.start();
    await inbox.accept('telegram', '1', 'slow', { chat: 'slow', text: 'a' });
    await inbox.accept('telegram', '2', 'slow', { chat: 'slow', text: 'b' });
    const at = Date.now();
    await inbox.accept('telegram', '3', 'other', { chat: 'other', text: 'c' });
    await until(() => handled.some((m) => m.userId === 'other'), 2000, 'the other chat');
    expect(Date.now() - at).toBeLessThan(1000);
    expect(handled.filter((m) => m.userId === 'slow')).toHaveLength(0);
    await until(() => handled.length === 3, 6000, 'the slow chat');
    expect(handled.filter((m) => m.userId === 'slow').map((m) => (m.input as { text: string }).text)).toEqual(['a', 'b']);
  });

  it('retries a failing delivery with backoff, then gives it up with a staff alert; the chat goes on', async () => {
    t = await openTestDb(kind);
    const { engine, handled } = recordingEngine();
    let calls = 0;
    inbox = new Inbox({ db: t.db, engine, logger: pino({ level: 'silent' }), pollMs: 20, maxAttempts: 3, baseDelayMs: 100 });
    inbox.register('telegram', async (p) => {
      const { text } = p as { text: string };
      if (text === 'bad') {
        calls++;
        throw new TypeError('cannot decode');
      }
      return [message('x', text)];
    });
    inbox.start();
    await inbox.accept('telegram', '1', 'x', { text: 'bad' });
    await inbox.accept('telegram', '2', 'x', { text: 'good' });
    await until(() => handled.length === 1, 5000, 'the next delivery');
    expect(calls).toBe(3);
    const alerts = await new OutboxRepository(t.db).listStaffAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.text).toContain('telegram');
    const failed = await t.db.get<{ last_error: string }>("SELECT last_error FROM inbox WHERE status = 'failed'");
    expect(failed?.last_error).toBe('TypeError'); // the class of failure, never the payload
  });

  it('removes NUL and lone surrogates from every text before the engine sees it', async () => {
    t = await openTestDb(kind);
    const { engine, handled } = recordingEngine();
    inbox = new Inbox({ db: t.db, engine, logger: pino({ level: 'silent' }), pollMs: 20 });
    inbox.register('telegram', async (p) => [message('x', (p as { text: string }).text)]);
    inbox.start();
    expect(await inbox.accept('telegram', '1\u0000', 'x\u0000', { text: 'شكوى\u0000 عن\uD800 الخدمة' })).toBe('stored');
    await until(() => handled.length === 1, 3000, 'the delivery');
    expect(handled[0]?.input).toEqual({ kind: 'text', text: 'شكوى عن الخدمة' });
    const row = await t.db.get<{ chat_key: string; external_id: string }>('SELECT chat_key, external_id FROM inbox');
    expect(row).toEqual({ chat_key: 'x', external_id: '1' });
  });
});
