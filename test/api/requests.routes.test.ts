/**
 * The requests API for the association's own systems: one request with its history and rating,
 * and a paged list filtered by status, behind a bearer token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestsRouter } from '../../src/api/requests.routes.js';
import { ChatClient } from '../support/app.js';
import { API_TOKEN, type BackOfficeApp, startBackOffice, submitVolunteering } from './helpers.js';

let dir = '';
let h: BackOfficeApp;
const refs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'requests-api-'));
  h = await startBackOffice({ dir });
  // Three requests an hour apart; the second approved, the third served.
  for (let i = 0; i < 3; i++) {
    refs.push(await submitVolunteering(new ChatClient(h.t.url)));
    h.clock.advance(1);
  }
  expect((await h.backOffice.decide({ ref: refs[1], decision: 'approved', note: 'مقبول' })).status).toBe(202);
  expect((await h.backOffice.decide({ ref: refs[2], decision: 'approved' })).status).toBe(202);
  expect((await h.backOffice.decide({ ref: refs[2], decision: 'served' })).status).toBe(202);
});

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(url: string, token: string | null = API_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.t.url}${url}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/v1/requests/:ref', () => {
  it('returns the request, its form answers and its history', async () => {
    const ref = refs[1] as string;
    const { status, body } = await get(`/api/v1/requests/${ref}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ref,
      type: { id: 'volunteering', name: { ar: expect.any(String), en: expect.any(String) } },
      status: 'approved',
      committee: { id: 'volunteering' },
      channel: 'web',
      decisionNote: 'مقبول',
      data: { national_id: '1000000008', mobile: '+966551234567' },
      rating: null,
    });
    expect((body.history as { status: string; actor: string }[]).map((e) => [e.status, e.actor])).toEqual([
      ['submitted', 'beneficiary'],
      ['approved', 'back_office'],
    ]);
    expect(new Date(String(body.dueAt)).getTime()).toBeGreaterThan(new Date(String(body.createdAt)).getTime());
  });

  it('finds a reference typed loosely, and 404s an unknown one or a complaint reference', async () => {
    expect((await get(`/api/v1/requests/${(refs[0] as string).toLowerCase()}`)).status).toBe(200);
    for (const ref of ['R-2345-6789', 'C-2345-6789', 'nothing'])
      expect(await get(`/api/v1/requests/${ref}`)).toEqual({ status: 404, body: { error: 'unknown request' } });
  });
});

describe('GET /api/v1/requests', () => {
  it('pages the requests newest first, without form answers', async () => {
    const first = await get('/api/v1/requests?pageSize=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    const items = first.body.items as Record<string, unknown>[];
    expect(items.map((i) => i.ref)).toEqual([refs[2], refs[1]]);
    expect(items[0]).not.toHaveProperty('data');
    const second = await get('/api/v1/requests?pageSize=2&page=2');
    expect((second.body.items as { ref: string }[]).map((i) => i.ref)).toEqual([refs[0]]);
    expect((await get('/api/v1/requests?page=9')).body).toMatchObject({ total: 3, items: [] });
  });

  it('filters by status', async () => {
    const served = await get('/api/v1/requests?status=served');
    expect(served.body).toMatchObject({ total: 1, items: [{ ref: refs[2], status: 'served' }] });
    expect((await get('/api/v1/requests?status=submitted')).body).toMatchObject({ total: 1, items: [{ ref: refs[0] }] });
  });

  it('answers 400 with reasons for a wrong query', async () => {
    for (const q of ['status=done', 'page=0', 'pageSize=101', 'pageSize=x', 'sort=ref']) {
      const res = await get(`/api/v1/requests?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error).toBe('invalid query');
      expect((res.body.reasons as string[]).length).toBeGreaterThan(0);
    }
  });
});

describe('authentication', () => {
  it('answers 401 without the right bearer token', async () => {
    for (const token of [null, 'wrong-token-0123456789', `${API_TOKEN}x`, '']) {
      for (const url of ['/api/v1/requests', `/api/v1/requests/${refs[0]}`]) {
        const res = await get(url, token);
        expect(res).toEqual({ status: 401, body: { error: 'missing or invalid bearer token' } });
      }
    }
    const basic = await fetch(`${h.t.url}/api/v1/requests`, { headers: { authorization: `Basic ${API_TOKEN}` } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 503 when API_TOKEN is not configured', async () => {
    const app = express();
    app.use(requestsRouter({ read: () => h.t.app.read.client(), profile: h.t.app.profile, logger: pino({ level: 'silent' }) }));
    const server = app.listen(0);
    try {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/requests/${refs[0]}`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'the requests API is not configured (API_TOKEN)' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
