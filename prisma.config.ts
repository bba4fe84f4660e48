// Prisma CLI configuration: the JS schema engine with a driver adapter, so that no native engine is
// downloaded (see ../shared/PRISMA-NOTES.md). The app applies migrations itself (src/db/migrate.ts);
// the CLI is used for `generate` and for generating migrations offline (`npm run migrations:generate`).
import path from 'node:path';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  async adapter() {
    const { PrismaBetterSQLite3 } = await import('@prisma/adapter-better-sqlite3');
    const url = process.env.DATABASE_URL?.startsWith('file:') ? process.env.DATABASE_URL : 'file:./data/bot.db';
    return new PrismaBetterSQLite3({ url });
  },
});
