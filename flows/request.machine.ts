/**
 * The new-request dialogue: choose a request type, check for an open request of that type,
 * run the eligibility pre-check (R10), collect and validate the form fields (R3b), show a summary
 * to correct, take the attestation (R3d), then submit with a reference and the committee's
 * expected answer date (R3e).
 */
import { and, assign, emit, setup } from 'xstate';
import type { WorkCalendar } from '../src/domain/calendar.js';
import { type Deadline, deadlineDate, deadlineParams } from '../src/domain/deadline.js';
import type { Committee, RequestField, RequestType } from '../src/domain/profile.js';
import { validateField } from '../src/domain/validators.js';
import { isQuestionLike, yesNo } from '../src/domain/wording.js';
import {
  type Asking,
  asking,
  inputOf,
  type QuestionTag,
  question,
  questionActions,
  questionGuards,
  type Reading,
  readChoice,
} from './question.js';
import { serviceActors } from './services.js';
import type { BaseFlowInput, Choice, FlowEmitted, FlowEvent, FlowOutput, Lang, LocalText, Reply, UserInput } from './types.js';

/** Version of the request flow's snapshot shape; bump when a persisted snapshot would no longer fit. */
export const requestFlowVersion = 3;

/** Input of the new-request dialogue. */
export interface RequestInput extends BaseFlowInput {
  /** The request types of the association profile. */
  requestTypes: RequestType[];
  /** The committees of the profile (R3e: who answers and within what time). */
  committees: Committee[];
  /** Working days, holidays and time zone of the association, for the answer date. */
  calendar: WorkCalendar;
  /** A type chosen before the dialogue started (e.g. from the menu); skips the choice. */
  typeId?: string;
  /** The reference the request will have, drawn by the engine (no randomness inside the machine). */
  reference: string;
}

/** One collected answer: the value to store and what the summary shows in each language. */
export interface RequestAnswer {
  /** `null` when an optional field was skipped; a document's attachment-store key when it has one. */
  value: string | number | null;
  display: LocalText;
}

/** Context of the new-request dialogue; JSON-serialisable because it is persisted. */
export interface RequestContext extends Asking<string | number> {
  beneficiaryId: string;
  lang: Lang;
  /** All types until one is chosen, then empty. */
  requestTypes: RequestType[];
  /** All committees until a type is chosen, then empty. */
  committees: Committee[];
  calendar: WorkCalendar;
  /** The preselected type id from the input, until used. */
  typeId: string | null;
  type: RequestType | null;
  committee: Committee | null;
  /** The open request found for the chosen type. */
  open: { ref: string; status: string; deadline: Deadline; dueAt: string | null } | null;
  eligibilityIndex: number;
  /** R10: 'likely_eligible' or 'may_not_qualify:<questionId>'; null when the type has no questions. */
  eligibility: string | null;
  fieldIndex: number;
  /** True while a field is re-asked from the summary. */
  editing: boolean;
  /** R10: the person chose to continue after a pre-check answer; the remaining questions are still asked. */
  continued: boolean;
  /** The time of the message being handled (the machine has no clock). */
  at: string | null;
  /** The reference drawn by the engine for this request. */
  reference: string;
  answers: Record<string, RequestAnswer>;
  ref: string | null;
  dueAt: string | null;
  result: FlowOutput;
}

/** R3d: the attestation text the person agrees to, stored with the request by key. */
export const ATTESTATION_KEY = 'request:attestation';

const SKIPPED = '—';

type FieldReading = Reading<string | number>;

/** Types the person may choose: those whose committee exists. */
function availableTypes(ctx: RequestContext): RequestType[] {
  return ctx.requestTypes.filter((t) => ctx.committees.some((c) => c.id === t.committee));
}

/** The type a choice id ('type:<id>'), the input or a single offer selects, if any. */
function selectedType(ctx: RequestContext, id: string | null): RequestType | undefined {
  const types = availableTypes(ctx);
  if (id?.startsWith('type:')) return types.find((t) => `type:${t.id}` === id);
  if (ctx.typeId) {
    const pre = types.find((t) => t.id === ctx.typeId);
    if (pre) return pre;
  }
  return types.length === 1 ? types[0] : undefined;
}

