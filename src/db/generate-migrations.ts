/**
 * Generates the SQL of a new migration for both providers from prisma/schema.prisma, offline
 * (`prisma migrate diff` schema-to-schema needs no database and no native engine).
 *
 * Usage: npm run migrations:generate -- <name>
 * The previous state is the schema saved beside the latest migration (schema.prisma snapshot), so a
 * migration is the difference between what was last migrated and the schema now.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const schemaPath = path.join(root, 'prisma/schema.prisma');
const providers = ['sqlite', 'postgresql'] as const;

/** The schema text for a provider: the SQLite schema with the datasource swapped. */
export function schemaFor(provider: (typeof providers)[number], schema: string): string {
  if (provider === 'sqlite') return schema;
  return schema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url      = "postgresql://localhost/unused"');
}

function diff(from: string | null, to: string): string {
  const tmp = path.join(root, 'data', 'tmp-migrations');
  mkdirSync(tmp, { recursive: true });
  const toFile = path.join(tmp, 'to.prisma');
  writeFileSync(toFile, to);
  const args = ['prisma', 'migrate', 'diff', '--script', '--to-schema-datamodel', toFile];
  if (from === null) args.push('--from-empty');
  else {
    const fromFile = path.join(tmp, 'from.prisma');
    writeFileSync(fromFile, from);
    args.push('--from-schema-datamodel', fromFile);
  }
  return execFileSync('npx', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function main(): void {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error('usage: npm run migrations:generate -- <snake_case_name>');
    process.exit(2);
  }
  const schema = readFileSync(schemaPath, 'utf8');
  for (const provider of providers) {
    const dir = path.join(root, 'prisma/migrations', provider);
    mkdirSync(dir, { recursive: true });
    const existing = readdirSync(dir)
      .filter((d) => /^\d+_/.test(d))
      .sort();
    const last = existing.at(-1);
    const prev = last ? readFileSync(path.join(dir, last, 'schema.prisma'), 'utf8') : null;
    const sql = diff(prev, schemaFor(provider, schema));
    if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
      console.log(`${provider}: no changes`);
      continue;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const out = path.join(dir, `${stamp}_${name}`);
    if (existsSync(out)) throw new Error(`${out} exists`);
    mkdirSync(out);
    writeFileSync(path.join(out, 'migration.sql'), sql);
    writeFileSync(path.join(out, 'schema.prisma'), schemaFor(provider, schema));
    console.log(`${provider}: ${path.relative(root, out)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
