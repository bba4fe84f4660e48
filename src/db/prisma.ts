/**
 * Prisma Client for the read side (back-office API, staff console lists and details, reports). A
 * generated client is bound to one provider, so two are generated from the one schema
 * (src/db/generate-clients.ts, at `npm install`); this module picks the client and its driver
 * adapter from `DATABASE_URL`. The per-turn commit, the outbox and the inbox stay on the lean SQL
 * path (database.ts): an ORM call costs 0.3–1 ms here, a turn must commit in far less.
 */
import type { PrismaClient as SqliteClient } from '../../generated/prisma-sqlite/client.js';

/**
 * The read client. Both generated clients expose the same model API (one schema, only the provider
 * differs); it is typed as the SQLite one, and code using it sticks to what both providers share
 * (no provider-only filters such as PostgreSQL's `mode: 'insensitive'`).
 */
export type ReadClient = SqliteClient;

/** Raised when the generated clients are missing (run `npm install` or `npm run db:generate`). */
export class PrismaClientMissing extends Error {
  override name = 'PrismaClientMissing';
}

/** The PostgreSQL schema a URL selects (`?schema=` or `options=-c search_path=`), if any. */
export function schemaOf(url: string): string | undefined {
  const q = new URL(url).searchParams;
  const explicit = q.get('schema');
  if (explicit) return explicit;
  const m = /(?:^|\s)-c\s*search_path=([^\s,]+)/.exec(q.get('options') ?? '');
  return m?.[1];
}

async function load<T>(what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND')
      throw new PrismaClientMissing('the Prisma Client is not generated: run `npm run db:generate` (npm install does it)');
    throw e;
  }
}

/** Opens the read client for a `DATABASE_URL` (`file:...` or `postgresql://...`). */
export async function openReadClient(url: string): Promise<ReadClient> {
  if (url.startsWith('file:')) {
    const { PrismaClient } = await load(() => import('../../generated/prisma-sqlite/client.js'));
    const { PrismaBetterSQLite3 } = await import('@prisma/adapter-better-sqlite3');
    return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  }
  if (url.startsWith('postgresql://') || url.startsWith('postgres://')) {
    const { PrismaClient } = await load(() => import('../../generated/prisma-postgresql/client.js'));
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const schema = schemaOf(url);
    const client = new PrismaClient({
      adapter: new PrismaPg({ connectionString: url, max: 4 }, schema ? { schema } : undefined),
    });
    return client as unknown as ReadClient;
  }
  throw new Error(`unsupported database url scheme: ${url.split(':')[0]}`);
}

/** A read client opened on first use (most processes and tests never need one) and closed with the app. */
export interface ReadSide {
  client(): Promise<ReadClient>;
  close(): Promise<void>;
}

/** The read side of a `DATABASE_URL`, opened lazily. */
export function readSide(url: string): ReadSide {
  let opened: Promise<ReadClient> | null = null;
  return {
    client() {
      opened ??= openReadClient(url);
      return opened;
    },
    async close() {
      if (!opened) return;
      const c = await opened.catch(() => null);
      opened = null;
      await c?.$disconnect();
    },
  };
}
