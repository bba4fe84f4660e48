/** Rows are parsed where they leave the database: both drivers' shapes give one JS value; a wrong row is named. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { col, parseRow, parseRows, RowError } from '../../src/db/row.js';

const person = z.object({ id: col.text, opted_out: col.bool, last_inbound_at: col.dateOrNull, n: col.int });

describe('row parsing', () => {
  it('reads SQLite values (ISO text, 0/1) and PostgreSQL values (Date, boolean) alike', () => {
    const at = new Date('2026-12-01T10:00:00.000Z');
    const fromSqlite = parseRow(person, { id: 'b1', opted_out: 1, last_inbound_at: '2026-12-01T10:00:00.000+00:00', n: 3 }, 'x');
    const fromPostgres = parseRow(person, { id: 'b1', opted_out: true, last_inbound_at: at, n: '3' }, 'x');
    expect(fromSqlite).toEqual({ id: 'b1', opted_out: true, last_inbound_at: at, n: 3 });
    expect(fromPostgres).toEqual(fromSqlite);
    expect(parseRows(person, [{ id: 'b2', opted_out: 0, last_inbound_at: null, n: 0 }], 'x')).toEqual([
      { id: 'b2', opted_out: false, last_inbound_at: null, n: 0 },
    ]);
  });

  it('names the query and the column when a row has another shape', () => {
    const bad = () => parseRow(person, { id: 7, opted_out: 'yes', last_inbound_at: null, n: 1 }, 'beneficiaries by id');
    expect(bad).toThrow(RowError);
    expect(bad).toThrow(/beneficiaries by id: id: .*; opted_out/);
  });
});
