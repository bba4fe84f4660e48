/**
 * Issue 12 (R11, R12): nothing invented. Every shipped profile comes from one seed policy; each
 * quote it carries is found verbatim (up to white space) in that seed, every part that speaks to a
 * beneficiary carries quotes, and no profile text states a number of days its quotes do not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COPIED_SEEDS_DIR,
  dayCounts,
  foldSpace,
  quotesOf,
  readSeed,
  SEEDS_DIR,
  SHARED_SEEDS_DIR,
  shippedProfiles,
  statementsOf,
} from './seed-text.js';

const profiles = shippedProfiles();

describe('the seeds folder', () => {
  it('is found (../shared/seeds, or its committed copy)', () => {
    // Fails with the path it looked in, rather than passing vacuously.
    expect(() => readSeed('README.md'), SEEDS_DIR).not.toThrow();
  });
  it.skipIf(!existsSync(SHARED_SEEDS_DIR))('has a committed copy identical to ../shared/seeds', () => {
    const files = readdirSync(SHARED_SEEDS_DIR).sort();
    expect(readdirSync(COPIED_SEEDS_DIR).sort()).toEqual(files);
    for (const f of files)
      expect(readFileSync(path.join(COPIED_SEEDS_DIR, f), 'utf8'), f).toBe(readFileSync(path.join(SHARED_SEEDS_DIR, f), 'utf8'));
  });
});

describe('shipped profiles and their seeds', () => {
  it('ships one profile per seed policy, 000 to 004', () => {
    const seeds = profiles.map((p) => p.json.policy?.seed?.slice(0, 3));
    expect(seeds).toEqual(['000', '001', '002', '003', '004']);
  });
});

describe.each(profiles)('$file', ({ json }) => {
  const seedFile = json.policy?.seed ?? '';
  const seed = () => foldSpace(readSeed(seedFile));

  it('finds every quote verbatim in its seed', () => {
    const text = seed();
    const missing = quotesOf(json)
      .filter((q) => !text.includes(foldSpace(q.quote)))
      .map((q) => `${q.where}: «${q.quote}»`);
    expect(missing, `quotes not found in ${seedFile}`).toEqual([]);
  });

  it('quotes the policy for every committee, officer, service, answer, policy text, complaint kind and the name', () => {
    const p = json as Record<string, { quotes?: unknown; supply?: boolean; eligibility?: { quotes?: unknown }[] }[]> & {
      policy: { nameQuotes?: unknown };
      rating: { quotes?: unknown };
    };
    const unquoted: string[] = [];
    for (const list of ['committees', 'officers', 'requestTypes', 'faq', 'policies', 'complaintCategories'] as const)
      (p[list] ?? []).forEach((x, i) => {
        if (!x.supply && !Array.isArray(x.quotes)) unquoted.push(`${list}.${i}`);
        x.eligibility?.forEach((q, j) => {
          if (!Array.isArray(q.quotes)) unquoted.push(`${list}.${i}.eligibility.${j}`);
        });
      });
    if (!Array.isArray(p.policy.nameQuotes)) unquoted.push('policy.nameQuotes');
    if (!Array.isArray(p.rating.quotes)) unquoted.push('rating.quotes');
    expect(unquoted).toEqual([]);
  });

  it('states no number of days that its quotes do not state (R3e)', () => {
    const allowed = new Set(quotesOf(json).flatMap((q) => dayCounts(q.quote)));
    const invented = statementsOf(json)
      .filter((s) => s.where !== 'holidays' && !s.where.startsWith('holidays.'))
      .flatMap((s) =>
        dayCounts(s.text)
          .filter((d) => !allowed.has(d))
          .map((d) => `${s.where}: ${d} days in «${s.text}»`),
      );
    const committees = (json.committees ?? []) as { id: string; deadline?: { days?: number } }[];
    for (const c of committees)
      if (c.deadline?.days !== undefined && !allowed.has(c.deadline.days))
        invented.push(`committee ${c.id}: deadline of ${c.deadline.days} days`);
    expect(invented).toEqual([]);
  });

  it('records each corrected typo where the policy has it, and uses the correction in the name', () => {
    const policy = json.policy as { nameQuotes?: string[]; corrections?: { wrong: string; right: string }[] };
    const name = (json.name as { ar: string }).ar;
    for (const c of policy.corrections ?? []) {
      expect(policy.nameQuotes?.some((q) => q.includes(c.wrong))).toBe(true);
      expect(name).toContain(c.right);
      expect(name).not.toContain(c.wrong);
    }
  });
});

describe('dayCounts (the days test reads these forms)', () => {
  it.each([
    ['خلال 5 أيام عمل', [5]],
    ['بمدة لا تتجاوز (15) يوم عمل', [15]],
    ['خلال \u2068١٠\u2069 أيام عمل', [10]],
    ['خلال خمسة أيام', [5]],
    ['within 10 working days', [10]],
    ['within five days', [5]],
    ['خلال مدة لا تقل عن أسبوعين', [14]],
    ['no sooner than two weeks', [14]],
    ['خلال شهر', [30]],
    ['يتابع الطلب ويشعرك بالنتيجة', []],
  ])('«%s» → %j', (text, days) => {
    expect(dayCounts(text)).toEqual(days);
  });

  it('given the old composite answer «خلال 5 أيام عمل» against seed 000, then it is caught', () => {
    const seed000 = shippedProfiles().find((p) => p.json.policy?.seed?.startsWith('000'));
    const allowed = new Set(quotesOf(seed000?.json).flatMap((q) => dayCounts(q.quote)));
    expect(dayCounts('تعالجها خلال 5 أيام عمل على الأكثر').filter((d) => !allowed.has(d))).toEqual([5]);
  });
});
