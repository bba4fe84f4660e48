/**
 * `npm run bench [-- --quick]`: synthetic beneficiaries holding multi-turn conversations,
 * interleaved through the engine, on SQLite (and PostgreSQL when TEST_POSTGRES_URL is set).
 * Every turn is committed before it resolves. Prints turns per second, p50/p99 turn latency at
 * full load and at 100 turns/s, peak RSS, the database size per conversation, and RSS with 1,000
 * vs 100,000 stored conversations; ends with one JSON line per database.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { type App, createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { countConversations, seedIdleConversations } from '../db/conversations.repository.js';
import { tableBytes } from '../db/database.js';
import type { InboundMessage } from '../engine/messages.js';

const quick = process.argv.includes('--quick');

/** One synthetic person's script: a complaint, then a question, then the menu, over and over. */
const SCRIPT: InboundMessage['input'][] = [
  { kind: 'text', text: 'السلام عليكم' },
  { kind: 'choice', id: 'complaint' },
  { kind: 'choice', id: 'accept' },
  { kind: 'text', text: '1' },
  { kind: 'text', text: 'الخدمة تأخرت كثيرًا ولم يتواصل معي أحد منذ أسبوعين' },
  { kind: 'choice', id: 'skip' },
  { kind: 'choice', id: 'confirm' },
  { kind: 'text', text: 'متى الدوام؟' },
  { kind: 'text', text: 'القائمة' },
  { kind: 'choice', id: 'status' },
  { kind: 'text', text: 'القائمة' },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

let peakRss = 0;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

class Load {
  private seq = 0;
  private readonly step = new Map<number, number>();
  constructor(
    private readonly app: App,
    private readonly prefix: string,
  ) {}

  message(person: number): InboundMessage {
    const s = this.step.get(person) ?? 0;
    this.step.set(person, s + 1);
    return {
      channel: 'web',
      userId: `${this.prefix}-${person}`,
      messageId: `${this.prefix}-${person}-${++this.seq}`,
      at: new Date(),
      input: SCRIPT[s % SCRIPT.length] as InboundMessage['input'],
    };
  }

  /** As fast as it goes: `concurrency` people writing at once, each waiting for their reply. */
  async saturate(
    people: number,
    concurrency: number,
    seconds: number,
  ): Promise<{ turns: number; seconds: number; latencies: number[] }> {
    const latencies: number[] = [];
    const end = performance.now() + seconds * 1000;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const person = next++ % people;
          const t0 = performance.now();
          await this.app.engine.handle(this.message(person));
          latencies.push(performance.now() - t0);
        }
      }),
    );
    return { turns: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
  }

  /** A steady rate of turns, spread over many people. */
  async paced(people: number, rate: number, seconds: number): Promise<number[]> {
    const latencies: number[] = [];
    const total = rate * seconds;
    const pending: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      pending.push(
        this.app.engine.handle(this.message(i % people)).then(() => {
          latencies.push(performance.now() - t0);
        }),
      );
    }
    await Promise.all(pending);
    return latencies;
  }
}

/** Stores `n` conversations directly (as if they had happened) to measure memory against size. */
async function seedConversations(app: App, n: number, prefix: string): Promise<void> {
  const now = new Date();
  const rows = 500; // per multi-row INSERT
  for (let i = 0; i < n; i += rows) {
    const ids = Array.from({ length: Math.min(rows, n - i) }, (_, k) => `${prefix}-b-${i + k}`);
    await app.db.batch(seedIdleConversations(ids, now));
  }
}

async function run(db: 'sqlite' | 'postgresql', url: string, dir: string) {
  const config = loadConfig({ PORT: '0', DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const app = await createApp(config, { logger: pino({ level: 'silent' }) });
  app.dispatcher.start();
  const load = new Load(app, `bench${Date.now()}`);
  const people = quick ? 500 : 2000;
  const seconds = quick ? 6 : 20;

  await load.saturate(people, 32, 1); // warm-up
  const sat = await load.saturate(people, 64, seconds);
  const sorted = sat.latencies.sort((a, b) => a - b);
  const tps = sat.turns / sat.seconds;

  // Latency at the target load (3,000 turns/s) and at a light load (100 turns/s).
  const atTarget = (await load.paced(people, Math.min(3000, Math.floor(tps * 0.95)), quick ? 3 : 10)).sort((a, b) => a - b);
  const light = (await load.paced(people, 100, quick ? 3 : 10)).sort((a, b) => a - b);

  // Memory against stored conversations: RSS after turns over 1,000, then 100,000 conversations.
  const memory: Record<string, number> = {};
  for (const n of quick ? [1000, 20000] : [1000, 100000]) {
    await seedConversations(app, n, `seed${n}`);
    global.gc?.();
    await load.saturate(people, 32, 2);
    global.gc?.();
    memory[String(n)] = Math.round(process.memoryUsage().rss / 1e6);
  }

  const conversations = await countConversations(app.db);
  let sizeBytes = await tableBytes(app.db);
  await app.stop();
  if (db === 'sqlite') {
    // After the final checkpoint: the database file itself.
    const file = url.slice('file:'.length);
    for (const f of [file, `${file}-wal`]) {
      try {
        sizeBytes += statSync(f).size;
      } catch {}
    }
  }

  const result = {
    db,
    turnsPerSecond: Math.round(tps),
    p50Ms: +percentile(sorted, 50).toFixed(2),
    p99Ms: +percentile(sorted, 99).toFixed(2),
    targetLoadTurnsPerSecond: Math.min(3000, Math.floor(tps * 0.95)),
    targetLoadP99Ms: +percentile(atTarget, 99).toFixed(2),
    lightLoadP99Ms: +percentile(light, 99).toFixed(2),
    peakRssMb: Math.round(peakRss / 1e6),
    rssMbByStoredConversations: memory,
    bytesPerConversation: conversations ? Math.round(sizeBytes / conversations) : 0,
  };
  console.log(`\n${db}: ${sat.turns} turns in ${sat.seconds.toFixed(1)} s with 64 concurrent conversations`);
  console.log(`  turns/s ${result.turnsPerSecond}, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (saturated)`);
  console.log(
    `  at ${result.targetLoadTurnsPerSecond} turns/s: p99 ${result.targetLoadP99Ms} ms; at 100 turns/s: p99 ${result.lightLoadP99Ms} ms`,
  );
  console.log(`  peak RSS ${result.peakRssMb} MB; RSS by stored conversations ${JSON.stringify(memory)} MB`);
  console.log(
    `  database ${(sizeBytes / 1e6).toFixed(1)} MB for ${conversations} conversations: ${result.bytesPerConversation} bytes each`,
  );
  rmSync(dir, { recursive: true, force: true });
  return result;
}

async function main() {
  const results = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bot-bench-'));
  results.push(await run('sqlite', `file:${path.join(dir, 'bench.db')}`, dir));
  const pg = process.env.TEST_POSTGRES_URL;
  if (pg) {
    const { default: pgLib } = await import('pg');
    const schema = `bench_${Date.now()}`;
    const admin = new pgLib.Client({ connectionString: pg });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const url = `${pg}${pg.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
      results.push(await run('postgresql', url, mkdtempSync(path.join(tmpdir(), 'bot-bench-pg-'))));
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  }
  clearInterval(rssTimer);
  for (const r of results) console.log(JSON.stringify(r));
  process.exit(0);
}

void main();
