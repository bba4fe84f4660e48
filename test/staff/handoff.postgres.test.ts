/**
 * The staff side on PostgreSQL (when TEST_POSTGRES_URL is set, as in CI): the guarded claim and
 * its audit row, the watcher's stamped alerts, the case-id lookup and the console's queries are
 * the provider's own SQL there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandoffService } from '../../src/staff/handoff.service.js';
import { ChatClient, startApp, type TestApp } from '../support/app.js';
import { addStaff, ConsoleClient, postgresSchema, seedCases, watcherOf } from './support.js';

const url = process.env.TEST_POSTGRES_URL;
let t: TestApp | null = null;
let drop: (() => Promise<void>) | null = null;
const now = new Date('2026-11-29T07:00:00Z'); // Sunday 10:00 in Riyadh

beforeAll(async () => {
  if (!url) return;
  const schema = await postgresSchema(url);
  drop = schema.drop;
  t = await startApp({ DATABASE_URL: schema.url }, { clock: () => now, dispatcher: { pollMs: 50 } });
  await addStaff(t.app, 'e9001', 'manager');
});

afterAll(async () => {
  await t?.close();
  await drop?.();
});

describe.skipIf(!url)('staff side on PostgreSQL', () => {
  it('claims once under a race, replies, re-alerts and escalates once, lists and hands back', async () => {
    if (!t) throw new Error('no app');
    const { app } = t;
    expect(app.db.kind).toBe('postgresql');
    const person = new ChatClient(t.url);
    await person.text('أبي أكلم موظف');
    const id = String((await app.db.get<{ id: string }>('SELECT id FROM handoffs'))?.id);
    const caseId = id.slice(0, 8);

    // The watcher: once each
    const watcher = watcherOf(app);
    expect(await watcher.runOnce(new Date(now.getTime() + 15 * 60_000))).toEqual({ realerted: 1, escalated: 0 });
    expect(await watcher.runOnce(new Date(now.getTime() + 16 * 60_000))).toEqual({ realerted: 0, escalated: 0 });
    const [a, b] = await Promise.all([
      watcher.runOnce(new Date(now.getTime() + 60 * 60_000)),
      watcherOf(app).runOnce(new Date(now.getTime() + 60 * 60_000 + 1)),
    ]);
    expect((a?.escalated ?? 0) + (b?.escalated ?? 0)).toBe(1);
    const staffRows = await app.db.all<{ payload: string }>("SELECT payload FROM outbox WHERE channel = 'staff' ORDER BY id");
    expect(staffRows.filter((r) => r.payload.includes(id))).toHaveLength(3);

    // Two claims at once: one wins, one audit row
    const service = new HandoffService({ db: app.db, engine: app.engine, clock: () => now });
    const claims = await Promise.all([service.claim(caseId, 'tg:1'), service.claim(caseId, 'web:E1')]);
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
    const winner = claims.find((c) => c.ok)?.handoff?.claimedBy ?? '';
    expect(
      Number((await app.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM staff_audit WHERE action = 'handoff.claim'"))?.n),
    ).toBe(1);
    expect(await service.reply(caseId, winner, 'حياك الله')).toMatchObject({ ok: true });

    // The console's pages read on PostgreSQL
    await seedCases(app, { scores: [5, 4, 1] });
    const c = new ConsoleClient(t.url);
    expect((await c.signIn('e9001')).html).toContain(`data-case="${caseId}" data-status="claimed"`);
    expect((await c.get('/staff/requests?status=under_review')).html).toContain('1*******08');
    expect((await c.get('/staff/complaints')).html).toContain('C-');
    expect((await c.get('/staff/satisfaction?lang=en')).html).toMatch(/id="fig-csat">.*66\.7%</);

    expect(await service.handBack(caseId, winner)).toMatchObject({ ok: true, handoff: { status: 'closed' } });
    expect((await app.db.get<{ mode: string }>('SELECT mode FROM conversations'))?.mode).toBe('bot');
  });
});
