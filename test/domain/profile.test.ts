import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config.js';
import { loadProfile, type Profile, ProfileError, parseProfile } from '../../src/domain/profile.js';
import { shippedProfile, TEST_PROFILE } from '../support/profiles.js';

const SHIPPED = [
  '000-iffah-social-support',
  '001-quran-circles',
  '002-safwa-cooperative',
  '003-sidr-wild-trees',
  '004-aamen-crisis-management',
];

/** The parts of the raw JSON the tests break. */
interface RawProfile {
  requestTypes: { committee: string }[];
  faq: { question: { ar?: string; en: string } }[];
  workingHours: { start: string };
  complaintCategories: { committee: string }[];
}
const rawProfile = () => JSON.parse(readFileSync(TEST_PROFILE, 'utf8')) as RawProfile;

/** Parses a mutated copy of the test profile and returns the error message. */
function errorOf(mutate: (p: RawProfile) => void): string {
  const raw = rawProfile();
  mutate(raw);
  try {
    parseProfile(raw, 'broken.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return (e as Error).message;
  }
  throw new Error('expected the profile to be rejected');
}

describe('shipped profiles', () => {
  it.each(SHIPPED)('given %s.json, when loaded, then it passes the schema', (name) => {
    const p = loadProfile(shippedProfile(name));
    expect(p.languages).toEqual(['ar', 'en']);
    expect(p.policy?.seed.slice(0, 3)).toBe(name.slice(0, 3));
    expect(p.rating.questions.length).toBeGreaterThan(0);
  });

  it('given the default, then it is the cooperative of seed 002', () => {
    expect(loadProfile(DEFAULT_PROFILE).id).toBe('safwa_cooperative');
  });

  it('given the five associations, when loaded, then each has its own name, committees and services (R12)', () => {
    const all = SHIPPED.map((n) => loadProfile(shippedProfile(n)));
    expect(new Set(all.map((p) => p.id)).size).toBe(5);
    expect(new Set(all.map((p) => p.name.ar)).size).toBe(5);
    expect(new Set(all.map((p) => p.requestTypes.map((t) => t.id).join())).size).toBe(5);
  });

  it('given only seeds 002 and 004 speak of complaints, then only their profiles have complaint kinds (R4, R5)', () => {
    const kinds = SHIPPED.map((n) => loadProfile(shippedProfile(n)).complaintCategories.map((c) => c.id));
    expect(kinds).toEqual([[], [], ['complaint', 'technical', 'compensation'], [], ['feedback']]);
    // R4: only 002's compensation category asks for harm and amount
    const coop = loadProfile(shippedProfile('002-safwa-cooperative'));
    expect(coop.complaintCategories.filter((c) => c.compensation).map((c) => c.id)).toEqual(['compensation']);
  });
});

describe('the test profile (a composite of seeds 000, 002 and 004; test/support/profiles.ts)', () => {
  const p: Profile = loadProfile(TEST_PROFILE);

  it('offers at least four request types and 25 FAQ entries', () => {
    expect(p.requestTypes.length).toBeGreaterThanOrEqual(4);
    expect(p.faq.length).toBeGreaterThanOrEqual(25);
  });

  it('covers the R10 programmes: community support, training, volunteering, events', () => {
    expect(p.requestTypes.map((t) => t.id)).toEqual(
      expect.arrayContaining(['community_support', 'training_program', 'volunteering', 'event_participation']),
    );
  });

  it('uses every field type across its request types', () => {
    const types = new Set(p.requestTypes.flatMap((t) => t.fields.map((f) => f.type)));
    expect([...types].sort()).toEqual(['choice', 'date', 'document', 'iban', 'nationalId', 'number', 'phone', 'text']);
    for (const f of p.requestTypes.flatMap((t) => t.fields)) {
      if (f.type === 'document') expect(f.accept?.length && f.maxSizeMb).toBeTruthy();
      if (f.type === 'text') expect(f.maxLength).toBeGreaterThan(0);
    }
  });

  it('gives every eligibility question an explanation that ends on the committee deciding (R10)', () => {
    const questions = p.requestTypes.flatMap((t) => t.eligibility);
    expect(questions.length).toBeGreaterThan(0);
    for (const q of questions) {
      const lastAr =
        q.explanation.ar
          .split('.')
          .filter((s) => s.trim())
          .pop() ?? '';
      const lastEn =
        q.explanation.en
          .split('.')
          .filter((s) => s.trim())
          .pop() ?? '';
      expect(lastAr).toMatch(/لجنة/);
      expect(lastEn).toMatch(/Committee/);
    }
  });

  it('answers "not less than two weeks" (a minimum, seed 000) through the research committee (R3e)', () => {
    const research = p.committees.find((c) => c.id === 'research');
    expect(research?.deadline).toEqual({ kind: 'notBefore', days: 14, unit: 'calendar', from: 'submission' });
    expect(p.requestTypes.find((t) => t.id === 'community_support')?.committee).toBe('research');
  });

  it('has an officer for social research, educational affairs, volunteering, complaints and management (R7)', () => {
    const categories = p.officers.flatMap((o) => o.categories);
    expect(categories).toEqual(
      expect.arrayContaining(['social_research', 'educational_affairs', 'volunteering', 'complaints', 'management']),
    );
  });

  it('lists the 2026 public holidays and Saudi working hours', () => {
    expect(p.holidays).toEqual(expect.arrayContaining(['2026-02-22', '2026-09-23', '2026-03-20', '2026-05-27']));
    expect(p.workingHours).toEqual({ start: '08:00', end: '15:00' });
    expect(p.workingDays).toEqual([0, 1, 2, 3, 4]);
  });

  it('explains in its consent what is kept, why, who sees it and the rights to export and delete (R6)', () => {
    expect(p.consent.version).toBeTruthy();
    expect(p.consent.text.ar).toMatch(/نحفظ/);
    expect(p.consent.text.ar).toMatch(/يطلع/);
    expect(p.consent.text.ar).toMatch(/حذفها/);
    expect(p.consent.text.en).toMatch(/copy of your data or its deletion/);
  });

  it('grounds every FAQ entry in a seed policy, with colloquial keywords', () => {
    for (const f of p.faq) {
      expect(f.source, f.id).toMatch(/^00[0-4]_[0-9a-f]+\.txt/);
      expect(f.keywords.length, f.id).toBeGreaterThan(2);
    }
    const keywords = p.faq.flatMap((f) => f.keywords);
    expect(keywords).toEqual(expect.arrayContaining(['الدوام', 'وش الاوراق', 'كم ياخذ']));
  });
});

describe('broken profiles', () => {
  it('given a request type with an unknown committee, then the error names requestTypes.N.committee', () => {
    const msg = errorOf((p) => {
      p.requestTypes[1]!.committee = 'nowhere';
    });
    expect(msg).toContain('broken.json: requestTypes.1.committee');
    expect(msg).toContain('unknown committee "nowhere"');
  });

  it('given a FAQ entry without its Arabic question, then the error names faq.N.question.ar', () => {
    const msg = errorOf((p) => {
      delete p.faq[2]!.question.ar;
    });
    expect(msg).toContain('faq.2.question.ar');
  });

  it('given working hours as "8:00", then the error names workingHours.start', () => {
    const msg = errorOf((p) => {
      p.workingHours.start = '8:00';
    });
    expect(msg).toContain('workingHours.start');
    expect(msg).toContain('HH:MM');
  });

  it('given a complaint category routed to an unknown committee, then the error names it', () => {
    const msg = errorOf((p) => {
      p.complaintCategories[4]!.committee = 'legal';
    });
    expect(msg).toContain('complaintCategories.4.committee');
  });

  it('given a file that is not JSON, then loadProfile says so with the path', () => {
    expect(() => loadProfile(fileURLToPath(import.meta.url))).toThrow(/cannot read JSON/);
  });
});
