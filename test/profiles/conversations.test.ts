/**
 * Issue 12 acceptance: each of the five shipped profiles through the web chat — a full request,
 * its status, a complaint where the policy has a complaint procedure (002, 004) and a rating of
 * the served request — checked against that seed's own wording of the committee and the answer
 * time (R3e, R5, R8, R12). Also: the policy version is recorded on each case (R11), and where the
 * policy has no complaint procedure the menu offers none and a complaint goes to a person.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestType } from '../../src/domain/profile.js';
import { type BackOfficeApp, startBackOffice } from '../api/helpers.js';
import { ChatClient, choicesOf, said } from '../support/app.js';
import { shippedProfile } from '../support/profiles.js';
import { dayCounts, foldSpace, readSeed } from './seed-text.js';

interface Expectation {
  file: string;
  seed: string;
  /** The request type the conversation files. */
  type: string;
  /** The committee as the bot names it to the person. */
  committee: string;
  /** The seed's own words for it (001: «للجهات المختصة», "to the competent bodies"). */
  committeeInSeed?: string;
  /** The answer time as the seed words it. */
  deadline: { kind: 'notBefore' | 'within' | 'none'; words: string | null; days: number | null };
  /** The complaint kind to file and its committee's words, where the policy has a complaint procedure. */
  complaint: { category: string; committee: string } | null;
}

const CASES: Expectation[] = [
  {
    file: '000-iffah-social-support',
    seed: '000_9282cfedb969e970.txt',
    type: 'support_request',
    committee: 'لجنة البحث',
    deadline: { kind: 'notBefore', words: 'خلال مدة لا تقل عن أسبوعين', days: 14 },
    complaint: null,
  },
  {
    file: '001-quran-circles',
    seed: '001_d7b332b7368db44e.txt',
    type: 'open_circle',
    committee: 'الجهات المختصة',
    committeeInSeed: 'للجهات المختصة',
    deadline: { kind: 'notBefore', words: 'خلال مدة لا تقل عن أسبوعين', days: 14 },
    complaint: null,
  },
  {
    file: '002-safwa-cooperative',
    seed: '002_fbb7a98c7a3d888f.txt',
    type: 'service_request',
    committee: 'اللجنة المختصة',
    deadline: { kind: 'within', words: 'لا تتجاوز (15) يوم عمل من تاريخ اكتمال الطلب', days: 15 },
    complaint: { category: 'complaint', committee: 'لجنة المتابعة' },
  },
  {
    file: '003-sidr-wild-trees',
    seed: '003_ec2d4234e489e4b9.txt',
    type: 'member_service',
    committee: 'لجنة البحث',
    deadline: { kind: 'notBefore', words: 'خلال مدة لا تقل عن أسبوعين', days: 14 },
    complaint: null,
  },
  {
    file: '004-aamen-crisis-management',
    seed: '004_164a87ec3e02182d.txt',
    type: 'volunteering',
    committee: 'جمعية آمن',
    deadline: { kind: 'none', words: null, days: null },
    complaint: { category: 'feedback', committee: 'جمعية آمن' },
  },
];

