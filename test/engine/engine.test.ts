/**
 * The conversation engine through the web chat API, with a real SQLite database: duplicates,
 * ordering, concurrency, outdated snapshots, and what a turn commits.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { EngineServices } from '../../src/engine/flow-registry.js';
import { isolate } from '../../src/i18n.js';
import { ChatClient, choicesOf, said, startApp, type TestApp } from '../support/app.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('engine', () => {
  it('greets a first-time person in Arabic with the association name, the privacy notice and the menu', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    const turn = await chat.text('السلام عليكم');
    expect(said(turn)).toContain(t.app.profile.name.ar);
    // Issue 11: the version is a number in the Arabic text: Arabic-Indic digits, isolated.
    expect(said(turn)).toContain(String(isolate(t.app.profile.consent.version, 'ar')));
    expect(choicesOf(turn)).toEqual(['inquiry', 'request', 'status', 'complaint', 'rating', 'human', 'language']);
  });

  it('drops a duplicate inbound message: one stored message, one reply', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    const first = await chat.send({ text: 'مرحبا' }, 'same-id-1');
    const again = await chat.send({ text: 'مرحبا' }, 'same-id-1');
    expect(first.status).toBe('processed');
    expect(again).toEqual({ status: 'duplicate', replies: [] });
    const rows = await t.app.db.all<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'");
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('processes 200 concurrent messages to one conversation in order, without an error', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    const sends = Array.from({ length: 200 }, (_, i) => chat.send({ text: `رسالة ${i}` }, `burst-${String(i).padStart(3, '0')}`));
    const results = await Promise.all(sends);
    expect(results.every((r) => r.status === 'processed')).toBe(true);
    const rows = await t.app.db.all<{ body: string }>("SELECT body FROM messages WHERE direction = 'in' ORDER BY id");
    const texts = rows.map((r) => (JSON.parse(r.body) as { text: string }).text).slice(1);
    // Stored in the order they were sent (the queue is per conversation and FIFO).
    expect(texts).toEqual(Array.from({ length: 200 }, (_, i) => `رسالة ${i}`));
  });

  it('runs different conversations concurrently: a slow one does not hold up another', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    t = await startApp(
      {},
      {
        services: (base: EngineServices) => ({
          ...base,
          routeText: async (input) => {
            if (input.text.includes('بطيء')) await gate;
            return base.routeText(input);
          },
        }),
      },
    );
    const slow = new ChatClient(t.url);
    const fast = new ChatClient(t.url);
    const slowTurn = slow.text('بطيء متى الدوام');
    const fastTurn = await fast.text('متى الدوام');
    expect(fastTurn.status).toBe('processed');
    let slowDone = false;
    void slowTurn.then(() => {
      slowDone = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(slowDone).toBe(false);
    release();
    expect((await slowTurn).status).toBe('processed');
  });

  it('restarts politely, with the menu, when the stored snapshot is from an older flow version', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    await chat.choose('complaint');
    await t.app.db.run('UPDATE conversations SET flow_version = 0');
    const turn = await chat.text('أي شيء');
    expect(said(turn)).toContain(t.app.translator.t('menu:restart', 'ar'));
    expect(choicesOf(turn)).toContain('request');
    expect(said(turn)).not.toMatch(/Error|at .*\.ts/);
  });

  it('restarts politely when the stored snapshot cannot be restored', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    await chat.choose('complaint');
    await t.app.db.run(`UPDATE conversations SET snapshot = '{"s":{"status":"active","value":"nowhere"}}'`);
    const turn = await chat.text('أي شيء');
    expect(said(turn)).toContain(t.app.translator.t('menu:restart', 'ar'));
    expect(choicesOf(turn)).toContain('request');
  });

  it('maps a typed option number in Arabic-Indic digits to the choice', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    const turn = await chat.text('٧'); // the 7th option: language
    expect(said(turn)).toContain('How can I help you?');
  });

  it('answers a button from an old message with a polite note and the current question', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    await chat.choose('complaint'); // consent question now
    const turn = await chat.choose('rating'); // a menu button from the earlier message
    expect(said(turn)).toContain(t.app.translator.t('common:staleChoice', 'ar'));
    expect(choicesOf(turn)).toEqual(['accept', 'decline']);
  });

  it('commits the inbound message, the snapshot, the replies and their outbox rows together', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    const turn = await chat.text('مرحبا');
    const db = t.app.db;
    const out = await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE direction = 'out'");
    const box = await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'web'");
    const conv = await db.all<{ flow_id: string }>('SELECT flow_id FROM conversations');
    expect(Number(out[0]?.n)).toBe(turn.replies.length);
    expect(Number(box[0]?.n)).toBe(turn.replies.length);
    expect(conv.map((c) => c.flow_id)).toEqual(['menu']);
  });

  it('switches language at any step with a keyword and asks the current question again', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    await chat.choose('complaint');
    const turn = await chat.text('English');
    expect(said(turn)).toContain('Switched to English');
    expect(choicesOf(turn)).toEqual(['accept', 'decline']);
  });

  it('records opting out of notifications with a timestamp (STOP / إيقاف) and back in', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('مرحبا');
    await chat.text('إيقاف');
    let row = await t.app.db.get<{ opted_out: unknown; opted_out_at: unknown }>(
      'SELECT opted_out, opted_out_at FROM beneficiaries',
    );
    expect(Boolean(row?.opted_out)).toBe(true);
    expect(row?.opted_out_at).toBeTruthy();
    await chat.text('START');
    row = await t.app.db.get('SELECT opted_out, opted_out_at FROM beneficiaries');
    expect(Boolean(row?.opted_out)).toBe(false);
  });
});
