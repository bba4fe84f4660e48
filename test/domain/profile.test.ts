import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProfile, type Profile, ProfileError, parseProfile } from '../../src/domain/profile.js';

const profilePath = (name: string) => fileURLToPath(new URL(`../../src/profiles/${name}.json`, import.meta.url));

/** The parts of the raw JSON the tests break. */
interface RawProfile {
  requestTypes: { committee: string }[];
  faq: { question: { ar?: string; en: string } }[];
  workingHours: { start: string };
  complaintCategories: { committee: string }[];
}
const rawProfile = (name: string) => JSON.parse(readFileSync(profilePath(name), 'utf8')) as RawProfile;

/** Parses a mutated copy of the default profile and returns the error message. */
function errorOf(mutate: (p: RawProfile) => void): string {
  const raw = rawProfile('social-support');
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
  it.each(['social-support', 'cooperative'])('given %s.json, when loaded, then it passes the schema', (name) => {
    const p = loadProfile(profilePath(name));
    expect(p.languages).toEqual(['ar', 'en']);
    expect(p.complaintCategories.map((c) => c.id)).toEqual(['service', 'staff', 'delay', 'technical', 'compensation']);
    // R4: only the compensation category asks for harm and amount
    expect(p.complaintCategories.filter((c) => c.compensation).map((c) => c.id)).toEqual(['compensation']);
    expect(p.rating.questions.length).toBeGreaterThan(0);
  });

  it('given two associations, when loaded, then they differ in committees, SLA and services (R12)', () => {
    const a = loadProfile(profilePath('social-support'));
    const b = loadProfile(profilePath('cooperative'));
    expect(a.id).not.toBe(b.id);
    expect(a.name.ar).not.toBe(b.name.ar);
    expect(a.requestTypes.map((t) => t.id)).not.toEqual(b.requestTypes.map((t) => t.id));
    expect(b.requestTypes.length).toBeGreaterThanOrEqual(2);
    expect(b.faq.length).toBeGreaterThanOrEqual(12);
  });
});

describe('default profile (social support, seed 000)', () => {
  const p: Profile = loadProfile(profilePath('social-support'));

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
