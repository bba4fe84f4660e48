/**
 * Rows are parsed where they leave the database: each repository declares the columns it reads as
 * a zod schema and gets its row type from it (no hand-written row interface beside the query).
 * The two drivers differ in what they return (SQLite: ISO text and 0/1; PostgreSQL: Date and
 * boolean); the column parsers below accept both and give one JS value.
 */
import { z } from 'zod';
import { toDate } from './database.js';

/** Raised when a row does not have the shape its query promises (a schema drift, a bad value). */
export class RowError extends Error {
  override name = 'RowError';
  constructor(
    /** The query or table the row came from, for the log. */
    readonly source: string,
    readonly issues: string,
  ) {
    super(`unexpected row from ${source}: ${issues}`);
  }
}

const timestamp = z.union([z.date(), z.string(), z.number()]).transform(toDate);

/** Column parsers shared by the repositories. */
export const col = {
  text: z.string(),
  textOrNull: z.string().nullable(),
  /** INTEGER / BIGINT (counts come back as numbers: database.ts parses int8). */
  int: z.coerce.number().int(),
  intOrNull: z.coerce.number().int().nullable(),
  /** A timestamp: ISO text on SQLite, a Date on PostgreSQL. */
  date: timestamp,
  dateOrNull: timestamp.nullable(),
  /** A boolean: 0/1 on SQLite, true/false on PostgreSQL. */
  bool: z.union([z.boolean(), z.number()]).transform((v) => v === true || v === 1),
} as const;

/** Parses one row (or none) with `schema`; a mismatch raises {@link RowError}. */
export function parseRow<S extends z.ZodType>(schema: S, row: unknown, source: string): z.output<S> {
  const r = schema.safeParse(row);
  if (!r.success) throw new RowError(source, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

/** Parses each row with `schema`. */
export function parseRows<S extends z.ZodType>(schema: S, rows: unknown[], source: string): z.output<S>[] {
  return rows.map((row) => parseRow(schema, row, source));
}
