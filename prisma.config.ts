// Prisma CLI configuration: the JS schema engine with a driver adapter, so that no native engine is
// downloaded (see ../shared/PRISMA-NOTES.md). The app applies migrations itself (src/db/migrate.ts);
// the CLI serves `npm run migrations:generate` (offline, schema to schema) and `npx prisma migrate
// status` on the SQLite database. PostgreSQL is migrated by the app itself (same SQL, same table).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL?.startsWith('file:') ? process.env.DATABASE_URL : 'file:./data/bot.db';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations', 'sqlite') },
  async adapter() {
    const { PrismaBetterSQLite3 } = await import('@prisma/adapter-better-sqlite3');
    const file = url.slice('file:'.length);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return new PrismaBetterSQLite3({ url: `file:${file}` });
  },
});
