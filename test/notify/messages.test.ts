/** Decision notifications and staff alerts: every decision has its text in both languages. */
import { describe, expect, it } from 'vitest';
import { decisionsOf } from '../../src/domain/case-lifecycle.js';
import { loadProfile } from '../../src/domain/profile.js';
import { Translator } from '../../src/i18n.js';
import { decisionText, lowRatingAlert, slaAlert } from '../../src/notify/messages.js';
import { caseCategory, managementOf, officerFor } from '../../src/notify/recipients.js';
import { TEST_PROFILE } from '../support/profiles.js';

const t = new Translator();
const profile = loadProfile(TEST_PROFILE);
const title = { ar: 'التطوع', en: 'Volunteering' };

describe('decision notifications', () => {
  it('exist for every decision of each kind, in Arabic and English, naming the case', () => {
    for (const kind of ['request', 'complaint'] as const)
      for (const decision of decisionsOf(kind))
        for (const lang of ['ar', 'en'] as const) {
          expect(t.has(`notify:decision.${kind}.${decision}`, lang), `${kind}.${decision} ${lang}`).toBe(true);
          const text = decisionText(t, lang, kind, decision, { ref: 'R-2345-6789', title });
          expect(text).toContain('R-2345-6789');
          expect(text).toContain(title[lang]);
        }
  });

  it('adds the committee note on its own line, without letting it nest translations', () => {
    const text = decisionText(t, 'ar', 'request', 'needs_info', {
      ref: 'R-2345-6789',
      title,
      note: 'أرسل $t(status:state.approved) {{ref}}',
    });
    const last = text.split('\n').at(-1);
    expect(last).toBe('ملاحظة الجهة المختصة: أرسل $t (status:state.approved) {{ref}}');
  });
});

describe('staff alerts and their recipients', () => {
  it('name the case, never its form data', () => {
    const c = {
      kind: 'request' as const,
      ref: 'R-2345-6789',
      title,
      committee: { ar: 'لجنة التطوع', en: 'Volunteering Committee' },
      status: 'under_review',
      dueAt: new Date('2026-12-15T07:00:00Z'),
    };
    const near = slaAlert(t, 'near', c, null, 'Asia/Riyadh');
    expect(near).toContain('R-2345-6789');
    expect(near).toContain('قيد الدراسة');
    expect(near).toContain('هـ'); // the Hijri date too
    expect(slaAlert(t, 'overdue', c, { ar: 'مسؤول التطوع', en: 'x' }, 'Asia/Riyadh')).toContain('مسؤول التطوع');
    expect(lowRatingAlert(t, 2, c)).toContain('٥');
    expect(lowRatingAlert(t, 1, null)).toContain('تقييم عام');
  });

  it('route by the officer category of the service (R7), with the staff group as fallback', () => {
    expect(caseCategory(profile, 'request', 'volunteering')).toBe('volunteering');
    expect(caseCategory(profile, 'complaint', 'delay')).toBe('complaints');
    expect(caseCategory(profile, 'request', 'no_such_type')).toBe(profile.handoff.defaultCategory);
    // The shipped profile's officers have no chat of their own: everything goes to the staff group.
    expect(officerFor(profile, 'volunteering')).toMatchObject({ recipient: 'default' });
    expect(managementOf(profile).name?.en).toBe('Executive management');
    expect(officerFor(profile, 'nobody').name).toBeNull();
  });
});
