/**
 * The decisions API as the back office meets it (DESIGN.md contract): signed per Standard Webhooks,
 * idempotent by webhook-id, plain JSON answers. Every refusal (401, 404, 400, 409, replay) leaves
 * the database as it was and sends nothing.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionsRouter, parseDecisionBody } from '../../src/api/decisions.routes.js';
import { allowedDecisions, CASE_STATUSES, decisionsOf } from '../../src/domain/case-lifecycle.js';
import type { DecisionService } from '../../src/notify/decisions.js';
import { ChatClient } from '../support/app.js';
import {
  type BackOfficeApp,
  chatHistory,
  counts,
  lastMessageId,
  SECRET,
  signedHeaders,
  startBackOffice,
  submitVolunteering,
} from './helpers.js';

let dir = '';
let h: BackOfficeApp;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'decisions-'));
  h = await startBackOffice({ dir });
});

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new person with a submitted volunteering request. */
async function submitted(): Promise<{ chat: ChatClient; ref: string }> {
  const chat = new ChatClient(h.t.url);
  const ref = await submitVolunteering(chat);
  return { chat, ref };
}

/** Asserts that `act` changes no row and sends nothing. */
async function unchanged(act: () => Promise<void>): Promise<void> {
  const before = await counts(h.t.app.db);
  await act();
  await new Promise((r) => setTimeout(r, 30));
  expect(await counts(h.t.app.db)).toEqual(before);
}

describe('POST /api/v1/decisions: accepted', () => {
  it('approves a request: status, history, receipt and the notification in one go (202)', async () => {
    const { chat, ref } = await submitted();
    const after = await lastMessageId(h.t.url, chat.session);
    const res = await h.backOffice.decide(
      { ref, decision: 'approved', note: 'يرجى الحضور يوم الأحد الساعة ٩ صباحًا' },
      { id: 'msg_approve_1' },
    );
    expect(res).toEqual({ status: 202, body: { status: 'accepted', ref, from: 'submitted', to: 'approved' } });

    const db = h.t.app.db;
    const row = await db.get<{ id: string; status: string; decision_note: string }>(
      'SELECT id, status, decision_note FROM requests WHERE ref = ?',
      [ref],
    );
    expect(row?.status).toBe('approved');
    expect(row?.decision_note).toBe('يرجى الحضور يوم الأحد الساعة ٩ صباحًا');
    const events = await db.all<{ status: string; actor: string; note: string | null }>(
      'SELECT status, actor, note FROM status_events WHERE request_id = ? ORDER BY at',
      [row?.id ?? ''],
    );
    expect(events.map((e) => [e.status, e.actor])).toEqual([
      ['submitted', 'beneficiary'],
      ['approved', 'back_office'],
    ]);
    expect(await db.get('SELECT source FROM webhook_receipts WHERE id = ?', ['msg_approve_1'])).toEqual({ source: 'decisions' });

    // The person reads it in the web chat, in Arabic, with the reference, the type and the note.
    const notified = await chatHistory(h.t.url, chat.session, after);
    expect(notified).toHaveLength(1);
    const text = notified[0]?.text ?? '';
    expect(text).toContain(ref);
    expect(text).toContain('وافقت');
    expect(text).toContain(h.t.app.profile.requestTypes.find((x) => x.id === 'volunteering')?.name.ar);
    expect(text).toContain('يرجى الحضور يوم الأحد');
    const outbox = await db.all<{ channel: string; recipient: string }>(
      "SELECT channel, recipient FROM outbox WHERE channel = 'web' AND payload LIKE ?",
      [`%وافقت%${ref}%`],
    );
    expect(outbox).toEqual([{ channel: 'web', recipient: chat.session }]);
  });

  it('serves an approved request and schedules one rating prompt after the delay', async () => {
    const { ref } = await submitted();
    expect((await h.backOffice.decide({ ref, decision: 'approved' })).status).toBe(202);
    expect((await h.backOffice.decide({ ref, decision: 'served' })).status).toBe(202);
    const prompt = await h.t.app.db.get<{ kind: string; status: string; due_at: string }>(
      'SELECT p.kind, p.status, p.due_at FROM prompts p JOIN requests r ON r.id = p.request_id WHERE r.ref = ?',
      [ref],
    );
    expect(prompt?.kind).toBe('rating');
    expect(prompt?.status).toBe('scheduled');
    const delay = h.t.app.profile.rating.delayHours * 3_600_000;
    expect(new Date(prompt?.due_at ?? '').getTime()).toBe(h.clock.now.getTime() + delay); // 10:00 in Riyadh: not quiet
  });

  it('accepts a reference typed loosely and a decidedAt, recorded as the time of the decision', async () => {
    const { ref } = await submitted();
    const decidedAt = new Date(h.clock.now.getTime() - 3_600_000).toISOString();
    const res = await h.backOffice.decide({ ref: ref.toLowerCase().replace(/-/g, ' '), decision: 'rejected', decidedAt });
    expect(res.status).toBe(202);
    const event = await h.t.app.db.get<{ at: string }>(
      "SELECT e.at FROM status_events e JOIN requests r ON r.id = e.request_id WHERE r.ref = ? AND e.status = 'rejected'",
      [ref],
    );
    expect(new Date(event?.at ?? '').toISOString()).toBe(decidedAt);
  });

  it('verifies a signature made by hand with HMAC-SHA256, as the README shows', async () => {
    const { ref } = await submitted();
    const body = JSON.stringify({ ref, decision: 'needs_info', note: 'صورة الهوية' });
    const id = 'msg_by_hand';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    const res = await fetch(`${h.t.url}/api/v1/decisions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${signature}`,
      },
      body,
    });
    expect(res.status).toBe(202);
  });

  it('applies one of two concurrent decisions on the same request, and one delivery of the same id', async () => {
    const { chat, ref } = await submitted();
    const after = await lastMessageId(h.t.url, chat.session);
    const answers = await Promise.all([
      h.backOffice.decide({ ref, decision: 'approved' }, { id: 'msg_race_a' }),
      h.backOffice.decide({ ref, decision: 'approved' }, { id: 'msg_race_b' }),
      h.backOffice.decide({ ref, decision: 'rejected' }, { id: 'msg_race_c' }),
      h.backOffice.decide({ ref, decision: 'approved' }, { id: 'msg_race_a' }),
    ]);
    expect(answers.filter((a) => a.body.status === 'accepted')).toHaveLength(1);
    // The others: refused by the new status, or msg_race_a's second delivery seen as a replay.
    for (const a of answers.filter((x) => x.body.status !== 'accepted'))
      expect(a.status === 409 || (a.status === 202 && a.body.status === 'duplicate')).toBe(true);
    expect(await chatHistory(h.t.url, chat.session, after)).toHaveLength(1);
    const events = await h.t.app.db.all(
      "SELECT e.id FROM status_events e JOIN requests r ON r.id = e.request_id WHERE r.ref = ? AND e.actor = 'back_office'",
      [ref],
    );
    expect(events).toHaveLength(1);
  });
});

