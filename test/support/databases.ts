/**
 * Fresh, migrated databases for repository-level tests: a SQLite temp file always, and a PostgreSQL
 * schema of its own when TEST_POSTGRES_URL is set (dropped on close).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Db, openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

/** The providers to run on here. */
export const providers: ('sqlite' | 'postgresql')[] = process.env.TEST_POSTGRES_URL ? ['sqlite', 'postgresql'] : ['sqlite'];

/** A migrated database and its URL (to open a second handle, as a second instance would). */
export interface TestDb {
  db: Db;
  url: string;
  close(): Promise<void>;
}

/** Opens a fresh database of `kind`. */
export async function openTestDb(kind: 'sqlite' | 'postgresql'): Promise<TestDb> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'bot-db-'));
    const url = `file:${path.join(dir, 'bot.db')}`;
    const db = openDatabase(url);
    await migrate(db);
    return {
      db,
      url,
      async close() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.TEST_POSTGRES_URL ?? '';
  const name = `t_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin(base, `CREATE SCHEMA ${name}`);
  const url = `${base}${base.includes('?') ? '&' : '?'}options=-c%20search_path%3D${name}`;
  const db = openDatabase(url);
  await migrate(db);
  return {
    db,
    url,
    async close() {
      await db.close();
      await admin(base, `DROP SCHEMA ${name} CASCADE`);
    },
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
