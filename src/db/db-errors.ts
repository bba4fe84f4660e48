/**
 * What may be logged of a failure: its class and, for a database error, its code (SQLSTATE on
 * PostgreSQL, SQLITE_* on SQLite). Never its message or detail: those can quote the values
 * (`Key (phone)=(0550000000) already exists`).
 */

/** The loggable facts of an error: `{ err: 'DatabaseError', code: '23505' }`. */
export function errorFacts(e: unknown): { err: string; code?: string } {
  if (!(e instanceof Error)) return { err: 'unknown' };
  const code = (e as { code?: unknown }).code;
  // pg's DatabaseError is named 'error'; say what it is.
  const name = e.name === 'error' ? 'DatabaseError' : e.name;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? { err: name, code } : { err: name };
}
