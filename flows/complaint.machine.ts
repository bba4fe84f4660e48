/**
 * The complaint dialogue (R4, R5): category, description, for a compensation claim the harm and the
 * amount claimed (R4), an optional photo or PDF, a summary to confirm, then a ticket routed to the
 * category's committee with the expected answer date from its SLA (R3e).
 */
import { assign, enqueueActions, setup } from 'xstate';
import { normalizeArabic, stripInvisible } from '../src/domain/arabic.js';
import { dueDate, formatDate, type WorkCalendar } from '../src/domain/calendar.js';
import type { Profile } from '../src/domain/profile.js';
import { newReference } from '../src/domain/reference.js';
import { parseNumber, validateDocument, validateText } from '../src/domain/validators.js';
import type { BaseFlowInput, Choice, FlowEmitted, FlowEvent, FlowOutput, LocalText, Reply, UserInput } from './types.js';

/** Version of the complaint dialogue; bump when a persisted snapshot would no longer fit. */
export const complaintFlowVersion = 1;

/** Input of the complaint dialogue: the profile's categories, committees and working calendar. */
export interface ComplaintInput extends BaseFlowInput {
  categories: Profile['complaintCategories'];
  committees: Profile['committees'];
  calendar: WorkCalendar;
}

/** A file the complainant attached: only its store key and description, never its bytes (R6). */
export interface ComplaintAttachment {
  kind: string;
  storageKey?: string;
  fileName?: string;
  mimeType?: string;
}

/** The ticket once written: what the confirmation reply and the effect need. */
interface Submission {
  ref: string;
  committeeId: string;
  committeeName: LocalText;
  dueAt: string;
  at: string;
  dueGregorian: LocalText;
  dueHijri: LocalText;
}

/** What the complaint dialogue remembers between turns (persisted, JSON only). */
export interface ComplaintContext {
  categories: Profile['complaintCategories'];
  committees: Profile['committees'];
  calendar: WorkCalendar;
  categoryId: string | null;
  description: string | null;
  harm: string | null;
  amount: number | null;
  attachment: ComplaintAttachment | null;
  submission: Submission | null;
}

/** The outcome of reading one answer: a value, or the reply that explains what is wrong. */
export type Reading<T> = { ok: true; value: T } | { ok: false; reply: Reply };

const DESCRIPTION = { minLength: 10, maxLength: 2000 } as const;
const HARM = { minLength: 5, maxLength: 2000 } as const;
/** Attachments the follow-up committee can open. */
const ATTACHMENT = { accept: ['image', 'pdf'] as ('image' | 'pdf')[], maxSizeMb: 10 };
/** How much of the description the summary repeats (a messaging app caps a message with buttons). */
const SUMMARY_EXCERPT = 300;

const SKIP_WORDS = new Set(
  ['تخطي', 'تخطى', 'لا', 'لا يوجد', 'لا شيء', 'لا شي', 'بدون', 'لا اعرف', 'skip', 'none', 'no', 'nothing', 'n/a'].map(
    normalizeArabic,
  ),
);

const chooseFromList: Reply = { key: 'common:chooseFromList' };

/** Params of the replyProblem action: why the answer was not accepted. */
function problemOf<T>(r: Reading<T>): { reply: Reply } {
  return { reply: r.ok ? chooseFromList : r.reply };
}

function inputOf(event: FlowEvent): UserInput | null {
  return event.type === 'user.message' ? event.input : null;
}

function textOf(input: UserInput): string | null {
  return input.kind === 'text' ? stripInvisible(input.text).trim() : null;
}

function isValidTime(at: string): boolean {
  return typeof at === 'string' && !Number.isNaN(Date.parse(at));
}

/** The category a choice (or its exact name typed out) picks, if any. */
export function readCategory(input: UserInput, categories: Profile['complaintCategories']): string | null {
  if (input.kind === 'choice') {
    const id = input.id.startsWith('cat:') ? input.id.slice(4) : null;
    return categories.find((c) => c.id === id)?.id ?? null;
  }
  const text = textOf(input);
  if (!text) return null;
  const typed = normalizeArabic(text);
  return categories.find((c) => normalizeArabic(c.name.ar) === typed || normalizeArabic(c.name.en) === typed)?.id ?? null;
}

