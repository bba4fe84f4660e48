/**
 * The association profile: everything that differs between associations (R11, R12), validated at
 * start-up. One JSON file per association under `src/profiles/`; `ORG_PROFILE` picks one.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { deadlineSchema } from './deadline.js';

const localText = z.object({ ar: z.string().min(1), en: z.string().min(1) }).strict();
const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lowercase id: letters, digits, underscore');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time as HH:MM');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date as YYYY-MM-DD');

/**
 * Issue 12: the passages of the association's own policy (its seed file, verbatim) that support
 * what a part of the profile tells a beneficiary. test/profiles/quotes.test.ts finds each one in
 * the seed; a statement the policy does not support has no place in the profile.
 */
const quotes = z.array(z.string().min(1)).min(1);

/** Content the association must supply itself (its policy does not say it); listed, never made up. */
const supplyItem = z.object({ id, what: localText }).strict();

/** The policy document behind the profile (R11): its seed, approval by the board and review. */
const policyDocument = z
  .object({
    /** The seed file under shared/seeds, e.g. `002_fbb7a98c7a3d888f.txt`. */
    seed: z.string().regex(/^\d{3}_[0-9a-f]{16}\.txt$/, 'a seed file name such as 000_9282cfedb969e970.txt'),
    /** Where the policy names the association (supports `name`). */
    nameQuotes: quotes.optional(),
    /** An obvious typo of the policy corrected in the profile, and where. */
    corrections: z
      .array(z.object({ wrong: z.string().min(1), right: z.string().min(1), where: z.string().min(1) }).strict())
      .default([]),
    /** Approval by the board: the session as the policy names it and its date. */
    approval: z
      .object({ session: z.string().min(1).optional(), date: isoDate, quotes })
      .strict()
      .optional(),
    /** How often the policy is reviewed: yearly, or "continuously" without a period. */
    review: z
      .object({ every: z.enum(['year', 'continuously']), by: localText.optional(), quotes })
      .strict()
      .optional(),
  })
  .strict();

/**
 * R3e: a committee and its answer time exactly as its policy words it (none, not before N days,
 * within N working/calendar days, from submission or from completion: src/domain/deadline.ts).
 * `remindAfterWorkingDays` reminds the officer of a case still waiting that long: an internal
 * setting, never stated to the person and never a deadline.
 */
const committee = z
  .object({
    id,
    name: localText,
    deadline: deadlineSchema,
    remindAfterWorkingDays: z.number().int().positive().optional(),
    /** Issue 12: the policy's words for this committee and its answer time. */
    quotes: quotes.optional(),
  })
  .strict();

const option = z.object({ id, label: localText }).strict();

/** A field of a request form; `type` selects the validator (src/domain/validators.ts). */
const field = z
  .object({
    id,
    label: localText,
    type: z.enum(['nationalId', 'phone', 'iban', 'date', 'number', 'choice', 'text', 'document', 'fullName']),
    /** A date that describes the past (a birth date): a future date is refused. */
    past: z.boolean().optional(),
    required: z.boolean().default(true),
    options: z.array(option).min(2).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    maxLength: z.number().int().positive().optional(),
    /** Documents: accepted kinds and the size limit. */
    accept: z.array(z.enum(['image', 'pdf'])).optional(),
    maxSizeMb: z.number().positive().optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === 'choice' && !f.options)
      ctx.addIssue({ code: 'custom', message: 'a choice field needs options', path: ['options'] });
  });

/** R10: an eligibility pre-check; the committee decides. */
const eligibilityQuestion = z
  .object({
    id,
    question: localText,
    /** The answer that makes someone ineligible. */
    ineligibleIf: z.enum(['yes', 'no']),
    explanation: localText,
    quotes: quotes.optional(),
  })
  .strict();

const requestType = z
  .object({
    id,
    name: localText,
    description: localText,
    committee: id,
    /** Officer category for handoffs (R7). */
    category: id,
    /** Every request of this type is reviewed by an officer with the person (handoff). */
    officerReview: z.boolean().default(false),
    fields: z.array(field).min(1),
    eligibility: z.array(eligibilityQuestion).default([]),
    /** Issue 12: what the policy says of this service (name, description, committee). */
    quotes: quotes.optional(),
    /** Members only (membership.number is checked by staff), see `membership`. */
    membersOnly: z.boolean().default(false),
  })
  .strict();

const faq = z
  .object({
    id,
    question: localText,
    /** Absent when `supply` is set: the association has not supplied the answer yet. */
    answer: localText.optional(),
    /** Extra words people use for this topic, to help the search. */
    keywords: z.array(z.string()).default([]),
    /** Where the answer comes from (seed file and section), R2. */
    source: z.string().optional(),
    /** Issue 12: the policy's words behind the answer. */
    quotes: quotes.optional(),
    /** The policy does not answer this: the association supplies the answer; until then it is not offered. */
    supply: z.boolean().default(false),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (!f.supply && !f.answer)
      ctx.addIssue({
        code: 'custom',
        path: ['answer'],
        message: 'an answer, or "supply": true when the association must supply it',
      });
    if (f.supply && f.answer)
      ctx.addIssue({ code: 'custom', path: ['answer'], message: 'an entry marked "supply" has no answer yet' });
  });

