/**
 * The service as an operator runs it (`npm start`'s entry in a child process): a kill -9 in the
 * middle of a dialogue loses nothing and the next message continues at the same step; SIGTERM lets
 * the turns in flight finish; /healthz and /metrics answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatClient, said } from '../support/app.js';
import { exited, startService as start } from '../support/service.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bot-proc-'));
const dbFile = path.join(dir, 'bot.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startService() {
  return start({ DATABASE_URL: `file:${dbFile}` });
}

describe('the service process', () => {
  it('kill -9 mid-dialogue, then restart: the next message continues at the same step, nothing lost', async () => {
    const first = await startService();
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });

    const chat = new ChatClient(first.url, 'crash-session-000001');
    await chat.text('مرحبا');
    const askId = await chat.startVolunteering();
    expect(said(askId)).toContain('(\u2068١\u2069 ');
    const gone = exited(first.child);
    first.child.kill('SIGKILL');
    await gone;

    const second = await startService();
    try {
      const again = new ChatClient(second.url, 'crash-session-000001');
      const next = await again.text('1000000008');
      expect(said(next)).toContain('(\u2068٢\u2069 ');
      const metrics = await (await fetch(`${second.url}/metrics`)).text();
      expect(metrics).toMatch(/bot_messages_in_total\{channel="web"\} 1/);
      expect(metrics).toContain('bot_turn_duration_seconds_bucket');
      expect(metrics).toContain('bot_outbox_depth');
    } finally {
      second.child.kill('SIGKILL');
      await exited(second.child);
    }
    const db = new Database(dbFile, { readonly: true });
    const inbound = db.prepare("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'").get() as { n: number };
    db.close();
    expect(inbound.n).toBe(7);
  });

  it('SIGTERM: the turns in flight finish and are committed, then the process exits 0', async () => {
    const svc = await startService();
    const chat = new ChatClient(svc.url, 'sigterm-session-00001');
    await chat.text('مرحبا');
    let firstAnswered: () => void = () => {};
    const answered = new Promise<void>((r) => {
      firstAnswered = r;
    });
    const sends = Array.from({ length: 30 }, (_, i) =>
      chat.send({ text: `رسالة ${i}` }, `sigterm-msg-${i}`).then(
        () => {
          firstAnswered();
          return 'ok' as const;
        },
        () => 'refused' as const,
      ),
    );
    await answered; // turns are in flight now
    const gone = exited(svc.child);
    svc.child.kill('SIGTERM');
    const [results, code] = await Promise.all([Promise.all(sends), gone]);
    expect(code).toBe(0);
    const ok = results.filter((r) => r === 'ok').length;
    const db = new Database(dbFile, { readonly: true });
    const stored = db
      .prepare(
        "SELECT COUNT(*) AS n FROM messages m JOIN beneficiaries b ON b.id = m.beneficiary_id WHERE b.platform_user_id = ? AND m.direction = 'in' AND m.body LIKE '%رسالة%'",
      )
      .get('sigterm-session-00001') as { n: number };
    db.close();
    // Every message that was answered is committed.
    expect(stored.n).toBeGreaterThanOrEqual(ok);
    expect(ok).toBeGreaterThan(0);
  });
});
