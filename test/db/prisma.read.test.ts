/**
 * The read side: Prisma Client, generated for both providers, reads what the lean SQL path wrote,
 * on SQLite and (with TEST_POSTGRES_URL) on PostgreSQL in a schema of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPerson } from '../../src/db/beneficiaries.repository.js';
import { createRequest, statusEvent } from '../../src/db/cases.repository.js';
import { type Db, openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openReadClient, type ReadClient, schemaOf } from '../../src/db/prisma.js';
import { createRating } from '../../src/db/ratings.repository.js';
import { findRequest, listRequests } from '../../src/db/requests.read.js';

const PG = process.env.TEST_POSTGRES_URL;

describe('schemaOf', () => {
  it('reads the schema from ?schema= or from options=-c search_path=', () => {
    expect(schemaOf('postgresql://u@h/db?schema=abc')).toBe('abc');
    expect(schemaOf('postgresql://u@h/db?options=-c%20search_path%3Dbo_1')).toBe('bo_1');
    expect(schemaOf('postgresql://u@h/db')).toBeUndefined();
  });
});

for (const provider of ['sqlite', 'postgresql'] as const) {
  describe.skipIf(provider === 'postgresql' && !PG)(`Prisma read side on ${provider}`, () => {
    let db: Db;
    let read: ReadClient;
    let cleanup: () => Promise<void>;
    const base = new Date('2026-11-01T09:00:00.000Z');
    const at = (minutes: number) => new Date(base.getTime() + minutes * 60_000);

    beforeAll(async () => {
      let url: string;
      if (provider === 'sqlite') {
        const dir = mkdtempSync(path.join(tmpdir(), 'prisma-read-'));
        url = `file:${path.join(dir, 'bot.db')}`;
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      } else {
        const name = `prisma_${process.pid}_${Date.now()}`;
        const admin = new pg.Client({ connectionString: PG });
        await admin.connect();
        await admin.query(`CREATE SCHEMA ${name}`);
        await admin.end();
        url = `${PG}${PG?.includes('?') ? '&' : '?'}options=-c%20search_path%3D${name}`;
        cleanup = async () => {
          const c = new pg.Client({ connectionString: PG });
          await c.connect();
          await c.query(`DROP SCHEMA ${name} CASCADE`);
          await c.end();
        };
      }
      db = openDatabase(url);
      await migrate(db);
      // Given three requests written by the turn's SQL path, one of them decided and rated.
      await db.batch([insertPerson({ id: 'b1', channel: 'web', userId: 'session-1', lang: 'ar' }, at(0))]);
      for (const [i, ref] of ['R-AAAA-0001', 'R-AAAA-0002', 'R-AAAA-0003'].entries())
        await db.batch(
          createRequest(
            {
              ref,
              beneficiaryId: 'b1',
              typeId: 'volunteering',
              channel: 'web',
              committee: 'social',
              data: { name: 'سارة', i },
              eligibility: null,
              deadline: { kind: 'within', days: 15, unit: 'working', from: 'completion' },
              dueAt: at(60 * 24 * 14),
              attestation: { language: 'ar', text: 'أقر بصحة البيانات', acceptedAt: at(i) },
            },
            at(i),
          ),
        );
      await db.batch([
        { sql: "UPDATE requests SET status = 'served' WHERE ref = ?", params: ['R-AAAA-0002'] },
        statusEvent('request', 'R-AAAA-0002', 'served', 'تم التسليم', 'back-office', at(10)),
        createRating({ beneficiaryId: 'b1', target: { kind: 'request', ref: 'R-AAAA-0002' }, score: 5, comment: 'شكرا' }, at(20)),
      ]);
      read = await openReadClient(url);
    });

    afterAll(async () => {
      await read?.$disconnect();
      await db?.close();
      await cleanup?.();
    });

    it('lists a page of requests, newest first, with the total, and filters by status', async () => {
      const page1 = await listRequests(read, { page: 1, pageSize: 2 });
      expect(page1.total).toBe(3);
      expect(page1.items.map((r) => r.ref)).toEqual(['R-AAAA-0003', 'R-AAAA-0002']);
      expect(page1.items[0]?.createdAt).toEqual(at(2));
      expect(page1.items[0]?.dueAt).toEqual(at(60 * 24 * 14));
      expect(page1.items[0]).not.toHaveProperty('data'); // R6: no form answers in bulk
      const page2 = await listRequests(read, { page: 2, pageSize: 2 });
      expect(page2.items.map((r) => r.ref)).toEqual(['R-AAAA-0001']);
      const served = await listRequests(read, { status: 'served', page: 1, pageSize: 20 });
      expect(served).toMatchObject({ total: 1, items: [{ ref: 'R-AAAA-0002', status: 'served' }] });
    });

    it('reads one request with its form answers, its history in order and its rating', async () => {
      const r = await findRequest(read, 'R-AAAA-0002');
      expect(r).toMatchObject({ ref: 'R-AAAA-0002', status: 'served', typeId: 'volunteering' });
      expect(JSON.parse(r?.data ?? '{}')).toEqual({ name: 'سارة', i: 1 });
      expect(r?.events.map((e) => [e.status, e.actor, e.at])).toEqual([
        ['submitted', 'beneficiary', at(1)],
        ['served', 'back-office', at(10)],
      ]);
      expect(r?.ratings).toEqual([{ score: 5, comment: 'شكرا', createdAt: at(20) }]);
      expect(await findRequest(read, 'R-ZZZZ-9999')).toBeNull();
    });
  });
}
