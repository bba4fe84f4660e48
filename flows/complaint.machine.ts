/**
 * The complaint dialogue (R4, R5): category, description, for a compensation claim the harm and the
 * amount claimed (R4), an optional photo or PDF, a summary to confirm, then a ticket routed to the
 * category's committee with the expected answer date from its SLA (R3e).
 */
import { and, assign, emit, setup } from 'xstate';
import { normalizeArabic, stripInvisible } from '../src/domain/arabic.js';
import type { WorkCalendar } from '../src/domain/calendar.js';
import { type Deadline, type DeadlineParams, deadlineDate, deadlineParams } from '../src/domain/deadline.js';
import type { Profile } from '../src/domain/profile.js';
import { parseNumber, validateDocument, validateText } from '../src/domain/validators.js';
import { isQuestionLike, isSkipWord, readNumberWords, withoutUnits } from '../src/domain/wording.js';
import {
  type Reading as AnswerReading,
  type Asking,
  asking,
  inputOf,
  type QuestionTag,
  question,
  questionActions,
  questionGuards,
  readChoice,
} from './question.js';
import type {
  BaseFlowInput,
  Choice,
  FlowEmitted,
  FlowEvent,
  FlowOutput,
  LocalText,
  Reply,
  ReplyParams,
  UserInput,
} from './types.js';

/** Version of the complaint dialogue; bump when a persisted snapshot would no longer fit. */
export const complaintFlowVersion = 3;

/** Input of the complaint dialogue: the profile's categories, committees and working calendar. */
export interface ComplaintInput extends BaseFlowInput {
  categories: Profile['complaintCategories'];
  committees: Profile['committees'];
  calendar: WorkCalendar;
  /** The ticket's reference, drawn by the engine (no randomness inside the machine). */
  reference: string;
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
  /** R3e: the committee's answer time (complaints: none unless the policy states one) and its date. */
  deadline: Deadline;
  dueAt: string | null;
  at: string;
  /** How the answer time is stated to the person (`deadline:answer.*`). */
  answer: DeadlineParams;
}

/** What the complaint dialogue remembers between turns (persisted, JSON only). */
export interface ComplaintContext extends Asking<ComplaintValue> {
  reference: string;
  /** The time of the message being handled (the machine has no clock). */
  at: string | null;
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

/** What an accepted complaint answer carries. */
export type ComplaintValue = string | number | null | ComplaintAttachment;

/** The outcome of reading one answer: a value, or the reply that explains what is wrong. */
export type Reading<T> = { ok: true; value: T } | { ok: false; reply: Reply };

const DESCRIPTION = { minLength: 10, maxLength: 2000 } as const;
const HARM = { minLength: 5, maxLength: 2000 } as const;
/** Attachments the follow-up committee can open. */
const ATTACHMENT = { accept: ['image', 'pdf'] as ('image' | 'pdf')[], maxSizeMb: 10 };
/** How much of the description the summary repeats (a messaging app caps a message with buttons). */
const SUMMARY_EXCERPT = 300;

const chooseFromList: Reply = { key: 'common:chooseFromList' };

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
  if (isSkipWord(text)) return { ok: true, value: null };
  // parseNumber takes Arabic-Indic digits, '٬' / ',' separators and a currency word ('١٬٥٠٠ ريال');
  // an amount in words ("الف ومية") is read from the wording data.
  const words = readNumberWords(text);
  const v = parseNumber(words === null ? withoutUnits(text) : String(words), { min: 0 });
  if (!v.ok) return { ok: false, reply: { key: v.error, params: v.params } };
  return { ok: true, value: v.value };
}

