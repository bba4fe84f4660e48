/**
 * Referral to the responsible officer (R7; 002 خـ: a contact officer per beneficiary category;
 * issue 13): when a person asks for a member of staff, the handoff goes to the officer of what
 * they were doing and of who they are, as the profile says, and to the default officer only when
 * nothing is known.
 * 1. inside a complaint → the complaints officer;
 * 2. inside a request of a known type → the officer of that type's category (a volunteering
 *    request → the volunteering officer);
 * 3. a person whose category is known (a cooperative member, from the membership number in the
 *    dialogue) → the officer of that beneficiary category;
 * 4. otherwise → `handoff.defaultCategory`.
 * Pure: the caller passes the dialogue's id and its (persisted) context.
 */
import type { Profile } from './profile.js';

/** What the conversation says about the person's topic and category. */
export interface ReferralFacts {
  /** The dialogue the person was in when they asked (menu, inquiry, request, complaint, status…). */
  flowId: string | null;
  /** That dialogue's context (a persisted snapshot's `context`), read defensively. */
  context?: unknown;
  /** Beneficiary categories already known about the person (e.g. 'members'). */
  personCategories?: readonly string[];
}

/** The officer category that handles complaints in this profile, if any. */
function complaintsCategory(profile: Profile): string | null {
  const officers = profile.officers as (Profile['officers'][number] & { topics?: string[] })[];
  const byTopic = officers.find((o) => o.topics?.includes('complaint') || o.topics?.includes('complaints'));
  if (byTopic?.categories[0]) return byTopic.categories[0];
  return officers.some((o) => o.categories.includes('complaints')) ? 'complaints' : null;
}

/** The id of a profile part held in a context: the object itself or the snapshot's marker. */
function idOf(v: unknown): string | null {
  if (!v || typeof v !== 'object') return null;
  const id = (v as { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
}

/** The officer category of a beneficiary category (e.g. 'members' → the members officer). */
function categoryOfPerson(profile: Profile, personCategory: string): string | null {
  const officers = profile.officers as (Profile['officers'][number] & { beneficiaryCategories?: string[] })[];
  const byBeneficiary = officers.find((o) => o.beneficiaryCategories?.includes(personCategory));
  if (byBeneficiary?.categories[0]) return byBeneficiary.categories[0];
  return officers.some((o) => o.categories.includes(personCategory)) ? personCategory : null;
}

/**
 * Beneficiary categories the dialogue's answers reveal: a membership number, or "member" chosen as
 * the kind of applicant, makes a member of the association's general assembly.
 */
function categoriesInContext(profile: Profile, context: Record<string, unknown>): string[] {
  const membership = (profile as Profile & { membership?: { numberField?: string } }).membership;
  const field = membership?.numberField ?? 'membership_number';
  const answers = context.answers;
  if (!answers || typeof answers !== 'object') return [];
  const answerOf = (id: string) => {
    const a = (answers as Record<string, unknown>)[id];
    return a && typeof a === 'object' ? (a as { value?: unknown }).value : undefined;
  };
  const number = answerOf(field);
  if ((number !== undefined && number !== null && number !== '') || answerOf('applicant_kind') === 'member') return ['members'];
  return [];
}

/** The officer category a handoff goes to (see the file comment for the order). */
export function referralCategory(profile: Profile, facts: ReferralFacts): string {
  const ctx = facts.context && typeof facts.context === 'object' ? (facts.context as Record<string, unknown>) : {};
  if (facts.flowId === 'complaint') {
    const c = complaintsCategory(profile);
    if (c) return c;
  }
  if (facts.flowId === 'request') {
    const typeId = idOf(ctx.type) ?? (typeof ctx.typeId === 'string' ? ctx.typeId : null);
    const type = typeId ? profile.requestTypes.find((t) => t.id === typeId) : undefined;
    const person = categoriesInContext(profile, ctx);
    for (const p of person) {
      const c = categoryOfPerson(profile, p);
      if (c) return c;
    }
    if (type) return type.category;
  }
  for (const p of facts.personCategories ?? []) {
    const c = categoryOfPerson(profile, p);
    if (c) return c;
  }
  return profile.handoff.defaultCategory;
}