function readText(input: UserInput, opts: { minLength: number; maxLength: number }, textOnly: string): Reading<string> {
  const text = textOf(input);
  if (text === null) return { ok: false, reply: { key: textOnly } };
  const v = validateText(text, opts);
  if (!v.ok) return { ok: false, reply: { key: v.error, params: v.params } };
  return { ok: true, value: v.value };
}

/** R5: what happened, in the complainant's words (10..2000 characters). */
export function readDescription(input: UserInput): Reading<string> {
  return readText(input, DESCRIPTION, 'complaint:description.textOnly');
}

/** R4: the harm the complainant suffered. */
export function readHarm(input: UserInput): Reading<string> {
  return readText(input, HARM, 'complaint:harm.textOnly');
}

/** R4: the amount claimed, optional: a number >= 0 in either digit script, or skipped (null). */
export function readAmount(input: UserInput): Reading<number | null> {
  if (input.kind === 'choice')
    return input.id === 'skip' || input.id === 'none' ? { ok: true, value: null } : { ok: false, reply: chooseFromList };
  const text = textOf(input);
  if (text === null) return { ok: false, reply: { key: 'complaint:amount.invalid' } };
  if (SKIP_WORDS.has(normalizeArabic(text))) return { ok: true, value: null };
  // parseNumber takes Arabic-Indic digits, '٬' / ',' separators and a currency word ('١٬٥٠٠ ريال').
  const v = parseNumber(text, { min: 0 });
  if (!v.ok) return { ok: false, reply: { key: v.error, params: v.params } };
  return { ok: true, value: v.value };
}

/** An optional photo or PDF (null when skipped); typed text is not an attachment. */
export function readAttachment(input: UserInput): Reading<ComplaintAttachment | null> {
  if (input.kind === 'choice') return input.id === 'skip' ? { ok: true, value: null } : { ok: false, reply: chooseFromList };
  if (input.kind !== 'attachment') return { ok: false, reply: { key: 'complaint:attachment.expected' } };
  const att = input.attachment;
  // A sticker is a WebP image to the validator, but not evidence; voice and video are not accepted.
  if (att.kind !== 'image' && att.kind !== 'document') return { ok: false, reply: { key: 'validation:document.type' } };
  const v = validateDocument(att, ATTACHMENT);
  if (!v.ok) return { ok: false, reply: { key: v.error, params: v.params } };
  const value: ComplaintAttachment = { kind: att.kind };
  if (att.storageKey !== undefined) value.storageKey = att.storageKey;
  if (att.fileName !== undefined) value.fileName = att.fileName;
  if (att.mimeType !== undefined) value.mimeType = att.mimeType;
  return { ok: true, value };
}

function categoryOf(ctx: ComplaintContext) {
  return ctx.categories.find((c) => c.id === ctx.categoryId);
}

function isCompensation(ctx: ComplaintContext): boolean {
  return categoryOf(ctx)?.compensation === true;
}

function formatAmount(amount: number): LocalText {
  return { ar: amount.toLocaleString('ar-SA'), en: amount.toLocaleString('en-US') };
}

function excerpt(s: string): string {
  return s.length > SUMMARY_EXCERPT ? `${s.slice(0, SUMMARY_EXCERPT).trimEnd()}…` : s;
}

/** R3e: reference, committee and answer date; null when the profile or the clock cannot give them. */
function prepareSubmission(ctx: ComplaintContext, at: string): Submission | null {
  const category = categoryOf(ctx);
  const committee = ctx.committees.find((c) => c.id === category?.committee);
  if (!category || !committee || !isValidTime(at)) return null;
  try {
    const due = dueDate(new Date(at), committee.sla, ctx.calendar);
    const ar = formatDate(due, 'ar', ctx.calendar.timezone);
    const en = formatDate(due, 'en', ctx.calendar.timezone);
    return {
      ref: newReference('complaint'),
      committeeId: committee.id,
      committeeName: committee.name,
      dueAt: due.toISOString(),
      at,
      dueGregorian: { ar: ar.gregorian, en: en.gregorian },
      dueHijri: { ar: ar.hijri, en: en.hijri },
    };
  } catch {
    return null;
  }
}

