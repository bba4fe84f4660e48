/**
 * Lane leases on both databases: one holder at a time, renewed while it works, taken over only
 * once expired, released for others at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseRepository, LocalLeases } from '../../src/db/lease.repository.js';
import { openTestDb, providers, type TestDb } from '../support/databases.js';

let t: TestDb | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe.each(providers)('leases on %s', (kind) => {
  it('one holder at a time; a live lease is not taken; an expired one is; released ones are free', async () => {
    t = await openTestDb(kind);
    let now = Date.parse('2026-12-01T10:00:00Z');
    const a = new LeaseRepository(t.db, 'a', () => now);
    const b = new LeaseRepository(t.db, 'b', () => now);

    expect(await a.claim('outbox:telegram:1', 10_000)).toBe(true);
    expect(await b.claim('outbox:telegram:1', 10_000)).toBe(false);
    expect(await b.claim('outbox:telegram:2', 10_000)).toBe(true); // another lane
    expect(await a.claim('outbox:telegram:1', 10_000)).toBe(true); // its own again

    now += 9_000;
    expect(await a.renew('outbox:telegram:1', 10_000)).toBe(true); // renewed while working
    now += 9_000;
    expect(await b.claim('outbox:telegram:1', 10_000)).toBe(false); // still live thanks to the renewal

    now += 2_000; // a went silent: 11 s since its last renewal
    expect(await b.claim('outbox:telegram:1', 10_000)).toBe(true);
    expect(await a.renew('outbox:telegram:1', 10_000)).toBe(false); // a learns it lost the lane

    await b.release('outbox:telegram:1');
    expect(await a.claim('outbox:telegram:1', 10_000)).toBe(true);
    await b.release('outbox:telegram:1'); // not b's: nothing happens
    expect(await b.claim('outbox:telegram:1', 10_000)).toBe(false);
  });
});

describe('local leases (SQLite: one process)', () => {
  it('one claim per key until released', async () => {
    const l = new LocalLeases();
    expect(await l.claim('k')).toBe(true);
    expect(await l.claim('k')).toBe(false);
    expect(await l.renew('k')).toBe(true);
    await l.release('k');
    expect(await l.renew('k')).toBe(false);
    expect(await l.claim('k')).toBe(true);
  });
});