/** An optional photo or PDF (null when skipped); typed text is not an attachment. */
export function readAttachment(input: UserInput): Reading<ComplaintAttachment | null> {
  if (input.kind === 'choice') return input.id === 'skip' ? { ok: true, value: null } : { ok: false, reply: chooseFromList };
  // "ما عندي" / "لا يوجد" at the optional attachment is a skip.
  if (input.kind === 'text' && isSkipWord(input.text)) return { ok: true, value: null };
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

/** R3e: reference, committee and answer time (if its policy states one); null when the profile or the clock cannot give them. */
function prepareSubmission(ctx: ComplaintContext, at: string | null): Submission | null {
  const category = categoryOf(ctx);
  const committee = ctx.committees.find((c) => c.id === category?.committee);
  if (!category || !committee || at === null || !isValidTime(at)) return null;
  try {
    // A submitted complaint is complete: every step was answered.
    const submittedAt = new Date(at);
    const due = deadlineDate(committee.deadline, { submittedAt, completedAt: submittedAt }, ctx.calendar);
    return {
      ref: ctx.reference,
      committeeId: committee.id,
      committeeName: committee.name,
      deadline: committee.deadline,
      dueAt: due ? due.toISOString() : null,
      at,
      answer: deadlineParams({ rule: committee.deadline, dueAt: due }, ctx.calendar.timezone),
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

/** A field reading of this dialogue from one of its readers; a typed question is help, not a failure. */
function asReading<T extends ComplaintValue>(
  event: FlowEvent,
  read: (input: UserInput) => Reading<T>,
): AnswerReading<ComplaintValue> | null {
  const input = inputOf(event);
  if (!input) return null;
  const r = read(input);
  if (r.ok) return { kind: 'valid', value: r.value };
  if (input.kind === 'text' && isQuestionLike(input.text) && r.reply.key !== 'common:chooseFromList') return { kind: 'help' };
  return { kind: 'invalid', reply: r.reply };
}

function readValue(ctx: ComplaintContext): ComplaintValue {
  return ctx.reading?.kind === 'valid' ? ctx.reading.value : null;
}

const complaintSetup = setup({
  types: {
    context: {} as ComplaintContext,
    input: {} as ComplaintInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
    tags: {} as QuestionTag,
  },
  actions: {
    askCategory: emit(({ context }) => ({
      type: 'reply' as const,
      key: 'complaint:category.question',
      choices: context.categories.map((c) => ({
        id: `cat:${c.id}`,
        key: 'complaint:category.option',
        params: { name: c.name },
      })),
    })),
    // R4: for a compensation claim the description is "what happened".
    askDescription: emit(({ context }) => ({
      type: 'reply' as const,
      key: isCompensation(context) ? 'complaint:description.questionCompensation' : 'complaint:description.question',
      params: { category: categoryOf(context)?.name ?? '' },
    })),
    askHarm: emit({ type: 'reply', key: 'complaint:harm.question' }),
    askAmount: emit({ type: 'reply', key: 'complaint:amount.question', choices: skipChoice('complaint:amount.skip') }),
    askAttachment: emit({
      type: 'reply',
      key: 'complaint:attachment.question',
      params: { maxSizeMb: ATTACHMENT.maxSizeMb },
      choices: skipChoice('complaint:attachment.skip'),
    }),
    askConfirm: emit(({ context }) => ({ type: 'reply' as const, ...summaryReply(context) })),
    explain: emit((_, params: { key: string }) => ({ type: 'reply' as const, key: params.key })),
    replySubmitFailed: emit({ type: 'reply', key: 'complaint:submitFailed' }),
    readCategory: assign(({ context, event }) => {
      const input = inputOf(event);
      if (!input) return { reading: null };
      const id = readCategory(input, context.categories);
      return { reading: id ? { kind: 'valid' as const, value: id } : { kind: 'invalid' as const, reply: chooseFromList } };
    }),
    readDescription: assign(({ event }) => ({ reading: asReading(event, readDescription) })),
    readHarm: assign(({ event }) => ({ reading: asReading(event, readHarm) })),
    readAmount: assign(({ event }) => ({ reading: asReading(event, readAmount) })),
    readAttachment: assign(({ event }) => ({ reading: asReading(event, readAttachment) })),
    readChoice: assign(({ event }) => ({ reading: readChoice(event), at: event.type === 'user.message' ? event.at : null })),
    saveCategory: assign(({ context }) => ({ categoryId: (readValue(context) as string | null) ?? null })),
    saveDescription: assign(({ context }) => ({ description: readValue(context) as string })),
    saveHarm: assign(({ context }) => ({ harm: readValue(context) as string })),
    saveAmount: assign(({ context }) => ({ amount: readValue(context) as number | null })),
    saveAttachment: assign(({ context }) => ({ attachment: readValue(context) as ComplaintAttachment | null })),
    clearAnswers: assign({ description: null, harm: null, amount: null, attachment: null }),
    prepareSubmission: assign(({ context }) => ({ submission: prepareSubmission(context, context.at) })),
    /** R5: the ticket is written by the engine in the same transaction as this turn. */
    submit: emit(({ context }) => {
      const s = context.submission;
      const data: Record<string, unknown> = {};
      if (context.harm !== null) data.harm = context.harm;
      if (context.amount !== null) data.amount = context.amount;
      if (context.attachment) data.attachment = context.attachment;
      return {
        type: 'effect' as const,
        effect: {
          kind: 'complaint.create' as const,
          ref: s?.ref ?? context.reference,
          category: context.categoryId ?? '',
          committee: s?.committeeId ?? '',
          deadline: s?.deadline ?? { kind: 'none' },
          dueAt: s?.dueAt ?? null,
          description: context.description ?? '',
          data,
          at: s?.at ?? '',
        },
      };
    }),
    // R3e/R5: reference, follow-up committee, and the answer time only as the committee's policy states it.
    saySubmitted: emit(({ context }) => {
      const s = context.submission;
      const params: ReplyParams = s ? { ref: s.ref, committee: s.committeeName, ...s.answer } : {};
      return { type: 'reply' as const, key: 'complaint:submitted', params };
    }),
    replyCancelled: emit({ type: 'reply', key: 'complaint:cancelled' }),
    ...questionActions<ComplaintContext>(),
  },
  guards: {
    ...questionGuards,
    isCompensation: ({ context }) => isCompensation(context),
    hasSubmission: ({ context }) => context.submission !== null,
  },
});

/** The complaint dialogue machine (R4, R5). */
export const complaintMachine = complaintSetup.createMachine({
  id: 'complaint',
  context: ({ input }) => ({
    ...asking,
    reference: input.reference,
    at: null,
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
    category: question(complaintSetup, 'category', {
      ask: 'askCategory',
      read: 'readCategory',
      tags: ['asksChoice'],
      answers: [{ guard: 'isValid', target: 'description', actions: 'saveCategory' }],
    }),
    description: question(complaintSetup, 'description', {
      ask: 'askDescription',
      read: 'readDescription',
      tags: ['formStep', 'asksText'],
      answers: [
        { guard: and(['isValid', 'isCompensation']), target: 'harm', actions: 'saveDescription' },
        { guard: 'isValid', target: 'attachment', actions: 'saveDescription' },
      ],
      help: { type: 'explain', params: { key: 'complaint:why.description' } },
    }),
    harm: question(complaintSetup, 'harm', {
      ask: 'askHarm',
      read: 'readHarm',
      tags: ['formStep', 'asksText'],
      answers: [{ guard: 'isValid', target: 'amount', actions: 'saveHarm' }],
      help: { type: 'explain', params: { key: 'complaint:why.harm' } },
    }),
    amount: question(complaintSetup, 'amount', {
      ask: 'askAmount',
      read: 'readAmount',
      tags: ['formStep', 'asksNumber'],
      answers: [{ guard: 'isValid', target: 'attachment', actions: 'saveAmount' }],
      help: { type: 'explain', params: { key: 'complaint:why.amount' } },
    }),
    attachment: question(complaintSetup, 'attachment', {
      ask: 'askAttachment',
      read: 'readAttachment',
      tags: ['formStep', 'asksDocument'],
      answers: [{ guard: 'isValid', target: 'confirm', actions: 'saveAttachment' }],
      help: { type: 'explain', params: { key: 'complaint:why.attachment' } },
    }),
    confirm: question(complaintSetup, 'confirm', {
      ask: 'askConfirm',
      read: 'readChoice',
      tags: ['formStep', 'asksConfirmation'],
      answers: [
        { guard: { type: 'picked', params: { id: 'confirm' } }, target: 'submitting', actions: 'prepareSubmission' },
        // "edit" starts the description again; the category stays.
        { guard: { type: 'picked', params: { id: 'edit' } }, target: 'description', actions: 'clearAnswers' },
        { guard: { type: 'picked', params: { id: 'cancel' } }, target: 'cancelled' },
      ],
    }),
    submitting: {
      always: [
        { guard: 'hasSubmission', target: 'submitted', actions: ['submit', 'saySubmitted'] },
        { target: 'confirm', actions: 'replySubmitFailed' },
      ],
    },
    submitted: { type: 'final' },
    cancelled: { type: 'final', entry: 'replyCancelled' },
  },
});