function currentField(ctx: RequestContext): RequestField | undefined {
  return ctx.type?.fields[ctx.fieldIndex];
}

function currentQuestion(ctx: RequestContext) {
  return ctx.type?.eligibility[ctx.eligibilityIndex];
}

/** What a message means for the current field, read once per message; never throws. */
function readField(ctx: RequestContext, event: FlowEvent): FieldReading | null {
  const field = currentField(ctx);
  const input = inputOf(event);
  if (!input) return null;
  const stale: FieldReading = {
    kind: 'stale',
    reply: { key: fieldHasChoices(ctx) ? 'common:chooseFromList' : 'common:notUnderstood' },
  };
  if (!field) return stale;
  if (input.kind === 'choice') {
    if (input.id === 'skip' && !field.required) return { kind: 'skip' };
    const option = field.type === 'choice' ? field.options?.find((o) => `opt:${o.id}` === input.id) : undefined;
    if (!option) return stale;
    return safeValidate(field, { kind: 'choice', id: option.id });
  }
  const reading = safeValidate(field, input, event.type === 'user.message' ? event.at : undefined);
  // "ليش تبون الهوية؟" at the ID question is a question to answer, not a wrong ID.
  if (reading.kind === 'invalid' && input.kind === 'text' && isQuestionLike(input.text)) return { kind: 'help' };
  return reading;
}

/** Validates with the domain validators, display in both languages. */
function safeValidate(field: RequestField, input: UserInput, today?: string): FieldReading {
  try {
    const ar = validateField(field, input, 'ar', today);
    if (!ar.ok) return { kind: 'invalid', reply: { key: ar.error, ...(ar.params ? { params: ar.params } : {}) } };
    const en = validateField(field, input, 'en', today);
    // A document is kept by its key in the attachment store, so staff can open it.
    const value = input.kind === 'attachment' && input.attachment.storageKey ? input.attachment.storageKey : ar.value;
    return { kind: 'valid', value, display: { ar: ar.display, en: en.ok ? en.display : ar.display } };
  } catch {
    // A validator bug must not break the conversation: treat it as a wrong answer.
    return { kind: 'invalid', reply: { key: 'common:notUnderstood' } };
  }
}

/** The tags of the field being asked, for the engine (a "0" typed at a number is an answer). */
export function fieldTag(type: RequestField['type']): QuestionTag {
  switch (type) {
    case 'number':
      return 'asksNumber';
    case 'phone':
      return 'asksPhone';
    case 'date':
      return 'asksDate';
    case 'document':
      return 'asksDocument';
    case 'choice':
      return 'asksChoice';
    default:
      return 'asksText';
  }
}

/**
 * R3e: the committee's answer time for a submission at `at` and the date it gives (null for none).
 * A submitted request is complete (R3b checked every field), so a deadline counted from completion
 * starts now too. Undefined when it cannot be computed.
 */
function answerTime(ctx: RequestContext, at: string): { deadline: Deadline; dueAt: string | null } | undefined {
  const from = new Date(at);
  if (!ctx.committee || Number.isNaN(from.getTime())) return undefined;
  try {
    const due = deadlineDate(ctx.committee.deadline, { submittedAt: from, completedAt: from }, ctx.calendar);
    return { deadline: ctx.committee.deadline, dueAt: due ? due.toISOString() : null };
  } catch {
    return undefined;
  }
}

/** The parameters stating an answer time to the person (`deadline:answer.*`). */
function answerParams(deadline: Deadline, dueAt: string | null, timezone: string) {
  const due = dueAt === null ? null : new Date(dueAt);
  return deadlineParams({ rule: deadline, dueAt: due && !Number.isNaN(due.getTime()) ? due : null }, timezone);
}

function displayIn(answer: RequestAnswer | undefined, lang: Lang): string {
  return answer ? answer.display[lang] : SKIPPED;
}

// ---- questions (re-emitted on entry, on reprompt and after a wrong answer) ----

function typeQuestion(ctx: RequestContext): Reply {
  return {
    key: 'request:chooseType',
    choices: availableTypes(ctx).map((t) => ({ id: `type:${t.id}`, key: 'request:typeOption', params: { name: t.name } })),
  };
}