const DAY = 86_400_000;
let h: BackOfficeApp | null = null;
let dir = '';
afterEach(async () => {
  await h?.close();
  h = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A valid answer for a field of the form. */
async function answer(chat: ChatClient, field: RequestType['fields'][number]) {
  switch (field.type) {
    case 'nationalId':
      return chat.text('1000000008');
    case 'phone':
      return chat.text('0551234567');
    case 'choice':
      return chat.text('1');
    case 'number':
      return chat.text(String(field.min ?? 1));
    case 'date':
      return chat.text('1990-05-01');
    case 'iban':
      return chat.text('SA0380000000608010167519');
    case 'document':
      return chat.choose('skip');
    default:
      return chat.text(field.id === 'membership_number' ? '4711' : 'أرجو دراسة طلبي وإفادتي');
  }
}

describe.each(CASES)('$file through the web chat', (x) => {
  it('the seed words the committee and the answer time as the test expects', () => {
    const seed = foldSpace(readSeed(x.seed));
    expect(seed).toContain(x.committeeInSeed ?? x.committee);
    if (x.deadline.words) expect(seed).toContain(x.deadline.words);
    else expect(dayCounts(seed)).toEqual([]); // 004: no answer time anywhere in the policy
  });

  it('request, status, complaint where the policy has one, and rating of the served request', async () => {
    dir = mkdtempSync(path.join(tmpdir(), `profile-${x.file}-`));
    h = await startBackOffice({ dir, env: { ORG_PROFILE: shippedProfile(x.file) } });
    const { t, backOffice, clock } = h;
    const profile = t.app.profile;
    const type = profile.requestTypes.find((r) => r.id === x.type) as RequestType;
    const committee = profile.committees.find((c) => c.id === type.committee);
    expect(committee?.name.ar).toBe(x.committee);
    expect(committee?.deadline.kind).toBe(x.deadline.kind);

    const chat = new ChatClient(t.url);
    const hello = await chat.text('مرحبا');
    expect(said(hello)).toContain(profile.name.ar);
    expect(choicesOf(hello).includes('complaint')).toBe(x.complaint !== null);

    // An inquiry about the answer time gets the profile's quoted answer.
    const asked = await chat.text('كم ياخذ الطلب وقت لين يردون؟');
    const faq = profile.faq.find((f) => f.id === 'response_time');
    expect(said(asked)).toContain(faq?.answer.ar);
    if (x.deadline.words === null) expect(faq?.answer.ar).toContain('لا تحدد سياسة الجمعية مدة');
    await chat.text('القائمة');

    // The request: consent, type, eligibility (the eligible answer), every field, summary, attestation.
    await chat.choose('request');
    let turn = await chat.choose('accept');
    if (choicesOf(turn).includes(`type:${x.type}`)) turn = await chat.choose(`type:${x.type}`);
    for (const q of type.eligibility) turn = await chat.choose(q.ineligibleIf === 'no' ? 'yes' : 'no');
    for (const f of type.fields) turn = await answer(chat, f);
    expect(choicesOf(turn)).toContain('confirm');
    await chat.choose('confirm');
    const done = await chat.choose('agree');
    const text = said(done);
    const ref = text.match(/R-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] as string;
    expect(ref).toBeTruthy();
    expect(text).toContain(x.committee);
    const row = await t.app.db.get<{ created_at: unknown; due_at: unknown; policy_version: string }>(
      'SELECT created_at, due_at, policy_version FROM requests WHERE ref = ?',
      [ref],
    );
    expect(row?.policy_version).toBe(`${profile.id}@${profile.version}`); // R11
    const due = row?.due_at ? new Date(row.due_at as string) : null;
    if (x.deadline.kind === 'none') {
      expect(due).toBeNull();
      expect(text).not.toMatch(/هـ/); // no date stated
    } else {
      expect(text).toMatch(/هـ/); // the date, with its Hijri form
      expect(due).not.toBeNull();
    }
    if (x.deadline.kind === 'notBefore') {
      const created = new Date(row?.created_at as string);
      expect(Math.round(((due as Date).getTime() - created.getTime()) / DAY)).toBe(14);
    }
    if (x.deadline.kind === 'within') expect(text).toContain('\u2068١٥\u2069 يوم عمل من اكتمال طلبك');

    // Its status names the same committee.
    await chat.text('القائمة');
    const list = await chat.choose('status');
    expect(choicesOf(list)).toContain(`case:${ref}`);
    const status = await chat.choose(`case:${ref}`);
    expect(said(status)).toContain(x.committee);

    // A complaint, where the policy has a complaint procedure; otherwise a person hears it.
    await chat.text('القائمة');
    if (x.complaint) {
      await chat.choose('complaint');
      await chat.choose(`cat:${x.complaint.category}`);
      turn = await chat.text('تأخر الرد على استفساري عبر الهاتف ولم يتواصل معي أحد');
      if (choicesOf(turn).includes('skip')) turn = await chat.choose('skip');
      const filed = await chat.choose('confirm');
      expect(said(filed)).toMatch(/C-[A-Z0-9]{4}-[A-Z0-9]{4}/);
      expect(said(filed)).toContain(x.complaint.committee);
      expect(said(filed)).not.toMatch(/هـ/); // no policy states a time for complaints
      const c = await t.app.db.get<{ committee: string; policy_version: string }>(
        'SELECT committee, policy_version FROM complaints',
      );
      expect(c?.policy_version).toBe(`${profile.id}@${profile.version}`);
    } else {
      await chat.text('عندي شكوى على تعامل الموظف');
      const open = await t.app.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM handoffs WHERE status = 'open'");
      expect(Number(open?.n)).toBe(1);
      expect(await t.app.db.all('SELECT id FROM complaints')).toEqual([]);
      await chat.text('القائمة');
    }

    // Approved and served by the back office, then rated from the menu (R8).
    clock.advance(1);
    expect((await backOffice.decide({ ref, decision: 'approved' })).status).toBe(202);
    clock.advance(1);
    expect((await backOffice.decide({ ref, decision: 'served' })).status).toBe(202);
    turn = await chat.choose('rating');
    if (choicesOf(turn).includes(`case:${ref}`)) turn = await chat.choose(`case:${ref}`);
    expect(choicesOf(turn)).toEqual(['1', '2', '3', '4', '5']);
    turn = await chat.text('٥');
    await chat.choose('skip');
    const rating = await t.app.db.get<{ score: number; ref: string }>(
      'SELECT x.score, r.ref FROM ratings x JOIN requests r ON r.id = x.request_id',
    );
    expect(rating).toEqual({ score: 5, ref });
  });
});
