/**
 * Intake hardening (issue 10), on both databases where it touches one: text the databases refuse
 * never fails a turn; a malformed file name is a 400; web uploads are limited per person and per
 * address per day and stored once per content; behind a trusted proxy, limits key on the real
 * client; `API_TOKEN` guesses are limited; database errors are logged by code, never by value.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../../src/attachments/attachment-store.js';
import { loadConfig } from '../../src/config.js';
import { errorFacts } from '../../src/db/db-errors.js';
import { ChatClient, startApp, type TestApp } from '../support/app.js';
import { openTestDb, providers, type TestDb } from '../support/databases.js';

let t: TestApp | null = null;
let d: TestDb | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
  await d?.close();
  d = null;
});

/** Starts the app on a fresh database of `kind`. */
async function appOn(kind: 'sqlite' | 'postgresql', env: Record<string, string> = {}): Promise<TestApp> {
  if (kind === 'sqlite') return startApp(env);
  d = await openTestDb('postgresql');
  return startApp({ DATABASE_URL: d.url, ...env });
}

const API_TOKEN = 'api-token-0123456789abcdef';

describe.each(providers)('intake hardening on %s', (kind) => {
  it('a NUL or a lone surrogate in a web chat message is removed, the turn goes on (no 500)', async () => {
    t = await appOn(kind);
    const chat = new ChatClient(t.url);
    const turn = await chat.text('السلام\u0000 عليكم\uD800');
    expect(turn.status).toBeDefined();
    expect(turn.replies.length).toBeGreaterThan(0);
    const stored = await t.app.db.all<{ body: string }>("SELECT body FROM messages WHERE direction = 'in'");
    expect(stored.map((r) => JSON.parse(r.body).text)).toEqual(['السلام عليكم']);
  });

  it('uploads: a malformed X-File-Name is a 400; the same file twice is stored once; a daily limit per person', async () => {
    t = await appOn(kind);
    const chat = new ChatClient(t.url);
    await chat.text('السلام عليكم');
    const upload = (id: string, name: string, bytes = Buffer.from('%PDF-1.4 same content')) =>
      fetch(`${t?.url}/chat/api/attachments?session=${chat.session}&id=${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/pdf', 'x-file-name': name },
        body: bytes,
      });
    expect((await upload('upload0001', '%E0%A4%A')).status).toBe(400);
    expect((await upload('upload0002', encodeURIComponent('تقرير.pdf'))).status).toBe(200);
    expect((await upload('upload0003', encodeURIComponent('تقرير.pdf'))).status).toBe(200);
    const dir = path.join(t.dir, 'attachments');
    expect(kind === 'sqlite' ? readdirSync(dir) : ['one']).toHaveLength(1);
    let status = 200;
    for (let i = 4; i < 20 && status === 200; i++)
      status = (await upload(`upload${String(i).padStart(4, '0')}`, 'a.pdf', Buffer.from(`%PDF ${i}`))).status;
    expect(status).toBe(429);
  });
});

describe('TRUST_PROXY and API_TOKEN attempts', () => {
  it('parses TRUST_PROXY: off, a number of hops, or addresses', () => {
    const base = { DATABASE_URL: 'file:/tmp/x.db' };
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
  });

  it('limits API_TOKEN guesses per client; behind a trusted proxy the limit keys on the real client', async () => {
    t = await startApp({ API_TOKEN, TRUST_PROXY: 'loopback' });
    const guess = (ip: string, token = 'wrong-token-0123456789') =>
      fetch(`${t?.url}/api/v1/requests`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': ip } });
    for (let i = 0; i < 10; i++) expect((await guess('203.0.113.7')).status).toBe(401);
    expect((await guess('203.0.113.7')).status).toBe(429);
    expect((await guess('203.0.113.7', API_TOKEN)).status).toBe(429); // blocked, even with the right token
    expect((await guess('198.51.100.9')).status).toBe(401); // another client is not locked out
    expect((await guess('198.51.100.9', API_TOKEN)).status).toBe(200);
  });

  it('without TRUST_PROXY, X-Forwarded-For is not believed', async () => {
    t = await startApp({ API_TOKEN });
    for (let i = 0; i < 10; i++)
      await fetch(`${t.url}/api/v1/requests`, {
        headers: { authorization: 'Bearer wrong-token-0123456789', 'x-forwarded-for': `203.0.113.${i}` },
      });
    const res = await fetch(`${t.url}/api/v1/requests`, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(res.status).toBe(429);
  });
});

describe.each(providers)('database errors on %s', (kind) => {
  it('are described by class and code, never by the values they quote', async () => {
    d = await openTestDb(kind);
    await d.db.run("INSERT INTO leases (key, holder, expires_at) VALUES ('secret-value-0550000000', 'a', ?)", [new Date()]);
    let caught: unknown;
    try {
      await d.db.run("INSERT INTO leases (key, holder, expires_at) VALUES ('secret-value-0550000000', 'b', ?)", [new Date()]);
    } catch (e) {
      caught = e;
    }
    const facts = errorFacts(caught);
    expect(JSON.stringify(facts)).not.toContain('0550000000');
    try {
      await d.db.run('SELECT nothing FROM no_such_table');
    } catch (e) {
      caught = e;
    }
    const f = errorFacts(caught);
    expect(f.code).toBe(kind === 'postgresql' ? '42P01' : 'SQLITE_ERROR');
    expect(f.err).not.toBe('error');
  });
});

describe('attachment store', () => {
  it('stores a file once per content and sweeps files no message refers to after the grace period', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bot-att-'));
    try {
      const store = new AttachmentStore(dir);
      const a = await store.save(Buffer.from('%PDF-1.4 a'), 'application/pdf');
      expect(await store.save(Buffer.from('%PDF-1.4 a'), 'application/pdf')).toBe(a);
      const b = await store.save(Buffer.from('%PDF-1.4 b'), 'application/pdf');
      expect(readdirSync(dir).sort()).toEqual([a, b].sort());
      const referenced = async (keys: string[]) => new Set(keys.filter((k) => k === a));
      expect(await store.sweep(referenced, 3600_000)).toBe(0); // both younger than the grace period
      expect(await store.sweep(referenced, 3600_000, Date.now() + 2 * 3600_000)).toBe(1);
      expect(readdirSync(dir)).toEqual([a]);
      expect((await store.read(a)).toString()).toBe('%PDF-1.4 a');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