function openQuestion(ctx: RequestContext): Reply {
  const open = ctx.open;
  return {
    key: 'request:alreadyOpen',
    params: {
      type: ctx.type?.name ?? { ar: SKIPPED, en: SKIPPED },
      ref: open?.ref ?? SKIPPED,
      status: open?.status ?? 'submitted',
      ...answerParams(open?.deadline ?? { kind: 'none' }, open?.dueAt ?? null, ctx.calendar.timezone),
    },
    choices: [
      { id: 'status', key: 'request:seeStatus' },
      { id: 'menu', key: 'request:backToMenu' },
    ],
  };
}

function eligibilityQuestion(ctx: RequestContext): Reply {
  const q = currentQuestion(ctx);
  return {
    key: 'request:eligibility.question',
    params: {
      question: q?.question ?? { ar: SKIPPED, en: SKIPPED },
      n: ctx.eligibilityIndex + 1,
      total: ctx.type?.eligibility.length ?? 0,
    },
    choices: [
      { id: 'yes', key: 'common:yes' },
      { id: 'no', key: 'common:no' },
    ],
  };
}

function ineligibleQuestion(ctx: RequestContext): Reply {
  const id = ctx.eligibility?.replace(/^may_not_qualify:/, '');
  const q = ctx.type?.eligibility.find((e) => e.id === id);
  return {
    key: 'request:eligibility.mayNotQualify',
    params: {
      explanation: q?.explanation ?? { ar: SKIPPED, en: SKIPPED },
      committee: ctx.committee?.name ?? { ar: SKIPPED, en: SKIPPED },
    },
    choices: [
      { id: 'continue', key: 'request:continueAnyway' },
      { id: 'menu', key: 'request:backToMenu' },
    ],
  };
}

/** The question key of a field: its type's hint, narrowed for documents of one accepted kind. */
function hintKey(field: RequestField): string {
  if (field.type === 'document' && field.accept?.length === 1)
    return field.accept[0] === 'pdf' ? 'request:hint.documentPdf' : 'request:hint.documentImage';
  return `request:hint.${field.type}`;
}

function fieldQuestion(ctx: RequestContext): Reply {
  const field = currentField(ctx);
  if (!field) return { key: 'common:notUnderstood' };
  const choices: Choice[] = [];
  if (field.type === 'choice') {
    for (const o of field.options ?? []) choices.push({ id: `opt:${o.id}`, key: 'request:option', params: { label: o.label } });
  }
  if (!field.required) choices.push({ id: 'skip', key: 'common:skip' });
  return {
    key: hintKey(field),
    params: { label: field.label, n: ctx.fieldIndex + 1, total: ctx.type?.fields.length ?? 0 },
    ...(choices.length > 0 ? { choices } : {}),
  };
}

function summaryQuestion(ctx: RequestContext): Reply {
  const fields = ctx.type?.fields ?? [];
  const lines = (lang: Lang) => fields.map((f) => `• ${f.label[lang]}: ${displayIn(ctx.answers[f.id], lang)}`).join('\n');
  return {
    key: 'request:summary',
    params: { type: ctx.type?.name ?? { ar: SKIPPED, en: SKIPPED }, lines: { ar: lines('ar'), en: lines('en') } },
    choices: [
      { id: 'confirm', key: 'common:confirm' },
      ...fields.map((f) => ({ id: `edit:${f.id}`, key: 'request:editField', params: { label: f.label } })),
      { id: 'cancel', key: 'common:cancel' },
    ],
  };
}

function attestationQuestion(): Reply {
  return {
    key: ATTESTATION_KEY,
    choices: [
      { id: 'agree', key: 'request:agree' },
      { id: 'cancel', key: 'common:cancel' },
    ],
  };
}

/** Whether the question of the current field offered choices (so "choose from the list" makes sense). */
function fieldHasChoices(ctx: RequestContext): boolean {
  const field = currentField(ctx);
  return !!field && (field.type === 'choice' || !field.required);
}

const reply = (r: Reply): FlowEmitted => ({ type: 'reply', ...r });

