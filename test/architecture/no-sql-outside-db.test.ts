/**
 * Every query lives in src/db (STYLE.md 4): no SQL string anywhere else in src/ or flows/. The
 * pattern is tight on purpose (upper-case SQL as this code base writes it: SELECT … FROM,
 * INSERT INTO, UPDATE … SET, DELETE FROM, ON CONFLICT, CREATE/ALTER/DROP TABLE), so that prose in
 * comments and user-facing text never trips it. A failure names each offending file and line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** SQL as written in this code base, inside a string or template literal. */
const SQL =
  /\b(SELECT\s+(?:DISTINCT\s+)?[\w*."(]+[\s\S]{0,400}?\bFROM\s+[\w"(]|INSERT\s+INTO\s+["\w]|UPDATE\s+["\w]+\s+SET\b|DELETE\s+FROM\s+["\w]|ON\s+CONFLICT\b|(?:CREATE|ALTER|DROP)\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\b|pg_advisory\w*\s*\()/g;

/**
 * Folders whose SQL is still being moved, with who moves it. Remove a line when its folder is clean:
 * the test then keeps it clean.
 */
const PENDING: Record<string, string> = {
  'src/staff/': 'staff (issue 13): its own repositories in src/db',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const p = path.posix.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'generated' ? [] : sourceFiles(p);
    return /\.(ts|mts|cts|js|mjs)$/.test(d.name) ? [p] : [];
  });
}

/** Each SQL-looking string outside src/db, as "file:line: text". */
function sqlOutsideDb(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (file.startsWith('src/db/')) continue;
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(SQL)) {
      const line = text.slice(0, m.index).split('\n').length;
      found.push(`${file}:${line}: ${m[0].split('\n')[0]?.slice(0, 80)}`);
    }
  }
  return found;
}

describe('SQL lives in src/db', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('flows')];

  it('finds the SQL of a repository (the pattern is not blind)', () => {
    const inDb = files.filter((f) => f.startsWith('src/db/')).map((f) => readFileSync(path.join(root, f), 'utf8'));
    expect(inDb.join('\n').match(SQL)?.length ?? 0).toBeGreaterThan(20);
    expect('db.all(`SELECT id, ref\n FROM requests WHERE x = ?`)'.match(SQL)).not.toBeNull();
    expect("'UPDATE outbox SET status = ?'".match(SQL)).not.toBeNull();
    // Prose is not SQL.
    expect('// select the case from the list, then update the person'.match(SQL)).toBeNull();
  });

  it('has no SQL string in src/ or flows/ outside src/db (folders still moving are listed in PENDING)', () => {
    const offenders = sqlOutsideDb(files).filter((o) => !Object.keys(PENDING).some((p) => o.startsWith(p)));
    expect(offenders, `SQL outside src/db:\n${offenders.join('\n')}`).toEqual([]);
  });

  it('lists what is still pending, by owner (informational)', () => {
    const pending = sqlOutsideDb(files).filter((o) => Object.keys(PENDING).some((p) => o.startsWith(p)));
    for (const [prefix, owner] of Object.entries(PENDING)) {
      const here = pending.filter((o) => o.startsWith(prefix));
      if (here.length) console.info(`SQL still outside src/db in ${prefix} (${owner}):\n  ${here.join('\n  ')}`);
    }
    expect(Array.isArray(pending)).toBe(true);
  });
});