describe('POST /api/v1/decisions: refused, nothing changed, nothing sent', () => {
  it('401 for a bad signature, a wrong secret or missing headers', async () => {
    const { ref } = await submitted();
    const body = JSON.stringify({ ref, decision: 'approved' });
    await unchanged(async () => {
      const tampered = { ...signedHeaders(body), 'content-type': 'application/json' };
      for (const [headers, payload] of [
        [tampered, body.replace('approved', 'rejected')],
        [{ ...signedHeaders(body, { secret: `whsec_${Buffer.from('another-secret-0123456789').toString('base64')}` }) }, body],
        [{ 'webhook-id': 'msg_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) }, body],
        [{ ...signedHeaders(body), 'webhook-signature': 'v1,AAAA' }, body],
      ] as const) {
        const res = await fetch(`${h.t.url}/api/v1/decisions`, { method: 'POST', headers, body: payload });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ error: 'invalid signature' });
      }
    });
  });

  it('401 for a stale or a future timestamp, correctly signed', async () => {
    const { ref } = await submitted();
    await unchanged(async () => {
      for (const at of [new Date(Date.now() - 6 * 60_000), new Date(Date.now() + 6 * 60_000)]) {
        const res = await h.backOffice.decide({ ref, decision: 'approved' }, { at });
        expect(res).toEqual({ status: 401, body: { error: 'timestamp outside the 5-minute tolerance' } });
      }
    });
  });

  it('202 no-op for a replayed webhook-id, even with another body', async () => {
    const { ref } = await submitted();
    expect((await h.backOffice.decide({ ref, decision: 'needs_info' }, { id: 'msg_replayed' })).status).toBe(202);
    await unchanged(async () => {
      for (const body of [{ ref, decision: 'needs_info' }, { ref, decision: 'rejected' }, { nonsense: true }])
        expect(await h.backOffice.decide(body, { id: 'msg_replayed' })).toEqual({ status: 202, body: { status: 'duplicate' } });
    });
  });

  it('404 for a well-formed reference nobody has', async () => {
    await unchanged(async () => {
      for (const ref of ['R-2345-6789', 'C-ABCD-EFGH']) {
        const decision = ref.startsWith('R') ? 'approved' : 'resolved';
        expect(await h.backOffice.decide({ ref, decision })).toEqual({ status: 404, body: { error: 'unknown ref', ref } });
      }
    });
  });

  it('400 with reasons for an invalid body', async () => {
    const { ref } = await submitted();
    const cases: [object | string, string][] = [
      ['{"ref": "R-', 'body: not valid JSON'],
      [{ ref }, 'decision:'],
      [{ ref, decision: 'maybe' }, 'decision:'],
      [{ ref, decision: 'resolved' }, 'decision: "resolved" does not apply to a request'],
      [{ ref: 'hello', decision: 'approved' }, 'ref: not a request'],
      [{ ref, decision: 'approved', note: '' }, 'note:'],
      [{ ref, decision: 'approved', note: 'x'.repeat(2001) }, 'note:'],
      [{ ref, decision: 'approved', decidedAt: 'yesterday' }, 'decidedAt:'],
      [{ ref, decision: 'approved', decidedAt: '2099-01-01T00:00:00Z' }, 'decidedAt: in the future'],
      [{ ref, decision: 'approved', status: 'approved' }, 'Unrecognized key'],
      [[ref, 'approved'], 'body:'],
    ];
    await unchanged(async () => {
      for (const [body, reason] of cases) {
        const res = await h.backOffice.decide(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error).toBe('invalid body');
        expect((res.body.reasons as string[]).join('\n'), JSON.stringify(body)).toContain(reason);
      }
    });
  });

  it('409 for a decision the current status does not allow, naming what is allowed', async () => {
    const { ref } = await submitted();
    await unchanged(async () => {
      expect(await h.backOffice.decide({ ref, decision: 'served' })).toEqual({
        status: 409,
        body: {
          error: 'decision not allowed in the current status',
          ref,
          status: 'submitted',
          decision: 'served',
          allowed: ['approved', 'rejected', 'needs_info'],
        },
      });
    });
    expect((await h.backOffice.decide({ ref, decision: 'rejected' })).status).toBe(202);
    await unchanged(async () => {
      for (const decision of ['approved', 'rejected', 'needs_info', 'served'])
        expect((await h.backOffice.decide({ ref, decision })).status).toBe(409);
    });
  });
});