/** Field types, each asked by its own question state so that the state's tag says what it asks. */
const FIELD_TYPES = ['nationalId', 'phone', 'iban', 'date', 'number', 'choice', 'text', 'document', 'fullName'] as const;

function stuckQuestion(): Reply {
  return {
    key: 'common:stuck',
    choices: [
      { id: 'retry', key: 'common:tryAgain' },
      { id: 'human', key: 'common:talkToPerson' },
      { id: 'menu', key: 'request:backToMenu' },
    ],
  };
}

/** Reads a yes/no answer: the buttons, or "ايه" / "لا" / "yes" typed (src/domain/wording.ts). */
function readYesNo(event: FlowEvent): Reading<never> | null {
  const input = inputOf(event);
  if (!input) return null;
  if (input.kind === 'text') {
    const yn = yesNo(input.text);
    if (yn) return { kind: 'choice', id: yn };
    return { kind: 'invalid', reply: { key: 'common:yesOrNo' } };
  }
  return readChoice(event);
}

/** The new-request dialogue (R3b, R3d, R3e, R10). */
const requestSetup = setup({
  types: {
    context: {} as RequestContext,
    input: {} as RequestInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
    tags: {} as QuestionTag,
  },
  actors: {
    findOpenRequest: serviceActors.findOpenRequest,
  },
  guards: {
    ...questionGuards,
    hasNoTypes: ({ context }) => availableTypes(context).length === 0,
    hasPreselectedType: ({ context }) => selectedType(context, null) !== undefined,
    isTypeChoice: ({ context }) => context.reading?.kind === 'choice' && selectedType(context, context.reading.id) !== undefined,
    hasMoreQuestions: ({ context }) => context.eligibilityIndex < (context.type?.eligibility.length ?? 0),
    isEligibleAnswer: ({ context }) => {
      const r = context.reading;
      const q = currentQuestion(context);
      return !!q && r?.kind === 'choice' && (r.id === 'yes' || r.id === 'no') && r.id !== q.ineligibleIf;
    },
    isIneligibleAnswer: ({ context }) => {
      const r = context.reading;
      const q = currentQuestion(context);
      return !!q && r?.kind === 'choice' && (r.id === 'yes' || r.id === 'no') && r.id === q.ineligibleIf;
    },
    hasContinued: ({ context }) => context.continued,
    isEditing: ({ context }) => context.editing,
    hasMoreFields: ({ context }) => context.fieldIndex < (context.type?.fields.length ?? 0),
    isFieldType: ({ context }, params: { type: RequestField['type'] }) => currentField(context)?.type === params.type,
    isEditChoice: ({ context }) => {
      const r = context.reading;
      return r?.kind === 'choice' && !!context.type?.fields.some((f) => `edit:${f.id}` === r.id);
    },
    canSubmit: ({ context }) =>
      questionGuards.picked({ context }, { id: 'agree' }) && context.at !== null && answerTime(context, context.at) !== undefined,
    needsOfficerReview: ({ context }) => context.type?.officerReview === true,
  },
  actions: {
    say: emit((_, params: { key: string }) => reply({ key: params.key })),
    askType: emit(({ context }) => reply(typeQuestion(context))),
    askOpen: emit(({ context }) => reply(openQuestion(context))),
    askEligibility: emit(({ context }) => reply(eligibilityQuestion(context))),
    askIneligible: emit(({ context }) => reply(ineligibleQuestion(context))),
    askField: emit(({ context }) => reply(fieldQuestion(context))),
    askStuck: emit(() => reply(stuckQuestion())),
    askSummary: emit(({ context }) => reply(summaryQuestion(context))),
    askAttestation: emit(() => reply(attestationQuestion())),
    readChoice: assign(({ event }) => ({ reading: readChoice(event), at: event.type === 'user.message' ? event.at : null })),
    readYesNo: assign(({ event }) => ({ reading: readYesNo(event) })),
    readField: assign(({ context, event }) => ({ reading: readField(context, event) })),
    // A question typed at a field ("why do you need my ID?") is answered; it is not a failure.
    explainField: emit(({ context }) => {
      const field = currentField(context);
      return reply({
        key: `request:why.${field?.type ?? 'text'}`,
        params: { label: field?.label ?? { ar: SKIPPED, en: SKIPPED }, type: context.type?.name ?? { ar: SKIPPED, en: SKIPPED } },
      });
    }),
    selectType: assign(({ context }) => {
      const id = context.reading?.kind === 'choice' ? context.reading.id : null;
      const type = selectedType(context, id) ?? null;
      const committee = type ? (context.committees.find((c) => c.id === type.committee) ?? null) : null;
      // Keep the context small: only the chosen type and its committee from here on.
      return { type, committee, requestTypes: [], committees: [], typeId: null };
    }),
    introduce: emit(({ context }) =>
      reply({
        key: 'request:intro',
        params: {
          type: context.type?.name ?? { ar: SKIPPED, en: SKIPPED },
          description: context.type?.description ?? { ar: SKIPPED, en: SKIPPED },
        },
      }),
    ),
    passQuestion: assign(({ context }) => ({
      eligibilityIndex: context.eligibilityIndex + 1,
      // R10: all questions passed so far; the committee still decides.
      eligibility: context.eligibility ?? 'likely_eligible',
    })),
    failQuestion: assign(({ context }) => {
      const id = currentQuestion(context)?.id ?? 'unknown';
      const earlier = context.eligibility?.startsWith('may_not_qualify:') ? `${context.eligibility},` : 'may_not_qualify:';
      return { eligibility: `${earlier}${id}`, eligibilityIndex: context.eligibilityIndex + 1 };
    }),
    // R10: "continue anyway" goes on with the remaining pre-check questions.
    continueAnyway: assign({ continued: true }),
    skipField: assign(({ context }) => {
      const field = currentField(context);
      if (!field) return {};
      return {
        answers: { ...context.answers, [field.id]: { value: null, display: { ar: SKIPPED, en: SKIPPED } } },
        fieldIndex: context.editing ? context.fieldIndex : context.fieldIndex + 1,
      };
    }),
    storeField: assign(({ context }) => {
      const field = currentField(context);
      const o = context.reading;
      if (!field || o?.kind !== 'valid') return {};
      return {
        answers: {
          ...context.answers,
          [field.id]: { value: o.value, display: o.display ?? { ar: String(o.value), en: String(o.value) } },
        },
        fieldIndex: context.editing ? context.fieldIndex : context.fieldIndex + 1,
      };
    }),
    // R3c: the person chose a person after repeated refusals; the summary names the step, never values (R6).
    handOffValidation: emit(({ context }) => ({
      type: 'handoff' as const,
      reason: 'validation_failed',
      ...(context.type ? { category: context.type.category } : {}),
      summary: { flow: 'request', step: currentField(context)?.id ?? '', requestType: context.type?.id ?? '' },
    })),
    toHandoff: assign({ result: { next: 'handoff' } }),
    startEdit: assign(({ context }) => {
      const id = context.reading?.kind === 'choice' ? context.reading.id.slice('edit:'.length) : '';
      const index = context.type?.fields.findIndex((f) => f.id === id) ?? -1;
      return index < 0 ? {} : { fieldIndex: index, editing: true };
    }),
    endEdit: assign({ editing: false }),
    // R3e: the answer time as the committee's policy states it, on the association's working calendar.
    prepareSubmission: assign(({ context }) => {
      const answer = context.at ? answerTime(context, context.at) : undefined;
      return answer ? { ref: context.reference, dueAt: answer.dueAt } : {};
    }),
    submit: emit(({ context }) => {
      const data: Record<string, string | number> = {};
      for (const f of context.type?.fields ?? []) {
        const v = context.answers[f.id]?.value;
        if (v !== null && v !== undefined) data[f.id] = v;
      }
      const at = context.at ?? '';
      return {
        type: 'effect' as const,
        effect: {
          kind: 'request.create' as const,
          ref: context.ref ?? context.reference,
          typeId: context.type?.id ?? '',
          committee: context.committee?.id ?? '',
          deadline: context.committee?.deadline ?? { kind: 'none' },
          dueAt: context.dueAt,
          data,
          ...(context.eligibility ? { eligibility: context.eligibility } : {}),
          // R3d: the attestation as shown, with the time the person agreed.
          attestation: { key: ATTESTATION_KEY, at },
          at,
        },
      };
    }),
    saySubmitted: emit(({ context }) =>
      reply({
        key: 'request:submitted',
        params: {
          ref: context.ref ?? context.reference,
          type: context.type?.name ?? { ar: SKIPPED, en: SKIPPED },
          committee: context.committee?.name ?? { ar: SKIPPED, en: SKIPPED },
          ...answerParams(context.committee?.deadline ?? { kind: 'none' }, context.dueAt, context.calendar.timezone),
        },
      }),
    ),
    handOffReview: emit(({ context }) => ({
      type: 'handoff' as const,
      reason: 'officer_review',
      ...(context.type ? { category: context.type.category } : {}),
      summary: { flow: 'request', requestType: context.type?.id ?? '', ref: context.ref ?? '' },
    })),
    toMenu: assign({ result: { next: 'menu' } }),
    toStatus: assign(({ context }) => ({ result: { next: 'status', nextInput: { ref: context.open?.ref ?? '' } } })),
    ...questionActions<RequestContext>(),
  },
});