const complaintCategory = z
  .object({
    id,
    name: localText,
    committee: id,
    /** R4: a compensation claim asks what happened, the harm and the amount. */
    compensation: z.boolean().default(false),
    quotes: quotes.optional(),
  })
  .strict();

const officer = z
  .object({
    id,
    name: localText,
    categories: z.array(id).min(1),
    /** R7 (002): a contact officer per beneficiary category (members, beneficiaries...) ... */
    beneficiaryCategories: z.array(id).default([]),
    /** ... and per topic or domain of the association (educational affairs, social research...). */
    topics: z.array(id).default([]),
    /** Branches this officer supervises (001: «مشرفي المكاتب الفرعية»). */
    branches: z.array(id).default([]),
    telegramChatId: z.string().optional(),
    quotes: quotes.optional(),
  })
  .strict();

/** A branch office (001: «المكاتب الفرعية»); its supervisor is the officer that lists it. */
const branch = z.object({ id, name: localText, quotes: quotes.optional() }).strict();

/**
 * Where the policy serves members (002: members of the general assembly and beneficiaries; 003:
 * general-assembly members only): the form asks the membership number, staff check it, and the
 * case carries its status.
 */
const membership = z
  .object({
    /** Who the members are, in the policy's words. */
    who: localText,
    /** The request field that carries the membership number. */
    numberField: id.default('membership_number'),
    quotes,
  })
  .strict();

/**
 * 002: «سيتم موافاته بالجديد على الوسيلة المتفق عليها للتواصل معه» — the person says how to be
 * told of news; the request form's choice field `field` records it.
 */
const contactChannel = z.object({ field: id.default('contact_channel'), quotes }).strict();

