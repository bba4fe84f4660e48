import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/domain/profile.js';
import {
  arabicLightStem,
  createFaqIndex,
  FAQ_CONFIDENCE_THRESHOLD,
  type FaqIndex,
  POLICY_ID_PREFIX,
} from '../../src/domain/search.js';
import { shippedProfile, TEST_PROFILE } from '../support/profiles.js';

const questions = JSON.parse(readFileSync(new URL('../fixtures/faq-questions.json', import.meta.url), 'utf8')) as {
  text: string;
  faqId: string;
}[];

const top = (ix: FaqIndex, q: string) => ix.search(q, /[\u0600-\u06FF]/.test(q) ? 'ar' : 'en', 3)[0];

describe('FAQ search on the test profile', () => {
  let ix: FaqIndex;
  beforeAll(() => {
    ix = createFaqIndex(loadProfile(TEST_PROFILE));
  });

  it('given the labelled beneficiary questions, then the right entry comes first for at least 85%', () => {
    const ids = new Set(loadProfile(TEST_PROFILE).faq.map((f) => f.id));
    expect(questions.length).toBeGreaterThanOrEqual(60);
    let correct = 0;
    const misses: string[] = [];
    for (const q of questions) {
      expect(ids.has(q.faqId), `${q.faqId} is a FAQ id`).toBe(true);
      const hit = top(ix, q.text);
      if (hit?.id === q.faqId) correct++;
      else misses.push(`${q.text} → ${hit?.id ?? 'nothing'} (expected ${q.faqId})`);
    }
    const pct = (100 * correct) / questions.length;
    console.log(`FAQ top-1 accuracy: ${correct}/${questions.length} = ${pct.toFixed(1)}%`);
    if (misses.length) console.log(`misses:\n  ${misses.join('\n  ')}`);
    expect(pct).toBeGreaterThanOrEqual(85);
  });

  it.each([
    ['hamza / alef', ['ما أوقات الدوام؟', 'ما اوقات الدوام؟', 'ما إوقات الدوام', 'ما آوقات الدوام']],
    ['alef maqsura / ya', ['متى الدوام', 'متي الدوام']],
    ['ta marbuta / ha', ['ما المستندات المطلوبة لطلب المساعدة', 'ما المستندات المطلوبه لطلب المساعده']],
    ['diacritics', ['مَا المُسْتَنَدَاتُ المَطْلُوبَةُ لِطَلَبِ المُسَاعَدَةِ؟', 'ما المستندات المطلوبة لطلب المساعدة؟']],
    ['tatweel', ['المســـتندات المطلـــوبة', 'المستندات المطلوبة']],
    ['hamza on ya / waw', ['مسئول التطوع', 'مسؤول التطوع', 'مسوول التطوع']],
    ['Arabic-Indic digits', ['يوم التأسيس ٢٢ فبراير', 'يوم التأسيس 22 فبراير']],
  ])('given spelling variants (%s), then they find the same entry with the same confidence', (_kind, variants) => {
    const hits = variants.map((v) => top(ix, v));
    expect(hits[0]).toBeDefined();
    for (const h of hits) {
      expect(h?.id).toBe(hits[0]?.id);
      expect(h?.confidence).toBeCloseTo(hits[0]?.confidence ?? -1, 5);
    }
  });

  it('given Gulf colloquial questions, then they reach the right entry above the threshold', () => {
    for (const [q, id] of [
      ['متى الدوام', 'working_hours'],
      ['وش الاوراق المطلوبه', 'required_documents'],
      ['كم ياخذ الطلب لين يردون', 'response_time'],
      ['ابغى اتطوع وش اسوي', 'volunteering'],
    ] as const) {
      const hit = top(ix, q);
      expect(hit?.id, q).toBe(id);
      expect(hit?.confidence, q).toBeGreaterThanOrEqual(FAQ_CONFIDENCE_THRESHOLD);
    }
  });

  it('given an English question while the person uses Arabic, then the English index answers', () => {
    expect(ix.search('what are your working hours', 'ar', 1)[0]?.id).toBe('working_hours');
  });

  it('given questions the association cannot answer, then no hit reaches the threshold', () => {
    for (const q of ['كم سعر الدولار اليوم', 'الطقس اليوم حار', 'ابغى بيتزا', 'who won the match yesterday', 'كيف اطبخ كبسه']) {
      const hit = top(ix, q);
      expect(hit?.confidence ?? 0, q).toBeLessThan(FAQ_CONFIDENCE_THRESHOLD);
    }
  });

  it('returns hits synchronously, best first, with confidences in 0..1 and both languages', () => {
    const hits = ix.search('شروط التطوع', 'ar', 5);
    expect(Array.isArray(hits)).toBe(true);
    expect(hits.length).toBeGreaterThan(1);
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i]!;
      expect(h.confidence).toBeGreaterThanOrEqual(0);
      expect(h.confidence).toBeLessThanOrEqual(1);
      expect(h.question.ar && h.question.en && h.answer.ar && h.answer.en).toBeTruthy();
      if (i > 0) expect(h.confidence).toBeLessThanOrEqual(hits[i - 1]!.confidence);
    }
  });

  it('given a policy topic, then the policy texts are searchable too (R2)', () => {
    const hits = ix.search('مطابقة المؤهل الأكاديمي والخبرات لمتطلبات البرنامج', 'ar', 5);
    expect(hits.some((h) => h.id.startsWith(POLICY_ID_PREFIX))).toBe(true);
  });

  it('given an empty or stop-word-only query, then nothing is found', () => {
    expect(ix.search('', 'ar')).toEqual([]);
    expect(ix.search('؟؟', 'ar')).toEqual([]);
    expect(ix.search('هل من', 'ar')).toEqual([]);
  });
});

describe('FAQ search on another association (R12)', () => {
  it('given the cooperative profile (seed 002), then its own answers come back (15 working days)', () => {
    const ix = createFaqIndex(loadProfile(shippedProfile('002-safwa-cooperative')));
    const hit = top(ix, 'كم يوم ياخذ الطلب');
    expect(hit?.id).toBe('response_time');
    expect(hit?.answer.ar).toContain('\u2068١٥\u2069 يوم عمل من تاريخ اكتمال الطلب');
    expect(top(ix, 'can I claim compensation')?.id).toBe('compensation');
  });
});

describe('arabicLightStem', () => {
  it.each([
    ['الطلبات', 'طلب'],
    ['طلبي', 'طلب'],
    ['دوامكم', 'دوام'],
    ['بالدوام', 'دوام'],
    ['المساعده', 'مساعد'],
    ['التطوعيه', 'تطوع'],
    ['متطوعين', 'متطوع'],
  ])('stems %s to %s', (word, stem) => {
    expect(arabicLightStem(word)).toBe(stem);
  });
});