/** R3b: one question state per field type; each reads the message once and carries its type's tag. */
const fieldStates = Object.fromEntries(
  FIELD_TYPES.map((type) => [
    type,
    question(requestSetup, type, {
      ask: 'askField',
      read: 'readField',
      tags: ['formStep', fieldTag(type)],
      answers: [
        { guard: 'isSkip', target: '#request.fieldsNext', actions: 'skipField' },
        { guard: 'isValid', target: '#request.fieldsNext', actions: 'storeField' },
      ],
      help: 'explainField',
      ladder: '#request.stuck',
    }),
  ]),
);

export const requestMachine = requestSetup.createMachine({
  id: 'request',
  context: ({ input }) => ({
    ...asking,
    beneficiaryId: input.beneficiaryId,
    lang: input.lang,
    requestTypes: input.requestTypes,
    committees: input.committees,
    calendar: input.calendar,
    typeId: input.typeId ?? null,
    type: null,
    committee: null,
    open: null,
    eligibilityIndex: 0,
    eligibility: null,
    fieldIndex: 0,
    editing: false,
    continued: false,
    at: null,
    reference: input.reference,
    answers: {},
    ref: null,
    dueAt: null,
    result: { next: 'menu' },
  }),
  output: ({ context }) => context.result,
  initial: 'start',
  states: {
    start: {
      always: [
        { guard: 'hasNoTypes', target: 'done', actions: [{ type: 'say', params: { key: 'request:noTypes' } }, 'toMenu'] },
        { guard: 'hasPreselectedType', target: 'checkOpen', actions: 'selectType' },
        { target: 'chooseType' },
      ],
    },
    chooseType: question(requestSetup, 'chooseType', {
      ask: 'askType',
      read: 'readChoice',
      tags: ['asksChoice'],
      answers: [{ guard: 'isTypeChoice', target: 'checkOpen', actions: 'selectType' }],
    }),
    checkOpen: {
      invoke: {
        src: 'findOpenRequest',
        input: ({ context }) => ({ beneficiaryId: context.beneficiaryId, typeId: context.type?.id ?? '' }),
        onDone: [
          {
            guard: ({ event }) => event.output !== null,
            target: 'openFound',
            actions: assign(({ event }) => ({
              open: event.output
                ? {
                    ref: event.output.ref,
                    status: event.output.status,
                    deadline: event.output.deadline,
                    dueAt: event.output.dueAt,
                  }
                : null,
            })),
          },
          { target: 'eligibilityNext', actions: 'introduce' },
        ],
        onError: { target: 'done', actions: [{ type: 'say', params: { key: 'request:lookupFailed' } }, 'toMenu'] },
      },
      on: {
        // The look-up is quick; anything arriving meanwhile gets a short "one moment".
        'flow.reprompt': { actions: { type: 'say', params: { key: 'request:pleaseWait' } } },
        'user.message': { actions: { type: 'say', params: { key: 'request:pleaseWait' } } },
      },
    },
    openFound: question(requestSetup, 'openFound', {
      ask: 'askOpen',
      read: 'readChoice',
      tags: ['asksChoice'],
      answers: [
        { guard: { type: 'picked', params: { id: 'status' } }, target: 'done', actions: 'toStatus' },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done', actions: 'toMenu' },
      ],
    }),
    eligibilityNext: {
      always: [{ guard: 'hasMoreQuestions', target: 'eligibility' }, { target: 'fieldsNext' }],
    },
    eligibility: question(requestSetup, 'eligibility', {
      ask: 'askEligibility',
      read: 'readYesNo',
      tags: ['asksYesNo'],
      answers: [
        { guard: 'isEligibleAnswer', target: 'eligibilityNext', actions: 'passQuestion' },
        // After "continue anyway" a further "no" is recorded and the questions go on (R10).
        {
          guard: and(['isIneligibleAnswer', 'hasContinued']),
          target: 'eligibilityNext',
          actions: 'failQuestion',
        },
        { guard: 'isIneligibleAnswer', target: 'ineligible', actions: 'failQuestion' },
      ],
    }),
    // R10: an honest pre-check result; the committee decides, so the person may still apply.
    ineligible: question(requestSetup, 'ineligible', {
      ask: 'askIneligible',
      read: 'readChoice',
      tags: ['asksChoice'],
      answers: [
        { guard: { type: 'picked', params: { id: 'continue' } }, target: 'eligibilityNext', actions: 'continueAnyway' },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done', actions: 'toMenu' },
      ],
    }),
    fieldsNext: {
      always: [
        { guard: 'isEditing', target: 'summary', actions: 'endEdit' },
        { guard: 'hasMoreFields', target: 'fields' },
        { target: 'summary' },
      ],
    },
    // R3b: every field is validated before it is accepted.
    fields: {
      initial: 'route',
      states: {
        route: {
          always: FIELD_TYPES.map((type) => ({ guard: { type: 'isFieldType' as const, params: { type } }, target: type })),
        },
        ...fieldStates,
      },
    },
    // No dead end: after repeated refusals the person chooses what happens next.
    stuck: question(requestSetup, 'stuck', {
      ask: 'askStuck',
      read: 'readChoice',
      tags: ['asksChoice'],
      answers: [
        { guard: { type: 'picked', params: { id: 'retry' } }, target: 'fields' },
        {
          guard: { type: 'picked', params: { id: 'human' } },
          target: 'done',
          actions: [{ type: 'say', params: { key: 'request:validationHandoff' } }, 'handOffValidation', 'toHandoff'],
        },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done', actions: 'toMenu' },
      ],
    }),
    summary: question(requestSetup, 'summary', {
      ask: 'askSummary',
      read: 'readChoice',
      tags: ['asksConfirmation'],
      answers: [
        { guard: { type: 'picked', params: { id: 'confirm' } }, target: 'attest' },
        { guard: 'isEditChoice', target: 'fields', actions: 'startEdit' },
        {
          guard: { type: 'picked', params: { id: 'cancel' } },
          target: 'done',
          actions: [{ type: 'say', params: { key: 'request:cancelled' } }, 'toMenu'],
        },
      ],
    }),
    // R3d: the person attests that the data is correct and complete before anything is saved.
    attest: question(requestSetup, 'attest', {
      ask: 'askAttestation',
      read: 'readChoice',
      tags: ['asksConfirmation'],
      answers: [
        { guard: 'canSubmit', target: 'submitted', actions: ['prepareSubmission', 'submit', 'saySubmitted'] },
        {
          guard: { type: 'picked', params: { id: 'agree' } },
          target: 'done',
          actions: [{ type: 'say', params: { key: 'request:submitFailed' } }, 'toMenu'],
        },
        {
          guard: { type: 'picked', params: { id: 'cancel' } },
          target: 'done',
          actions: [{ type: 'say', params: { key: 'request:cancelled' } }, 'toMenu'],
        },
      ],
    }),
    submitted: {
      always: [
        {
          guard: 'needsOfficerReview',
          target: 'done',
          actions: [{ type: 'say', params: { key: 'request:officerReview' } }, 'handOffReview', 'toHandoff'],
        },
        { target: 'done', actions: 'toMenu' },
      ],
    },
    done: { type: 'final' },
  },
});