const profileShape = z
  .object({
    id,
    /** R11: the profile is versioned data approved by the board. */
    version: z.string().min(1),
    kind: z.string().min(1),
    name: localText,
    languages: z.array(z.enum(['ar', 'en'])).min(1),
    timezone: z.string().default('Asia/Riyadh'),
    /** Working days as JS weekday numbers; Saudi week Sunday (0) to Thursday (4). */
    workingDays: z.array(z.number().int().min(0).max(6)).default([0, 1, 2, 3, 4]),
    holidays: z.array(isoDate).default([]),
    /** Absent when the policy does not state them: the association supplies them (issue 12). */
    workingHours: z.object({ start: hhmm, end: hhmm }).strict().optional(),
    /** A person returning after this many hours is offered to continue or start over (R3a). */
    resumeAfterHours: z.number().positive().default(24),
    /** Issue 11: an unfinished request or complaint is kept this many days, then the person is told it expired. */
    draftExpiryDays: z.number().positive().default(7),
    consent: z.object({ version: z.string().min(1), text: localText, quotes: quotes.optional() }).strict(),
    /** Issue 12: the policy behind this profile (seed, board approval, review). */
    policy: policyDocument.optional(),
    /** Issue 12: content the association must still supply (its policy does not say it). */
    supply: z.array(supplyItem).default([]),
    branches: z.array(branch).default([]),
    membership: membership.optional(),
    contactChannel: contactChannel.optional(),
    committees: z.array(committee).min(1),
    officers: z.array(officer).min(1),
    requestTypes: z.array(requestType).min(1),
    faq: z.array(faq).min(1),
    /** Policy texts (R2), searchable like the FAQ. */
    policies: z.array(z.object({ id, title: localText, text: localText, quotes: quotes.optional() }).strict()).default([]),
    /** Empty when the policy has no complaint procedure (seeds 000, 001, 003). */
    complaintCategories: z.array(complaintCategory).default([]),
    rating: z
      .object({
        questions: z.array(z.object({ id, text: localText }).strict()).min(1),
        delayHours: z.number().nonnegative().default(24),
        quietHours: z.object({ start: hhmm, end: hhmm }).strict().default({ start: '22:00', end: '08:00' }),
        quotes: quotes.optional(),
      })
      .strict(),
    handoff: z
      .object({
        defaultCategory: id,
        reAlertMinutes: z.number().positive().default(15),
        escalateMinutes: z.number().positive().default(60),
      })
      .strict(),
    whatsappTemplates: z
      .object({ notification: z.object({ name: z.string(), language: z.string() }).strict() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const committees = new Set(p.committees.map((c) => c.id));
    const categories = new Set(p.officers.flatMap((o) => o.categories));
    p.requestTypes.forEach((t, i) => {
      if (!committees.has(t.committee))
        ctx.addIssue({ code: 'custom', path: ['requestTypes', i, 'committee'], message: `unknown committee "${t.committee}"` });
      if (!categories.has(t.category))
        ctx.addIssue({
          code: 'custom',
          path: ['requestTypes', i, 'category'],
          message: `no officer for category "${t.category}"`,
        });
    });
    p.complaintCategories.forEach((c, i) => {
      if (!committees.has(c.committee))
        ctx.addIssue({
          code: 'custom',
          path: ['complaintCategories', i, 'committee'],
          message: `unknown committee "${c.committee}"`,
        });
    });
    const branches = new Set(p.branches.map((b) => b.id));
    p.officers.forEach((o, i) => {
      o.branches.forEach((b, j) => {
        if (!branches.has(b))
          ctx.addIssue({ code: 'custom', path: ['officers', i, 'branches', j], message: `unknown branch "${b}"` });
      });
    });
    p.requestTypes.forEach((t, i) => {
      if (t.membersOnly && !p.membership)
        ctx.addIssue({
          code: 'custom',
          path: ['requestTypes', i, 'membersOnly'],
          message: 'members only, but the profile has no "membership"',
        });
      if (t.membersOnly && p.membership && !t.fields.some((f) => f.id === p.membership?.numberField))
        ctx.addIssue({
          code: 'custom',
          path: ['requestTypes', i, 'fields'],
          message: `members only: a field "${p.membership.numberField}" for the membership number`,
        });
      const channel = p.contactChannel && t.fields.find((f) => f.id === p.contactChannel?.field);
      if (p.contactChannel && channel?.type !== 'choice')
        ctx.addIssue({
          code: 'custom',
          path: ['requestTypes', i, 'fields'],
          message: `the agreed contact channel: a choice field "${p.contactChannel.field}"`,
        });
    });
    if (!categories.has(p.handoff.defaultCategory))
      ctx.addIssue({ code: 'custom', path: ['handoff', 'defaultCategory'], message: 'no officer for this category' });
    for (const [name, list] of [
      ['requestTypes', p.requestTypes],
      ['faq', p.faq],
      ['committees', p.committees],
      ['branches', p.branches],
      ['supply', p.supply],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((x, i) => {
        if (seen.has(x.id)) ctx.addIssue({ code: 'custom', path: [name, i, 'id'], message: `duplicate id "${x.id}"` });
        seen.add(x.id);
      });
    }
  });

/** Content the association must still supply (issue 12): where it goes, and what it is. */
export interface MissingContent {
  path: string;
  what: z.infer<typeof localText>;
}

type ProfileShape = z.infer<typeof profileShape>;

/** Everything the association must still supply: listed in `supply`, FAQ answers, working hours, approval. */
function missingOf(p: ProfileShape): MissingContent[] {
  const out: MissingContent[] = p.supply.map((s) => ({ path: `supply.${s.id}`, what: s.what }));
  p.faq.forEach((f, i) => {
    if (f.supply) out.push({ path: `faq.${i}.answer`, what: f.question });
  });
  if (!p.workingHours)
    out.push({ path: 'workingHours', what: { ar: 'أوقات الدوام (بداية الدوام ونهايته)', en: 'working hours (start and end)' } });
  if (p.policy && !p.policy.approval)
    out.push({
      path: 'policy.approval',
      what: { ar: 'رقم جلسة مجلس الإدارة وتاريخ اعتماد السياسة', en: 'the board session and date that approved the policy' },
    });
  return out;
}

/**
 * The profile schema. After validation, FAQ entries whose answer the association must still supply
 * are left out of `faq` (the bot does not offer what it cannot answer) and listed in `missing`.
 */
export const profileSchema = profileShape.transform((p) => {
  const faq = p.faq.flatMap(({ answer, ...f }) => (f.supply || !answer ? [] : [{ ...f, answer }]));
  return { ...p, faq, missing: missingOf(p) };
});

/** A validated association profile. */
export type Profile = z.infer<typeof profileSchema>;
export type RequestType = Profile['requestTypes'][number];
export type RequestField = RequestType['fields'][number];
export type Committee = Profile['committees'][number];
export type Faq = Profile['faq'][number];

/** A profile file that failed validation; the message names the field. */
export class ProfileError extends Error {
  override name = 'ProfileError';
}

/** Parses a profile object, throwing a {@link ProfileError} that names the first wrong field. */
export function parseProfile(raw: unknown, source = 'profile'): Profile {
  const r = profileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new ProfileError(`${source}: ${path}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

/** Reads a profile file's JSON, throwing a {@link ProfileError} that names the file. */
function readProfileJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ProfileError(`${path}: cannot read JSON (${(e as Error).message})`);
  }
}

/** Reads and validates a profile file. */
export function loadProfile(path: string): Profile {
  return parseProfile(readProfileJson(path), path);
}

/** The outcome of checking a profile file (`profile check`, issue 12). */
export type ProfileCheck = { ok: true; profile: Profile } | { ok: false; issues: { path: string; message: string }[] };

/** Checks a profile file: every wrong field with its reason, or the profile and what it lacks. */
export function checkProfile(path: string): ProfileCheck {
  const r = profileSchema.safeParse(readProfileJson(path));
  if (r.success) return { ok: true, profile: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })) };
}
