/**
 * Applies the committed migrations of the current provider at start-up, recording them in Prisma's
 * own `_prisma_migrations` table (same columns and checksum), so that `prisma migrate status` and
 * `prisma migrate deploy` agree with what the app did.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Db, PostgresDb, SqliteDb } from './database.js';

/** Folder holding `sqlite/` and `postgresql/` migration folders. */
export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');

/** Prisma's own bookkeeping table, with the column types Prisma uses on each provider. */
const CREATE_TABLE: Record<Db['kind'], string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`,
};

/** The migrations of a provider, in order. */
export function listMigrations(provider: Db['kind']): { name: string; sql: string; checksum: string }[] {
  const dir = path.join(MIGRATIONS_DIR, provider);
  return readdirSync(dir)
    .filter((d) => /^\d+_/.test(d))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies every migration not applied yet; returns the names applied now. */
export async function migrate(db: Db): Promise<string[]> {
  if (db instanceof PostgresDb) {
    // One instance migrates at a time.
    const client = await db.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(727001)');
      return await applyPending(db);
    } finally {
      await client.query('SELECT pg_advisory_unlock(727001)').catch(() => {});
      client.release();
    }
  }
  return applyPending(db);
}

async function applyPending(db: Db): Promise<string[]> {
  await db.run(CREATE_TABLE[db.kind]);
  const done = new Set(
    (await db.all<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL')).map(
      (r) => r.migration_name,
    ),
  );
  const applied: string[] = [];
  for (const m of listMigrations(db.kind)) {
    if (done.has(m.name)) continue;
    const started = new Date();
    if (db instanceof SqliteDb) {
      db.raw.transaction(() => db.raw.exec(m.sql))();
    } else if (db instanceof PostgresDb) {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      } finally {
        client.release();
      }
    }
    await db.run(
      'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)',
      [randomUUID(), m.checksum, new Date(), m.name, started],
    );
    applied.push(m.name);
  }
  return applied;
}
