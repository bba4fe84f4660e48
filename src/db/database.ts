/**
 * The database behind one small interface for both providers: SQLite (better-sqlite3, the embedded
 * default) and PostgreSQL (pg). SQL is written once with `?` placeholders; the PostgreSQL
 * implementation numbers them. Values cross the boundary as plain JS: Date, boolean, number, string.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pg from 'pg';

/** A value a statement may bind. */
export type SqlValue = string | number | boolean | Date | null;

/** One statement with its parameters. */
export interface Stmt {
  sql: string;
  params?: SqlValue[];
}

/** Raised when a statement breaks a unique constraint (used for de-duplication). */
export class UniqueViolation extends Error {
  override name = 'UniqueViolation';
}

/** Reads and writes of one provider; `batch` is atomic. */
export interface Db {
  readonly kind: 'sqlite' | 'postgresql';
  all<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  /** Runs one statement; resolves with the number of rows changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** Runs statements in one transaction (or inside the current one, for a locked handle). */
  batch(stmts: Stmt[]): Promise<void>;
  /**
   * Runs `fn` holding the lock of `key`: on PostgreSQL a transaction with an advisory lock, so that
   * the messages of one conversation are handled in order across instances; on SQLite (one process)
   * the caller's in-process queue already orders them and `fn` gets this handle.
   */
  locked<T>(key: string, fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The handle of the conversation lock being held, if any. Reads made during a turn (the services
 * the dialogues invoke) go through it, so that on PostgreSQL a turn never waits for a second pool
 * connection while it holds one.
 */
const lockScope = new AsyncLocalStorage<Db>();

/** The handle to read through: the current turn's, or `db` outside a turn. */
export function scoped(db: Db): Db {
  return lockScope.getStore() ?? db;
}

/** Turns a stored timestamp (ISO text on SQLite, Date on PostgreSQL) into a Date. */
export function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  return new Date(String(v));
}

/** Turns a stored timestamp or null into an ISO string or null. */
export function toIso(v: unknown): string | null {
  return v === null || v === undefined ? null : toDate(v).toISOString();
}

function sqliteValue(v: SqlValue): string | number | null {
  if (v instanceof Date) return v.toISOString().replace('Z', '+00:00'); // the format Prisma's adapter uses
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

function isUniqueError(e: unknown): boolean {
  const code = (e as { code?: string | null }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** SQLite through better-sqlite3: synchronous, so a batch is a real transaction with no interleaving. */
export class SqliteDb implements Db {
  readonly kind = 'sqlite' as const;
  readonly raw: Database.Database;
  private readonly cache = new Map<string, Database.Statement>();

  constructor(file: string, options: { inlineWrites?: boolean } = {}) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.raw = new Database(file);
    this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('synchronous = NORMAL'); // WAL + NORMAL: durable across process crashes
    this.raw.pragma('busy_timeout = 5000');
    this.raw.pragma('foreign_keys = ON');
    if (file === ':memory:' || options.inlineWrites) {
      this.writer = null;
      return;
    }
    // Checkpoints run on the writer's connection, off this thread.
    this.raw.pragma('wal_autocheckpoint = 0');
    const script = new URL('./sqlite-writer.worker.mjs', import.meta.url);
    this.writer = new Worker(script, { workerData: { file, role: 'writer' } });
    this.checkpointer = new Worker(script, { workerData: { file, role: 'checkpointer' } });
    this.checkpointer.unref();
    this.writer.on('message', (m) => this.onWriterMessage(m));
    this.writer.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
    this.writer.unref();
  }

  private prepare(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.raw.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params.map(sqliteValue)) as T[];
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return this.prepare(sql).get(...params.map(sqliteValue)) as T | undefined;
  }

  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    try {
      return this.prepare(sql).run(...params.map(sqliteValue)).changes;
    } catch (e) {
      if (isUniqueError(e)) throw new UniqueViolation((e as Error).message);
      throw e;
    }
  }

  /** Synchronous batch, for callers that must not yield inside a transaction. */
  batchSync(stmts: Stmt[]): void {
    const tx = this.raw.transaction((list: Stmt[]) => {
      for (const s of list) this.prepare(s.sql).run(...(s.params ?? []).map(sqliteValue));
    });
    try {
      tx(stmts);
    } catch (e) {
      if (isUniqueError(e)) throw new UniqueViolation((e as Error).message);
      throw e;
    }
  }

  private group: { stmts: Stmt[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private readonly writer: Worker | null;
  private checkpointer: Worker | null = null;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  private nextId = 0;

  /**
   * Group commit: batches submitted in the same tick are written in one transaction, then each
   * caller is released. If the group fails (one batch breaks a constraint), each batch is retried
   * alone so that only the faulty one fails. Nobody is released before their batch is committed.
   * For a database file the writes run in a worker thread with its own connection, so that the
   * commit (and WAL checkpoints) do not hold up the turns being computed here.
   */
  batch(stmts: Stmt[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.writer) {
        const id = ++this.nextId;
        this.pending.set(id, { resolve, reject });
        // A pending commit keeps the process alive; an idle writer does not.
        if (this.pending.size === 1) this.writer.ref();
        this.writer.postMessage({ id, stmts: stmts.map((s) => [s.sql, (s.params ?? []).map(sqliteValue)]) });
        return;
      }
      this.group.push({ stmts, resolve, reject });
      if (this.group.length === 1) setImmediate(() => this.flush());
    });
  }

  private onWriterMessage(results: { id: number; error?: { code: string | null; message: string } }[] | { closed: true }): void {
    if (!Array.isArray(results)) return;
    for (const r of results) {
      const p = this.pending.get(r.id);
      if (!p) continue;
      this.pending.delete(r.id);
      if (!r.error) p.resolve();
      else if (isUniqueError(r.error)) p.reject(new UniqueViolation(r.error.message));
      else p.reject(Object.assign(new Error(r.error.message), { code: r.error.code }));
    }
    if (this.pending.size === 0) this.writer?.unref();
  }

  private flush(): void {
    const group = this.group;
    this.group = [];
    if (group.length === 0) return;
    try {
      this.batchSync(group.flatMap((g) => g.stmts));
      for (const g of group) g.resolve();
    } catch {
      for (const g of group) {
        try {
          this.batchSync(g.stmts);
          g.resolve();
        } catch (e) {
          g.reject(e);
        }
      }
    }
  }

  async locked<T>(_key: string, fn: (db: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    for (const worker of [this.writer, this.checkpointer]) {
      if (!worker) continue;
      await new Promise<void>((resolve) => {
        worker.on('message', (m: { closed?: boolean }) => {
          if (m && !Array.isArray(m) && m.closed) resolve();
        });
        worker.postMessage({ type: 'close' });
      });
      await worker.terminate();
    }
    this.raw.close();
  }
}

/** Rewrites `?` placeholders as `$1, $2, ...` (our SQL has no literal question marks). */
export function numberPlaceholders(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

type Queryable = pg.Pool | pg.PoolClient;

async function pgQuery<T>(q: Queryable, sql: string, params: SqlValue[] = []): Promise<pg.QueryResult & { rows: T[] }> {
  try {
    return (await q.query(numberPlaceholders(sql), params)) as pg.QueryResult & { rows: T[] };
  } catch (e) {
    if (isUniqueError(e)) throw new UniqueViolation((e as Error).message);
    throw e;
  }
}

// COUNT(*) and BIGINT come back as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/** PostgreSQL through a pg pool. */
export class PostgresDb implements Db {
  readonly kind = 'postgresql' as const;
  readonly pool: pg.Pool;

  constructor(url: string, max = 10) {
    this.pool = new pg.Pool({ connectionString: url, max });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  async all<T>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return (await pgQuery<T>(this.pool, sql, params)).rows;
  }

  async get<T>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return (await pgQuery<T>(this.pool, sql, params)).rows[0];
  }

  async run(sql: string, params?: SqlValue[]): Promise<number> {
    return (await pgQuery(this.pool, sql, params)).rowCount ?? 0;
  }

  async batch(stmts: Stmt[]): Promise<void> {
    await this.transaction(async (tx) => tx.batch(stmts));
  }

  async locked<T>(key: string, fn: (db: Db) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [key]);
      return lockScope.run(tx, () => fn(tx));
    });
  }

  private async transaction<T>(fn: (tx: PgTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgTx(client));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A PostgreSQL handle inside an open transaction. */
class PgTx implements Db {
  readonly kind = 'postgresql' as const;
  constructor(private readonly client: pg.PoolClient) {}
  async all<T>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return (await pgQuery<T>(this.client, sql, params)).rows;
  }
  async get<T>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return (await pgQuery<T>(this.client, sql, params)).rows[0];
  }
  async run(sql: string, params?: SqlValue[]): Promise<number> {
    return (await pgQuery(this.client, sql, params)).rowCount ?? 0;
  }
  async batch(stmts: Stmt[]): Promise<void> {
    // Inside the caller's transaction: a savepoint keeps a failed batch (a duplicate) from
    // poisoning the transaction, so the caller can still answer.
    await this.client.query('SAVEPOINT batch');
    try {
      for (const s of stmts) await pgQuery(this.client, s.sql, s.params);
      await this.client.query('RELEASE SAVEPOINT batch');
    } catch (e) {
      await this.client.query('ROLLBACK TO SAVEPOINT batch');
      throw e;
    }
  }
  async locked<T>(_key: string, fn: (db: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async close(): Promise<void> {}
}

/**
 * The same single-row INSERT, written only when `condition` (a SELECT) finds a row: its VALUES
 * become a SELECT … WHERE EXISTS. Lets a statement built by one repository (an outbox row, a
 * message) join a transaction in which it must not happen unless an earlier statement did.
 */
export function onlyIf(stmt: Stmt, condition: Stmt): Stmt {
  const m = /^([\s\S]*?)\bVALUES\s*\(([\s\S]*)\)\s*$/.exec(stmt.sql);
  if (!m) throw new Error('onlyIf takes a single-row INSERT … VALUES (…)');
  return {
    sql: `${m[1]}SELECT ${m[2]} WHERE EXISTS (${condition.sql})`,
    params: [...(stmt.params ?? []), ...(condition.params ?? [])],
  };
}

/** Answers when the database does (the health check); throws when it is down. */
export async function ping(db: Db): Promise<void> {
  await db.get('SELECT 1 AS ok');
}

/**
 * Bytes the tables of the current PostgreSQL schema take (for the benchmark); on SQLite the file
 * itself is measured, and this answers 0.
 */
export async function tableBytes(db: Db): Promise<number> {
  if (db.kind !== 'postgresql') return 0;
  const row = await db.get<{ n: number | string }>(
    `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint AS n FROM pg_class c
       JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = current_schema() AND c.relkind = 'r'`,
  );
  return Number(row?.n ?? 0);
}

/** Opens the database named by a `DATABASE_URL` (`file:...` or `postgresql://...`). */
export function openDatabase(url: string): Db {
  if (url.startsWith('file:')) return new SqliteDb(url.slice('file:'.length));
  if (url.startsWith('postgresql://') || url.startsWith('postgres://')) return new PostgresDb(url);
  throw new Error(`unsupported database url scheme: ${url.split(':')[0]}`);
}
