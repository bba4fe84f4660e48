/**
 * Generates the Prisma Client of the read side for both providers from prisma/schema.prisma, offline
 * (Prisma 6.19, JS engine, driver adapters; see ../shared/PRISMA-NOTES.md): one client bound to
 * SQLite in generated/prisma-sqlite, one bound to PostgreSQL in generated/prisma-postgresql (from a
 * copy of the schema with only the provider changed, as the migration generator does). Both
 * folders are git-ignored; `npm install` / `npm ci` run this (postinstall), and the test setup runs
 * it when the schema changed since the last generation.
 *
 * Usage: npm run db:generate [-- --if-stale]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemaFor } from './generate-migrations.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The providers a client is generated for, and where each one goes. */
export const CLIENT_DIRS = {
  sqlite: path.join(root, 'generated/prisma-sqlite'),
  postgresql: path.join(root, 'generated/prisma-postgresql'),
} as const;

type Provider = keyof typeof CLIENT_DIRS;

/** The schema text a provider's client is generated from. */
function clientSchema(provider: Provider, schema: string): string {
  return schemaFor(provider, schema).replace(/output\s*=\s*"[^"]*"/, `output     = "../prisma-${provider}"`);
}

function stamp(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Whether a provider's client is missing or older than the schema. */
export function isStale(provider: Provider, schema = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8')): boolean {
  const file = path.join(CLIENT_DIRS[provider], '.schema-sha256');
  return (
    !existsSync(path.join(CLIENT_DIRS[provider], 'client.ts')) ||
    !existsSync(file) ||
    readFileSync(file, 'utf8') !== stamp(clientSchema(provider, schema))
  );
}

/** Generates the clients (only the stale ones with `ifStale`). */
export function generateClients(options: { ifStale?: boolean } = {}): Provider[] {
  const schema = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
  const schemaDir = path.join(root, 'generated/schema');
  mkdirSync(schemaDir, { recursive: true });
  const done: Provider[] = [];
  for (const provider of Object.keys(CLIENT_DIRS) as Provider[]) {
    if (options.ifStale && !isStale(provider, schema)) continue;
    const text = clientSchema(provider, schema);
    const file = path.join(schemaDir, `${provider}.prisma`);
    writeFileSync(file, text);
    try {
      execFileSync(process.execPath, [path.join(root, 'node_modules/prisma/build/index.js'), 'generate', '--schema', file], {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      });
    } catch (e) {
      // Quiet when it works; the CLI's own words when it does not.
      const out = e as { stdout?: Buffer; stderr?: Buffer };
      process.stderr.write(`${out.stdout?.toString() ?? ''}${out.stderr?.toString() ?? ''}`);
      throw new Error(`prisma generate failed for ${provider}`);
    }
    writeFileSync(path.join(CLIENT_DIRS[provider], '.schema-sha256'), stamp(text));
    done.push(provider);
  }
  return done;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const done = generateClients({ ifStale: process.argv.includes('--if-stale') });
  console.log(done.length ? `Prisma Client generated for ${done.join(' and ')} (generated/)` : 'Prisma Client up to date');
}