function summaryReply(ctx: ComplaintContext): Reply {
  const category = categoryOf(ctx);
  const params: Record<string, string | LocalText> = {
    category: category?.name ?? '',
    description: excerpt(ctx.description ?? ''),
  };
  let variant = 'basic';
  if (isCompensation(ctx)) {
    params.harm = excerpt(ctx.harm ?? '');
    variant = 'compensation';
    if (ctx.amount !== null) {
      params.amount = formatAmount(ctx.amount);
      variant = 'compensationAmount';
    }
  }
  if (ctx.attachment) variant += 'Attachment';
  const choices: Choice[] = [
    { id: 'confirm', key: 'complaint:confirm.submit' },
    { id: 'edit', key: 'complaint:confirm.edit' },
    { id: 'cancel', key: 'complaint:confirm.cancel' },
  ];
  return { key: `complaint:confirm.${variant}`, params, choices };
}

const skipChoice = (key: string): Choice[] => [{ id: 'skip', key }];

/** The complaint dialogue machine (R4, R5). */
export const complaintMachine = setup({
  types: {
    context: {} as ComplaintContext,
    input: {} as ComplaintInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
  },
  actions: {
    askCategory: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({
        type: 'reply',
        key: 'complaint:category.question',
        choices: context.categories.map((c) => ({
          id: `cat:${c.id}`,
          key: 'complaint:category.option',
          params: { name: c.name },
        })),
      });
    }),
    askDescription: enqueueActions(({ context, enqueue }) => {
      // R4: for a compensation claim the description is "what happened".
      const key = isCompensation(context) ? 'complaint:description.questionCompensation' : 'complaint:description.question';
      enqueue.emit({ type: 'reply', key, params: { category: categoryOf(context)?.name ?? '' } });
    }),
    askHarm: enqueueActions(({ enqueue }) => {
      enqueue.emit({ type: 'reply', key: 'complaint:harm.question' });
    }),
    askAmount: enqueueActions(({ enqueue }) => {
      enqueue.emit({ type: 'reply', key: 'complaint:amount.question', choices: skipChoice('complaint:amount.skip') });
    }),
    askAttachment: enqueueActions(({ enqueue }) => {
      enqueue.emit({
        type: 'reply',
        key: 'complaint:attachment.question',
        params: { maxSizeMb: ATTACHMENT.maxSizeMb },
        choices: skipChoice('complaint:attachment.skip'),
      });
    }),
    askConfirm: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'reply', ...summaryReply(context) });
    }),
    replyChooseFromList: enqueueActions(({ enqueue }) => {
      enqueue.emit({ type: 'reply', ...chooseFromList });
    }),
    /** Explains why an answer was not accepted; the state's entry then asks again. */
    replyProblem: enqueueActions(({ enqueue }, params: { reply: Reply }) => {
      enqueue.emit({ type: 'reply', ...params.reply });
    }),
    replySubmitFailed: enqueueActions(({ enqueue }) => {
      enqueue.emit({ type: 'reply', key: 'complaint:submitFailed' });
    }),
    saveCategory: assign(({ context, event }) => {
      const input = inputOf(event);
      return { categoryId: input ? readCategory(input, context.categories) : null };
    }),
    saveDescription: assign(({ event }) => {
      const input = inputOf(event);
      const r = input ? readDescription(input) : null;
      return r?.ok ? { description: r.value } : {};
    }),
    saveHarm: assign(({ event }) => {
      const input = inputOf(event);
      const r = input ? readHarm(input) : null;
      return r?.ok ? { harm: r.value } : {};
    }),
    saveAmount: assign(({ event }) => {
      const input = inputOf(event);
      const r = input ? readAmount(input) : null;
      return r?.ok ? { amount: r.value } : {};
    }),
    saveAttachment: assign(({ event }) => {
      const input = inputOf(event);
      const r = input ? readAttachment(input) : null;
      return r?.ok ? { attachment: r.value } : {};
    }),
    clearAnswers: assign({ description: null, harm: null, amount: null, attachment: null }),
    prepareSubmission: assign(({ context, event }) => ({
      submission: event.type === 'user.message' ? prepareSubmission(context, event.at) : null,
    })),
    /** R5: the ticket is written by the engine in the same transaction as this turn. */
    submit: enqueueActions(({ context, enqueue }) => {
      const s = context.submission;
      const category = categoryOf(context);
      if (!s || !category) return;
      const data: Record<string, unknown> = {};
      if (context.harm !== null) data.harm = context.harm;
      if (context.amount !== null) data.amount = context.amount;
      if (context.attachment) data.attachment = context.attachment;
      enqueue.emit({
        type: 'effect',
        effect: {
          kind: 'complaint.create',
          ref: s.ref,
          category: category.id,
          committee: s.committeeId,
          dueAt: s.dueAt,
          description: context.description ?? '',
          data,
          at: s.at,
        },
      });
      // R3e/R5: reference, follow-up committee and the expected answer date, Gregorian and Hijri.
      enqueue.emit({
        type: 'reply',
        key: 'complaint:submitted',
        params: { ref: s.ref, committee: s.committeeName, dueGregorian: s.dueGregorian, dueHijri: s.dueHijri },
      });
    }),
    replyCancelled: enqueueActions(({ enqueue }) => {
      enqueue.emit({ type: 'reply', key: 'complaint:cancelled' });
    }),
  },
  guards: {
    isCategory: ({ context, event }) => {
      const input = inputOf(event);
      return input !== null && readCategory(input, context.categories) !== null;
    },
    hasSubmission: ({ context }) => context.submission !== null,
  },
}).createMachine({
  id: 'complaint',
  context: ({ input }) => ({
    categories: input.categories,
    committees: input.committees,
    calendar: input.calendar,
    categoryId: null,
    description: null,
    harm: null,
    amount: null,
    attachment: null,
    submission: null,
  }),
  initial: 'category',
  output: { next: 'menu' },
  states: {
    category: {
      entry: 'askCategory',
      on: {
        'flow.reprompt': { target: 'category', reenter: true },
        'user.message': [
          { guard: 'isCategory', target: 'description', actions: 'saveCategory' },
          { target: 'category', reenter: true, actions: 'replyChooseFromList' },
        ],
      },
    },
    description: {
      entry: 'askDescription',
      on: {
        'flow.reprompt': { target: 'description', reenter: true },
        'user.message': [
          {
            guard: ({ context, event }) => readDescription(event.input).ok && isCompensation(context),
            target: 'harm',
            actions: 'saveDescription',
          },
          { guard: ({ event }) => readDescription(event.input).ok, target: 'attachment', actions: 'saveDescription' },
          {
            target: 'description',
            reenter: true,
            actions: { type: 'replyProblem', params: ({ event }) => problemOf(readDescription(event.input)) },
          },
        ],
      },
    },
    harm: {
      entry: 'askHarm',
      on: {
        'flow.reprompt': { target: 'harm', reenter: true },
        'user.message': [
          { guard: ({ event }) => readHarm(event.input).ok, target: 'amount', actions: 'saveHarm' },
          {
            target: 'harm',
            reenter: true,
            actions: { type: 'replyProblem', params: ({ event }) => problemOf(readHarm(event.input)) },
          },
        ],
      },
    },
    amount: {
      entry: 'askAmount',
      on: {
        'flow.reprompt': { target: 'amount', reenter: true },
        'user.message': [
          { guard: ({ event }) => readAmount(event.input).ok, target: 'attachment', actions: 'saveAmount' },
          {
            target: 'amount',
            reenter: true,
            actions: { type: 'replyProblem', params: ({ event }) => problemOf(readAmount(event.input)) },
          },
        ],
      },
    },
    attachment: {
      entry: 'askAttachment',
      on: {
        'flow.reprompt': { target: 'attachment', reenter: true },
        'user.message': [
          { guard: ({ event }) => readAttachment(event.input).ok, target: 'confirm', actions: 'saveAttachment' },
          {
            target: 'attachment',
            reenter: true,
            actions: { type: 'replyProblem', params: ({ event }) => problemOf(readAttachment(event.input)) },
          },
        ],
      },
    },
    confirm: {
      entry: 'askConfirm',
      on: {
        'flow.reprompt': { target: 'confirm', reenter: true },
        'user.message': [
          {
            guard: ({ event }) => event.input.kind === 'choice' && event.input.id === 'confirm',
            target: 'submitting',
            actions: 'prepareSubmission',
          },
          // "edit" starts the description again; the category stays.
          {
            guard: ({ event }) => event.input.kind === 'choice' && event.input.id === 'edit',
            target: 'description',
            actions: 'clearAnswers',
          },
          { guard: ({ event }) => event.input.kind === 'choice' && event.input.id === 'cancel', target: 'cancelled' },
          { target: 'confirm', reenter: true, actions: 'replyChooseFromList' },
        ],
      },
    },
    submitting: {
      always: [
        { guard: 'hasSubmission', target: 'submitted', actions: 'submit' },
        { target: 'confirm', actions: 'replySubmitFailed' },
      ],
    },
    submitted: { type: 'final' },
    cancelled: { type: 'final', entry: 'replyCancelled' },
  },
});
