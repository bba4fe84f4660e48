/**
 * The new-request dialogue: choose a request type, check for an open request of that type,
 * run the eligibility pre-check (R10), collect and validate the form fields (R3b), show a summary
 * to correct, take the attestation (R3d), then submit with a reference and the committee's
 * expected answer date (R3e).
 */
import { assign, emit, enqueueActions, setup } from 'xstate';
import { dueDate, localDateText, type WorkCalendar } from '../src/domain/calendar.js';
import type { Committee, RequestField, RequestType } from '../src/domain/profile.js';
import { newReference } from '../src/domain/reference.js';
import { validateField } from '../src/domain/validators.js';
import { serviceActors } from './services.js';
import type { BaseFlowInput, Choice, FlowEmitted, FlowEvent, FlowOutput, Lang, LocalText, Reply, UserInput } from './types.js';

/** Version of the request flow's snapshot shape; bump when a persisted snapshot would no longer fit. */
export const requestFlowVersion = 1;

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
}

/** One collected answer: the value to store and what the summary shows in each language. */
export interface RequestAnswer {
  /** `null` when an optional field was skipped; a document's attachment-store key when it has one. */
  value: string | number | null;
  display: LocalText;
}

/** Context of the new-request dialogue; JSON-serialisable because it is persisted. */
export interface RequestContext {
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
  open: { ref: string; status: string; dueAt: string } | null;
  eligibilityIndex: number;
  /** R10: 'likely_eligible' or 'may_not_qualify:<questionId>'; null when the type has no questions. */
  eligibility: string | null;
  fieldIndex: number;
  /** True while a field is re-asked from the summary. */
  editing: boolean;
  /** Consecutive failed answers to the current field. */
  failures: number;
  answers: Record<string, RequestAnswer>;
  ref: string | null;
  dueAt: string | null;
  result: FlowOutput;
}

/** R3d: the attestation text the person agrees to, stored with the request by key. */
export const ATTESTATION_KEY = 'request:attestation';

/** Failed answers to one field after which the person is handed to an officer (R3c). */
const MAX_FAILURES = 3;

const SKIPPED = '—';

type Outcome =
  | { kind: 'skip' }
  | { kind: 'stale' }
  | { kind: 'valid'; value: string | number; display: LocalText }
  | { kind: 'invalid'; error: string; params?: Record<string, string | number> };

function inputOf(event: FlowEvent): UserInput | null {
  return event.type === 'user.message' ? event.input : null;
}

function choiceOf(event: FlowEvent): string | null {
  const input = inputOf(event);
  return input?.kind === 'choice' ? input.id : null;
}

/** Types the person may choose: those whose committee exists. */
function availableTypes(ctx: RequestContext): RequestType[] {
  return ctx.requestTypes.filter((t) => ctx.committees.some((c) => c.id === t.committee));
}

