/**
 * The handoff service against the real app (web chat, SQLite in a temp folder): claim, reply and
 * hand back, who may do what, and the audit trail of every action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandoffService } from '../../src/staff/handoff.service.js';
import { ChatClient, said, startApp, type TestApp } from '../support/app.js';

let t: TestApp;
let service: HandoffService;

beforeAll(async () => {
  t = await startApp({}, { dispatcher: { pollMs: 50 } });
  service = new HandoffService({ db: t.app.db, engine: t.app.engine });
});

afterAll(async () => {
  await t?.close();
});

/** A web-chat person who asked for a person; resolves with the chat and the handoff id. */
async function personInHandoff(): Promise<{ chat: ChatClient; handoffId: string }> {
  const chat = new ChatClient(t.url);
  await chat.text('السلام عليكم');
  const turn = await chat.text('أبي أكلم موظف');
  expect(said(turn)).toContain('الزملاء');
  const row = await t.app.db.get<{ id: string }>(
    "SELECT h.id FROM handoffs h JOIN beneficiaries b ON b.id = h.beneficiary_id WHERE b.platform_user_id = ? AND h.status = 'open'",
    [chat.session],
  );
  if (!row) throw new Error('no handoff');
  return { chat, handoffId: row.id };
}

async function history(chat: ChatClient): Promise<string[]> {
  const r = await fetch(`${t.url}/chat/api/messages?session=${chat.session}&after=0`);
  const body = (await r.json()) as { messages: { from: string; text: string }[] };
  return body.messages.map((m) => `${m.from}: ${m.text}`);
}

async function auditOf(handoffId: string): Promise<{ staff_id: string; action: string; details: string | null }[]> {
  return t.app.db.all('SELECT staff_id, action, details FROM staff_audit WHERE subject_id = ? ORDER BY at, action', [handoffId]);
}

describe('handoff service', () => {
  it('lets one staff member claim, reply and hand back, and audits each step', async () => {
    // Given a person waiting for staff
    const { chat, handoffId } = await personInHandoff();
    const caseId = handoffId.slice(0, 8);

    // When A claims it by its case id, then B tries to claim, reply and hand back
    const claimed = await service.claim(caseId, 'web:A100');
    expect(claimed).toMatchObject({
      ok: true,
      already: false,
      handoff: { id: handoffId, status: 'claimed', claimedBy: 'web:A100' },
    });
    expect(await service.claim(handoffId, 'web:A100')).toMatchObject({ ok: true, already: true });
    expect(await service.claim(caseId, 'tg:42')).toMatchObject({ ok: false, code: 'HANDOFF.TAKEN' });
    expect(await service.reply(caseId, 'tg:42', 'مرحبا')).toMatchObject({ ok: false, code: 'HANDOFF.TAKEN' });
    expect(await service.handBack(caseId, 'tg:42')).toMatchObject({ ok: false, code: 'HANDOFF.TAKEN' });
    const row = await t.app.db.get<{ claimed_by: string; claimed_at: string | null }>(
      'SELECT claimed_by, claimed_at FROM handoffs WHERE id = ?',
      [handoffId],
    );
    expect(row?.claimed_by).toBe('web:A100');
    expect(row?.claimed_at).toBeTruthy();

    // Then only A's words reach the person, on their channel
    expect(await service.reply(caseId, 'web:A100', '   ')).toMatchObject({ ok: false, code: 'HANDOFF.EMPTY_REPLY' });
    expect(await service.reply(caseId, 'web:A100', 'حياك الله، كيف أخدمك؟')).toMatchObject({ ok: true, claimedNow: false });
    expect((await history(chat)).at(-1)).toBe('bot: 👤 رد الموظف: حياك الله، كيف أخدمك؟');

    // The person's answer goes to staff; the bot says nothing
    const silent = await chat.text('أحتاج مساعدة في الإيجار');
    expect(silent.replies).toEqual([]);
    const messages = await service.recentMessages(caseId, 'web:A100');
    expect(messages?.map((m) => m.text)).toContain('أحتاج مساعدة في الإيجار');
    expect(await service.recentMessages(caseId, 'tg:42')).toBeNull(); // R6: only the one holding it

    // A hands back: the person gets the menu, the handoff is closed
    expect(await service.handBack(caseId, 'web:A100')).toMatchObject({ ok: true, handoff: { status: 'closed' } });
    const after = await history(chat);
    expect(after.at(-2)).toBe(`bot: ${t.app.translator.t('session:handedBack', 'ar')}`);
    expect(after.at(-1)).toBe(`bot: ${t.app.translator.t('menu:menu', 'ar')}`);
    expect(await service.reply(caseId, 'web:A100', 'مرحبا')).toMatchObject({ ok: false, code: 'HANDOFF.CLOSED' });
    expect((await chat.text('القائمة')).replies.length).toBeGreaterThan(0);

    expect((await auditOf(handoffId)).map((a) => [a.staff_id, a.action])).toEqual([
      ['web:A100', 'handoff.claim'],
      ['web:A100', 'handoff.reply'],
      ['web:A100', 'handoff.handback'],
    ]);
    // The audit keeps the length of a reply, not its words.
    expect((await auditOf(handoffId)).map((a) => a.details).join(' ')).not.toContain('حياك');
  });

  it('gives a handoff to exactly one of two staff members claiming at once', async () => {
    const { handoffId } = await personInHandoff();
    const results = await Promise.all([service.claim(handoffId, 'tg:1'), service.claim(handoffId, 'tg:2')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === 'HANDOFF.TAKEN')).toHaveLength(1);
    expect((await auditOf(handoffId)).filter((a) => a.action === 'handoff.claim')).toHaveLength(1);
  });

  it('claims an open handoff on the first reply, and refuses what it cannot find or what the person ended', async () => {
    const { chat, handoffId } = await personInHandoff();
    expect(await service.reply(handoffId, 'tg:7', 'أهلًا')).toMatchObject({ ok: true, claimedNow: true });
    expect((await auditOf(handoffId)).map((a) => a.action)).toEqual(['handoff.claim', 'handoff.reply']);

    // The person goes back to the bot themselves: the handoff closes, staff are told so.
    expect((await chat.text('القائمة')).replies.length).toBeGreaterThan(0);
    expect(await service.reply(handoffId, 'tg:7', 'هل ما زلت هنا؟')).toMatchObject({ ok: false, code: 'HANDOFF.CLOSED' });
    expect(await service.handBack(handoffId, 'tg:7')).toMatchObject({ ok: false, code: 'HANDOFF.CLOSED' });
    expect(await service.claim('deadbeef', 'tg:7')).toMatchObject({ ok: false, code: 'HANDOFF.NOT_FOUND' });
    expect(await service.claim('not a case', 'tg:7')).toMatchObject({ ok: false, code: 'HANDOFF.NOT_FOUND' });
  });
});
