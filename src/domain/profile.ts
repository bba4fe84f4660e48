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
  })
  .strict();

const faq = z
  .object({
    id,
    question: localText,
    answer: localText,
    /** Extra words people use for this topic, to help the search. */
    keywords: z.array(z.string()).default([]),
    /** Where the answer comes from (seed file and section), R2. */
    source: z.string().optional(),
  })
  .strict();

const complaintCategory = z
  .object({
    id,
    name: localText,
    committee: id,
    /** R4: a compensation claim asks what happened, the harm and the amount. */
    compensation: z.boolean().default(false),
  })
  .strict();

const officer = z
  .object({
    id,
    name: localText,
    categories: z.array(id).min(1),
    telegramChatId: z.string().optional(),
  })
  .strict();

export const profileSchema = z
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
    workingHours: z.object({ start: hhmm, end: hhmm }).strict(),
    /** A person returning after this many hours is offered to continue or start over (R3a). */
    resumeAfterHours: z.number().positive().default(24),
    /** Issue 11: an unfinished request or complaint is kept this many days, then the person is told it expired. */
    draftExpiryDays: z.number().positive().default(7),
    consent: z.object({ version: z.string().min(1), text: localText }).strict(),
    committees: z.array(committee).min(1),
    officers: z.array(officer).min(1),
    requestTypes: z.array(requestType).min(1),
    faq: z.array(faq).min(1),
    /** Policy texts (R2), searchable like the FAQ. */
    policies: z.array(z.object({ id, title: localText, text: localText }).strict()).default([]),
    complaintCategories: z.array(complaintCategory).min(1),
    rating: z
      .object({
        questions: z.array(z.object({ id, text: localText }).strict()).min(1),
        delayHours: z.number().nonnegative().default(24),
        quietHours: z.object({ start: hhmm, end: hhmm }).strict().default({ start: '22:00', end: '08:00' }),
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
    if (!categories.has(p.handoff.defaultCategory))
      ctx.addIssue({ code: 'custom', path: ['handoff', 'defaultCategory'], message: 'no officer for this category' });
    for (const [name, list] of [
      ['requestTypes', p.requestTypes],
      ['faq', p.faq],
      ['committees', p.committees],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((x, i) => {
        if (seen.has(x.id)) ctx.addIssue({ code: 'custom', path: [name, i, 'id'], message: `duplicate id "${x.id}"` });
        seen.add(x.id);
      });
    }
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

/** Reads and validates a profile file. */
export function loadProfile(path: string): Profile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ProfileError(`${path}: cannot read JSON (${(e as Error).message})`);
  }
  return parseProfile(raw, path);
}
