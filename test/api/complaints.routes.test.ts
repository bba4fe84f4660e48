/**
 * The complaints API (issue 13), like the requests API: a paged list without the complaints' text,
 * one complaint with its details, history and compensation steps, behind a bearer token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, ConsoleClient, seedCase } from '../staff/support.js';
import { startApp, type TestApp } from '../support/app.js';

const API_TOKEN = 'api-token-0123456789-complaints';
let t: TestApp;
const refs: string[] = [];

beforeAll(async () => {
  t = await startApp({ API_TOKEN });
  refs.push(
    (
      await seedCase(t.app, t.dir, {
        kind: 'complaint',
        category: 'delay',
        committee: 'followup',
        description: 'تأخر الرد على طلبي',
      })
    ).ref,
  );
  refs.push(
    (
      await seedCase(
        t.app,
        t.dir,
        {
          kind: 'complaint',
          category: 'compensation',
          committee: 'followup',
          description: 'تلف جهازي أثناء النقل',
          data: { harm: 'تلف', amount: 900 },
        },
        { at: new Date('2026-11-30T08:00:00Z') },
      )
    ).ref,
  );
  // A compensation step recorded in the console
  await addStaff(t.app, 'boss', 'manager');
  const c = new ConsoleClient(t.url);
  await c.signIn('boss');
  await c.get(`/staff/cases/${refs[1]}`);
  await c.post(`/staff/cases/${refs[1]}/compensation`, {
    step: 'investigation',
    date: '2026-11-30',
    approvedBy: 'لجنة المتابعة',
    finding: 'not_caused',
    summary: 'لم يثبت',
  });
});

afterAll(async () => {
  await t?.close();
});

async function get(url: string, token: string | null = API_TOKEN) {
  const res = await fetch(`${t.url}${url}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/v1/complaints', () => {
  it('refuses without the token', async () => {
    expect((await get('/api/v1/complaints', null)).status).toBe(401);
    expect((await get(`/api/v1/complaints/${refs[0]}`, 'wrong-token-0123456789-xx')).status).toBe(401);
  });

  it('lists complaints newest first without their text, filtered by status', async () => {
    const { status, body } = await get('/api/v1/complaints?pageSize=10');
    expect(status).toBe(200);
    expect(body.total).toBe(2);
    const items = body.items as Record<string, unknown>[];
    expect(items.map((i) => i.ref)).toEqual([refs[1], refs[0]]);
    expect(items[0]).toMatchObject({ category: { id: 'compensation' }, compensation: true, status: 'submitted' });
    expect(JSON.stringify(body)).not.toContain('تلف جهازي');
    expect((await get('/api/v1/complaints?status=resolved')).body.total).toBe(0);
    expect((await get('/api/v1/complaints?status=nope')).status).toBe(400);
  });

  it('returns one complaint with its details, history and compensation steps', async () => {
    const { status, body } = await get(`/api/v1/complaints/${refs[1]?.toLowerCase()}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ref: refs[1], description: 'تلف جهازي أثناء النقل', data: { harm: 'تلف', amount: 900 } });
    expect((body.history as { status: string }[]).map((h) => h.status)).toEqual(['submitted']);
    expect(body.compensation).toEqual([
      expect.objectContaining({ step: 'investigation', details: expect.objectContaining({ finding: 'not_caused' }) }),
    ]);
    expect((await get('/api/v1/complaints/C-0000-0000')).status).toBe(404);
    expect((await get(`/api/v1/complaints/${refs[0]?.replace('C-', 'R-')}`)).status).toBe(404);
  });
});
