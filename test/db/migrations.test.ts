/**
 * The committed migrations yield exactly the schema in prisma/schema.prisma, on SQLite and on
 * PostgreSQL (when TEST_POSTGRES_URL is set): the database built by applying them is compared,
 * table by table, column by column and index by index, with one built from the schema itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { schemaFor } from '../../src/db/generate-migrations.js';
import { migrate } from '../../src/db/migrate.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'bot-mig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The SQL that creates the schema from nothing, as Prisma computes it from the schema file. */
function sqlFromSchema(provider: 'sqlite' | 'postgresql'): string {
  const file = path.join(dir, `${provider}.prisma`);
  writeFileSync(file, schemaFor(provider, readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8')));
  return execFileSync('npx', ['prisma', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', file, '--script'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function sqliteShape(file: string): unknown {
  const db = new Database(file, { readonly: true });
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations' ORDER BY name",
    )
    .all() as { name: string }[];
  const shape = tables.map(({ name }) => ({
    name,
    columns: db.prepare(`PRAGMA table_info("${name}")`).all(),
    indexes: (db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; seq: number }[])
      // `seq` is the order the indexes were created in, which migrations may change.
      .map(({ seq: _seq, ...i }) => ({ ...i, columns: db.prepare(`PRAGMA index_info("${i.name}")`).all() }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    foreignKeys: db.prepare(`PRAGMA foreign_key_list("${name}")`).all(),
  }));
  db.close();
  return shape;
}

describe('migrations', () => {
  it('SQLite: applying the committed migrations yields exactly the schema', async () => {
    const migrated = path.join(dir, 'migrated.db');
    const db = openDatabase(`file:${migrated}`);
    const applied = await migrate(db);
    expect(applied.length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual([]); // idempotent
    await db.close();

    const expected = path.join(dir, 'expected.db');
    const raw = new Database(expected);
    raw.exec(sqlFromSchema('sqlite'));
    raw.close();

    expect(sqliteShape(migrated)).toEqual(sqliteShape(expected));
    // Prisma's own CLI agrees with what the service recorded.
    const status = execFileSync('npx', ['prisma', 'migrate', 'status'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `file:${migrated}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(status).toContain('Database schema is up to date');
    const tables = (sqliteShape(migrated) as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['beneficiaries', 'conversations', 'messages', 'outbox', 'requests']));
  }, 120_000); // two prisma processes: slow on a busy machine

  const pgUrl = process.env.TEST_POSTGRES_URL;
  it.skipIf(!pgUrl)(
    'PostgreSQL: applying the committed migrations yields exactly the schema',
    async () => {
      const url = pgUrl as string;
      const suffix = `${process.pid}_${Date.now()}`;
      const a = `mig_a_${suffix}`;
      const b = `mig_b_${suffix}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${a}`);
        await admin.query(`CREATE SCHEMA ${b}`);
        const withPath = (schema: string) => `${url}${url.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
        const db = openDatabase(withPath(a));
        expect((await migrate(db)).length).toBeGreaterThan(0);
        expect(await migrate(db)).toEqual([]);
        await db.close();
        await admin.query(`SET search_path TO ${b}`);
        await admin.query(sqlFromSchema('postgresql'));

        const shape = async (schema: string) => {
          const cols = await admin.query(
            `SELECT table_name, column_name, data_type, is_nullable, column_default, ordinal_position
             FROM information_schema.columns WHERE table_schema = $1 AND table_name != '_prisma_migrations'
            ORDER BY table_name, ordinal_position`,
            [schema],
          );
          const idx = await admin.query(
            `SELECT tablename, indexname, replace(indexdef, $1, '') AS def FROM pg_indexes
            WHERE schemaname = $2 AND tablename != '_prisma_migrations' ORDER BY tablename, indexname`,
            [`${schema}.`, schema],
          );
          const fks = await admin.query(
            `SELECT tc.table_name, tc.constraint_name, tc.constraint_type FROM information_schema.table_constraints tc
            WHERE tc.table_schema = $1 AND tc.table_name != '_prisma_migrations' ORDER BY tc.table_name, tc.constraint_name`,
            [schema],
          );
          return {
            columns: cols.rows.map((r) => ({ ...r, column_default: String(r.column_default ?? '').replace(`${schema}.`, '') })),
            indexes: idx.rows,
            constraints: fks.rows.filter((r) => !/^\d+_\d+_\d+_not_null$/.test(r.constraint_name)),
          };
        };
        const [sa, sb] = [await shape(a), await shape(b)];
        expect(sa.columns.length).toBeGreaterThan(20);
        expect(sa).toEqual(sb);
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS ${a} CASCADE`);
        await admin.query(`DROP SCHEMA IF EXISTS ${b} CASCADE`);
        await admin.end();
      }
    },
    120_000,
  );
});