describe('POST /api/v1/decisions: a body too large', () => {
  it('413 in plain JSON before anything is read', async () => {
    await unchanged(async () => {
      const res = await h.backOffice.decide({ ref: 'R-2345-6789', decision: 'approved', note: 'x'.repeat(70_000) });
      expect(res).toEqual({ status: 413, body: { error: 'body larger than 64kb' } });
    });
  });
});

describe('the decisions API without DECISIONS_SECRET', () => {
  it('answers 503 with a plain JSON error', async () => {
    const app = express();
    app.use(decisionsRouter({ decisions: {} as DecisionService, logger: pino({ level: 'silent' }) }));
    const server = app.listen(0);
    try {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/decisions`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'the decisions API is not configured (DECISIONS_SECRET)' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('allowed transitions', () => {
  it('never allows a decision that keeps the status, and final statuses allow nothing', () => {
    for (const kind of ['request', 'complaint'] as const) {
      for (const status of CASE_STATUSES[kind]) {
        const allowed = allowedDecisions(kind, status);
        expect(allowed).not.toContain(status);
        for (const d of allowed) expect(decisionsOf(kind)).toContain(d);
      }
      for (const final of ['rejected', 'closed', kind === 'request' ? 'served' : 'resolved'])
        expect(allowedDecisions(kind, final)).toEqual([]);
    }
    expect(allowedDecisions('request', 'needs_info')).toEqual(['rejected']);
    expect(allowedDecisions('request', 'no_such_status')).toEqual([]);
  });

  it('parses a complaint decision and refuses a request-only one for it', () => {
    const now = new Date('2026-12-01T07:00:00Z');
    const ok = parseDecisionBody(Buffer.from('{"ref":"c-abcd-efgh","decision":"resolved","note":"  تم التواصل  "}'), now);
    expect(ok).toEqual({ ok: true, value: { ref: 'C-ABCD-EFGH', kind: 'complaint', decision: 'resolved', note: 'تم التواصل' } });
    const bad = parseDecisionBody(Buffer.from('{"ref":"C-ABCD-EFGH","decision":"served"}'), now);
    expect(bad.ok).toBe(false);
  });
});
