/**
 * The dispatcher's lanes against a real database (SQLite, and PostgreSQL when TEST_POSTGRES_URL is
 * set) with senders scripted in-process: one recipient's hung call or backlog never delays
 * another; each row is marked sent before the next send to its recipient; a timed-out send is
 * retried; on PostgreSQL two dispatchers share the lanes without reordering or duplicates, and a
 * lane whose holder died is taken over once its lease expired.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelSender } from '../../src/channels/channel.js';
import { openDatabase } from '../../src/db/database.js';
import { LeaseRepository } from '../../src/db/lease.repository.js';
import { enqueueOutbox } from '../../src/db/outbox.repository.js';
import type { OutboundMessage } from '../../src/engine/messages.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { openTestDb, providers, type TestDb } from '../support/databases.js';
import { until } from '../support/until.js';

const logger = pino({ level: 'silent' });
let t: TestDb | null = null;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await t?.close();
  t = null;
});

/** A sender that records each call and behaves as `script` says for its recipient. */
function scripted(script: (recipient: string, m: OutboundMessage, n: number) => Promise<void> = async () => {}) {
  const calls: { recipient: string; text: string; at: number }[] = [];
  const sender: ChannelSender = {
    channel: 'test',
    async send(recipient, m) {
      const n = calls.filter((c) => c.recipient === recipient).length;
      calls.push({ recipient, text: m.text, at: Date.now() });
      await script(recipient, m, n);
      return { platformMessageId: `${recipient}-${n}` };
    },
  };
  const sent = (recipient: string) => calls.filter((c) => c.recipient === recipient).map((c) => c.text);
  return { sender, calls, sent };
}

function start(o: ConstructorParameters<typeof OutboxDispatcher>[0]): OutboxDispatcher {
  const d = new OutboxDispatcher({ pollMs: 50, baseDelayMs: 50, maxDelayMs: 200, ...o });
  d.start();
  cleanup.push(() => d.stop());
  return d;
}

async function enqueue(recipient: string, n: number, prefix = 'm'): Promise<void> {
  const at = new Date();
  for (let i = 0; i < n; i++) await enqueueOutbox(t?.db ?? never(), 'test', recipient, { text: `${prefix}${i}` }, at);
}

function never(): never {
  throw new Error('no database');
}

const range = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe.each(providers)('outbox lanes on %s', (kind) => {
  it('a bystander is sent at once while one recipient hangs and another has a 100-message backlog', async () => {
    t = await openTestDb(kind);
    const s = scripted(async (recipient) => {
      if (recipient === 'hung') await new Promise(() => {}); // never answers
      if (recipient === 'busy') await new Promise((r) => setTimeout(r, 20)); // paced
    });
    const d = start({ db: t.db, senders: [s.sender], logger, sendGuardMs: 2000 });
    await enqueue('hung', 3);
    await enqueue('busy', 100);
    d.kick();
    await until(() => s.calls.some((c) => c.recipient === 'hung') && s.sent('busy').length > 5, 5000, 'both lanes');
    const at = Date.now();
    await enqueue('bystander', 1);
    d.kick();
    await until(() => s.sent('bystander').length === 1, 5000, 'the bystander');
    expect(Date.now() - at).toBeLessThan(2000);
    expect(s.sent('busy').length).toBeLessThan(100); // the backlog was still being worked
    // At most one in flight per recipient: the hung first message is only ever retried, never overtaken.
    expect(new Set(s.sent('hung'))).toEqual(new Set(['m0']));
  });

  it('marks each row sent before the next send to its recipient', async () => {
    t = await openTestDb(kind);
    const db = t.db;
    const seen: string[] = [];
    const s = scripted(async (recipient, m, n) => {
      if (n === 0) return;
      const prev = await db.get<{ status: string }>('SELECT status FROM outbox WHERE recipient = ? AND payload = ?', [
        recipient,
        JSON.stringify({ text: `m${n - 1}` }),
      ]);
      seen.push(`${m.text}:${prev?.status}`);
    });
    start({ db, senders: [s.sender], logger });
    await enqueue('a', 5);
    await until(() => seen.length === 4, 5000, 'five sends');
    expect(seen).toEqual(['m1:sent', 'm2:sent', 'm3:sent', 'm4:sent']);
  });

  it('retries a send that timed out, and the lane keeps its order', async () => {
    t = await openTestDb(kind);
    const s = scripted(async (_r, _m, n) => {
      if (n === 0) await new Promise((r) => setTimeout(r, 2000)); // the first call hangs past the guard
    });
    start({ db: t.db, senders: [s.sender], logger, sendGuardMs: 300 });
    await enqueue('a', 3);
    await until(async () => (await sentCount()) === 3, 8000, 'the lane');
    expect(s.sent('a')).toEqual(['m0', 'm0', 'm1', 'm2']);
    const first = await t.db.get<{ attempts: number; status: string }>('SELECT attempts, status FROM outbox ORDER BY id LIMIT 1');
    expect(first).toEqual({ attempts: 2, status: 'sent' });
  });
});

async function sentCount(): Promise<number> {
  const r = await t?.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'");
  return Number(r?.n ?? 0);
}

describe.runIf(providers.includes('postgresql'))('outbox lanes across two instances on PostgreSQL', () => {
  it('two dispatchers: every row sent once, in order per recipient', async () => {
    t = await openTestDb('postgresql');
    const other = openDatabase(t.url);
    cleanup.push(() => other.close());
    const s = scripted(async () => {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
    });
    const a = start({ db: t.db, senders: [s.sender], logger, leases: new LeaseRepository(t.db, 'a') });
    const b = start({ db: other, senders: [s.sender], logger, leases: new LeaseRepository(other, 'b') });
    const recipients = Array.from({ length: 10 }, (_, i) => `r${i}`);
    for (let i = 0; i < 20; i++)
      for (const r of recipients) {
        await enqueueOutbox(i % 2 ? other : t.db, 'test', r, { text: `m${i}` }, new Date());
        (i % 2 ? b : a).kick();
      }
    await until(async () => (await sentCount()) === 200, 20_000, 'every row');
    await new Promise((r) => setTimeout(r, 300));
    for (const r of recipients) expect(s.sent(r)).toEqual(range(20));
  });

  it('a lane whose holder died is taken over once its lease expired, and its in-flight row is sent again', async () => {
    t = await openTestDb('postgresql');
    await enqueue('a', 2);
    // A dead instance held the lane and was sending the first row.
    await t.db.run("UPDATE outbox SET status = 'sending', attempts = 1 WHERE id = (SELECT MIN(id) FROM outbox)");
    expect(await new LeaseRepository(t.db, 'ghost').claim('outbox:test:a', 1500)).toBe(true);
    const s = scripted();
    const startedAt = Date.now();
    start({ db: t.db, senders: [s.sender], logger, leases: new LeaseRepository(t.db, 'alive') });
    await until(() => s.sent('a').length === 2, 8000, 'the lane taken over');
    expect(s.calls[0]?.at ?? 0).toBeGreaterThanOrEqual(startedAt + 1000);
    expect(s.sent('a')).toEqual(['m0', 'm1']);
  });
});