/** The type an event or the input selects, if any. */
function selectedType(ctx: RequestContext, event: FlowEvent): RequestType | undefined {
  const types = availableTypes(ctx);
  const id = choiceOf(event);
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

/** What an input means for the current field; never throws. */
function classify(ctx: RequestContext, event: FlowEvent): Outcome {
  const field = currentField(ctx);
  const input = inputOf(event);
  if (!field || !input) return { kind: 'stale' };
  if (input.kind === 'choice') {
    if (input.id === 'skip' && !field.required) return { kind: 'skip' };
    const option = field.type === 'choice' ? field.options?.find((o) => `opt:${o.id}` === input.id) : undefined;
    if (!option) return { kind: 'stale' };
    return safeValidate(field, { kind: 'choice', id: option.id });
  }
  return safeValidate(field, input);
}

/** Validates with the domain validators, display in both languages. */
function safeValidate(field: RequestField, input: UserInput): Outcome {
  try {
    const ar = validateField(field, input, 'ar');
    if (!ar.ok) return { kind: 'invalid', error: ar.error, ...(ar.params ? { params: ar.params } : {}) };
    const en = validateField(field, input, 'en');
    // A document is kept by its key in the attachment store, so staff can open it.
    const value = input.kind === 'attachment' && input.attachment.storageKey ? input.attachment.storageKey : ar.value;
    return { kind: 'valid', value, display: { ar: ar.display, en: en.ok ? en.display : ar.display } };
  } catch {
    // A validator bug must not break the conversation: treat it as a wrong answer.
    return { kind: 'invalid', error: 'common:notUnderstood' };
  }
}

/** R3e: the expected answer date for a submission at `at`, or null when it cannot be computed. */
function answerDate(ctx: RequestContext, at: string): string | null {
  const from = new Date(at);
  if (!ctx.committee || Number.isNaN(from.getTime())) return null;
  try {
    return dueDate(from, ctx.committee.sla, ctx.calendar).toISOString();
  } catch {
    return null;
  }
}

/** A date as text in both languages, Gregorian with Hijri (Umm al-Qura) in brackets. */
function dateText(iso: string, timezone: string): LocalText {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { ar: SKIPPED, en: SKIPPED };
  return localDateText(d, timezone);
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
      due: dateText(open?.dueAt ?? '', ctx.calendar.timezone),
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

/** The new-request dialogue (R3b, R3d, R3e, R10). */
export const requestMachine = setup({
  types: {
    context: {} as RequestContext,
    input: {} as RequestInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
  },
  actors: {
    findOpenRequest: serviceActors.findOpenRequest,
  },
  guards: {
    hasNoTypes: ({ context }) => availableTypes(context).length === 0,
    hasSelectedType: ({ context, event }) => selectedType(context, event) !== undefined,
    isChoice: ({ event }, params: { id: string }) => choiceOf(event) === params.id,
    hasMoreQuestions: ({ context }) => context.eligibilityIndex < (context.type?.eligibility.length ?? 0),
    isEligibleAnswer: ({ context, event }) => {
      const id = choiceOf(event);
      const q = currentQuestion(context);
      return !!q && (id === 'yes' || id === 'no') && id !== q.ineligibleIf;
    },
    isIneligibleAnswer: ({ context, event }) => {
      const id = choiceOf(event);
      const q = currentQuestion(context);
      return !!q && (id === 'yes' || id === 'no') && id === q.ineligibleIf;
    },
    isFieldSkip: ({ context, event }) => classify(context, event).kind === 'skip',
    isFieldStale: ({ context, event }) => event.type === 'user.message' && classify(context, event).kind === 'stale',
    isFieldValid: ({ context, event }) => classify(context, event).kind === 'valid',
    isLastFailure: ({ context, event }) => classify(context, event).kind === 'invalid' && context.failures + 1 >= MAX_FAILURES,
    isEditing: ({ context }) => context.editing,
    hasMoreFields: ({ context }) => context.fieldIndex < (context.type?.fields.length ?? 0),
    isEditChoice: ({ context, event }) => {
      const id = choiceOf(event);
      return !!id && !!context.type?.fields.some((f) => `edit:${f.id}` === id);
    },
    canSubmit: ({ context, event }) =>
      event.type === 'user.message' && choiceOf(event) === 'agree' && answerDate(context, event.at) !== null,
    needsOfficerReview: ({ context }) => context.type?.officerReview === true,
  },
  actions: {
    say: emit((_, params: { key: string }) => reply({ key: params.key })),
    askType: emit(({ context }) => reply(typeQuestion(context))),
    askOpen: emit(({ context }) => reply(openQuestion(context))),
    askEligibility: emit(({ context }) => reply(eligibilityQuestion(context))),
    askIneligible: emit(({ context }) => reply(ineligibleQuestion(context))),
    askField: emit(({ context }) => reply(fieldQuestion(context))),
    askSummary: emit(({ context }) => reply(summaryQuestion(context))),
    askAttestation: emit(() => reply(attestationQuestion())),
    /** An unknown choice or an unexpected kind of message: say so, the state re-asks on re-entry. */
    sayChooseFromList: emit(() => reply({ key: 'common:chooseFromList' })),
    sayFieldNotUnderstood: emit(({ context }) =>
      reply({ key: fieldHasChoices(context) ? 'common:chooseFromList' : 'common:notUnderstood' }),
    ),
    selectType: assign(({ context, event }) => {
      const type = selectedType(context, event) ?? null;
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
    failQuestion: assign(({ context }) => ({ eligibility: `may_not_qualify:${currentQuestion(context)?.id ?? 'unknown'}` })),
    skipField: assign(({ context }) => {
      const field = currentField(context);
      if (!field) return {};
      return {
        answers: { ...context.answers, [field.id]: { value: null, display: { ar: SKIPPED, en: SKIPPED } } },
        failures: 0,
        fieldIndex: context.editing ? context.fieldIndex : context.fieldIndex + 1,
      };
    }),
    storeField: assign(({ context, event }) => {
      const field = currentField(context);
      const o = classify(context, event);
      if (!field || o.kind !== 'valid') return {};
      return {
        answers: { ...context.answers, [field.id]: { value: o.value, display: o.display } },
        failures: 0,
        fieldIndex: context.editing ? context.fieldIndex : context.fieldIndex + 1,
      };
    }),
    rejectField: enqueueActions(({ context, event, enqueue }) => {
      const o = classify(context, event);
      if (o.kind !== 'invalid') return;
      enqueue.assign({ failures: context.failures + 1 });
      enqueue.emit(reply({ key: o.error, ...(o.params ? { params: o.params } : {}) }));
    }),
    // R3c: after three wrong answers to one field a person helps; the summary names the step, never values (R6).
    handOffValidation: enqueueActions(({ context, enqueue }) => {
      const field = currentField(context);
      enqueue.emit(reply({ key: 'request:validationHandoff' }));
      enqueue.emit({
        type: 'handoff',
        reason: 'validation_failed',
        ...(context.type ? { category: context.type.category } : {}),
        summary: { flow: 'request', step: field?.id ?? '', requestType: context.type?.id ?? '', attempts: MAX_FAILURES },
      });
      enqueue.assign({ result: { next: 'handoff' } });
    }),
    startEdit: assign(({ context, event }) => {
      const id = choiceOf(event)?.slice('edit:'.length);
      const index = context.type?.fields.findIndex((f) => f.id === id) ?? -1;
      return index < 0 ? {} : { fieldIndex: index, editing: true, failures: 0 };
    }),
    endEdit: assign({ editing: false }),
    submit: enqueueActions(({ context, event, enqueue }) => {
      const type = context.type;
      const committee = context.committee;
      if (event.type !== 'user.message' || !type || !committee) return;
      const at = event.at;
      // R3e: the answer date follows the committee's SLA and the association's working calendar.
      const due = answerDate(context, at);
      if (!due) return;
      const ref = newReference('request');
      const data: Record<string, string | number> = {};
      for (const f of type.fields) {
        const v = context.answers[f.id]?.value;
        if (v !== null && v !== undefined) data[f.id] = v;
      }
      enqueue.assign({ ref, dueAt: due });
      enqueue.emit({
        type: 'effect',
        effect: {
          kind: 'request.create',
          ref,
          typeId: type.id,
          committee: committee.id,
          dueAt: due,
          data,
          ...(context.eligibility ? { eligibility: context.eligibility } : {}),
          // R3d: the attestation as shown, with the time the person agreed.
          attestation: { key: ATTESTATION_KEY, at },
          at,
        },
      });
      enqueue.emit(
        reply({
          key: 'request:submitted',
          params: {
            ref,
            type: type.name,
            committee: committee.name,
            due: dateText(due, context.calendar.timezone),
            bound: committee.sla.bound,
          },
        }),
      );
    }),
    handOffReview: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(reply({ key: 'request:officerReview' }));
      enqueue.emit({
        type: 'handoff',
        reason: 'officer_review',
        ...(context.type ? { category: context.type.category } : {}),
        summary: { flow: 'request', requestType: context.type?.id ?? '', ref: context.ref ?? '' },
      });
      enqueue.assign({ result: { next: 'handoff' } });
    }),
    toMenu: assign({ result: { next: 'menu' } }),
    toStatus: assign(({ context }) => ({ result: { next: 'status', nextInput: { ref: context.open?.ref ?? '' } } })),
  },
}).createMachine({
  id: 'request',
  context: ({ input }) => ({
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
    failures: 0,
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
        { guard: 'hasSelectedType', target: 'checkOpen', actions: 'selectType' },
        { target: 'chooseType' },
      ],
    },
    chooseType: {
      entry: 'askType',
      on: {
        'flow.reprompt': { target: 'chooseType', reenter: true },
        'user.message': [
          { guard: 'hasSelectedType', target: 'checkOpen', actions: 'selectType' },
          { target: 'chooseType', reenter: true, actions: 'sayChooseFromList' },
        ],
      },
    },
    checkOpen: {
      invoke: {
        src: 'findOpenRequest',
        input: ({ context }) => ({ beneficiaryId: context.beneficiaryId, typeId: context.type?.id ?? '' }),
        onDone: [
          {
            guard: ({ event }) => event.output !== null,
            target: 'openFound',
            actions: assign(({ event }) => ({
              open: event.output ? { ref: event.output.ref, status: event.output.status, dueAt: event.output.dueAt } : null,
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
    openFound: {
      entry: 'askOpen',
      on: {
        'flow.reprompt': { target: 'openFound', reenter: true },
        'user.message': [
          { guard: { type: 'isChoice', params: { id: 'status' } }, target: 'done', actions: 'toStatus' },
          { guard: { type: 'isChoice', params: { id: 'menu' } }, target: 'done', actions: 'toMenu' },
          { target: 'openFound', reenter: true, actions: 'sayChooseFromList' },
        ],
      },
    },
    eligibilityNext: {
      always: [{ guard: 'hasMoreQuestions', target: 'eligibility' }, { target: 'fieldsNext' }],
    },
    eligibility: {
      entry: 'askEligibility',
      on: {
        'flow.reprompt': { target: 'eligibility', reenter: true },
        'user.message': [
          { guard: 'isEligibleAnswer', target: 'eligibilityNext', actions: 'passQuestion' },
          { guard: 'isIneligibleAnswer', target: 'ineligible', actions: 'failQuestion' },
          { target: 'eligibility', reenter: true, actions: 'sayChooseFromList' },
        ],
      },
    },
    // R10: an honest pre-check result; the committee decides, so the person may still apply.
    ineligible: {
      entry: 'askIneligible',
      on: {
        'flow.reprompt': { target: 'ineligible', reenter: true },
        'user.message': [
          { guard: { type: 'isChoice', params: { id: 'continue' } }, target: 'fieldsNext' },
          { guard: { type: 'isChoice', params: { id: 'menu' } }, target: 'done', actions: 'toMenu' },
          { target: 'ineligible', reenter: true, actions: 'sayChooseFromList' },
        ],
      },
    },
    fieldsNext: {
      always: [
        { guard: 'isEditing', target: 'summary', actions: 'endEdit' },
        { guard: 'hasMoreFields', target: 'fields' },
        { target: 'summary' },
      ],
    },
    // R3b: every field is validated before it is accepted.
    fields: {
      entry: 'askField',
      on: {
        'flow.reprompt': { target: 'fields', reenter: true },
        'user.message': [
          { guard: 'isFieldSkip', target: 'fieldsNext', actions: 'skipField' },
          { guard: 'isFieldStale', target: 'fields', reenter: true, actions: 'sayFieldNotUnderstood' },
          { guard: 'isFieldValid', target: 'fieldsNext', actions: 'storeField' },
          { guard: 'isLastFailure', target: 'done', actions: 'handOffValidation' },
          { target: 'fields', reenter: true, actions: 'rejectField' },
        ],
      },
    },
    summary: {
      entry: 'askSummary',
      on: {
        'flow.reprompt': { target: 'summary', reenter: true },
        'user.message': [
          { guard: { type: 'isChoice', params: { id: 'confirm' } }, target: 'attest' },
          { guard: 'isEditChoice', target: 'fields', actions: 'startEdit' },
          {
            guard: { type: 'isChoice', params: { id: 'cancel' } },
            target: 'done',
            actions: [{ type: 'say', params: { key: 'request:cancelled' } }, 'toMenu'],
          },
          { target: 'summary', reenter: true, actions: 'sayChooseFromList' },
        ],
      },
    },
    // R3d: the person attests that the data is correct and complete before anything is saved.
    attest: {
      entry: 'askAttestation',
      on: {
        'flow.reprompt': { target: 'attest', reenter: true },
        'user.message': [
          { guard: 'canSubmit', target: 'submitted', actions: 'submit' },
          {
            guard: { type: 'isChoice', params: { id: 'agree' } },
            target: 'done',
            actions: [{ type: 'say', params: { key: 'request:submitFailed' } }, 'toMenu'],
          },
          {
            guard: { type: 'isChoice', params: { id: 'cancel' } },
            target: 'done',
            actions: [{ type: 'say', params: { key: 'request:cancelled' } }, 'toMenu'],
          },
          { target: 'attest', reenter: true, actions: 'sayChooseFromList' },
        ],
      },
    },
    submitted: {
      always: [
        { guard: 'needsOfficerReview', target: 'done', actions: 'handOffReview' },
        { target: 'done', actions: 'toMenu' },
      ],
    },
    done: { type: 'final' },
  },
});
