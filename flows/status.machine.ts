/**
 * The "my requests" dialogue (R3h): the person's own requests and complaints, one case in detail
 * (status, committee, dates in Gregorian and Hijri, decision note, history), supplying missing
 * information when the committee asked for it, and rating a served case (R8).
 */
import { and, assign, emit, enqueueActions, setup } from 'xstate';
import { stripInvisible } from '../src/domain/arabic.js';
import { localDateText, type WorkCalendar } from '../src/domain/calendar.js';
import { ALL_STATUSES, isRateable as isRateableStatus, isWatched, nextStatus } from '../src/domain/case-lifecycle.js';
import { countsFromCompletion, deadlineDate, deadlineParams } from '../src/domain/deadline.js';
import { normalizeReference } from '../src/domain/reference.js';
import {
  type Asking,
  asking,
  inputOf,
  notExpected,
  type QuestionTag,
  question,
  questionActions,
  questionGuards,
  type Reading,
} from './question.js';
import { serviceActors } from './services.js';
import type {
  BaseFlowInput,
  CaseSummary,
  Choice,
  FlowEmitted,
  FlowEvent,
  FlowHandovers,
  FlowOutput,
  Lang,
  LocalText,
  ReplyParams,
  UserInput,
} from './types.js';

/** Version of the status dialogue; bump when a persisted snapshot would no longer fit. */
export const statusFlowVersion = 3;

type StatusHandover = FlowHandovers['status'];

/** Input of the status dialogue: the hand-over (a reference, or none for the list) and the calendar. */
export interface StatusInput extends BaseFlowInput, StatusHandover {
  /** A reference the person already gave (any form; normalised here). Without it, the list is shown. */
  ref?: string;
  /** Timezone for displayed dates; the product default (Asia/Riyadh) when absent. */
  timezone?: string;
  /** R3e: the association's working calendar, to move a deadline counted from completion. */
  calendar?: WorkCalendar;
}

/** A case as the list shows it. */
export interface CaseItem {
  ref: string;
  kind: CaseSummary['kind'];
  title: LocalText;
  status: string;
}

/** What the status dialogue remembers between turns (persisted, JSON only, small). */
export interface StatusContext extends Asking<string | Record<string, unknown>> {
  beneficiaryId: string;
  lang: Lang;
  timezone: string | null;
  calendar: WorkCalendar | null;
  /** The reference being looked up or shown. */
  ref: string | null;
  /** The listed cases (at most {@link MAX_LISTED}). */
  cases: CaseItem[];
  /** The case shown in detail, its history cut to {@link MAX_HISTORY} lines. */
  current: CaseSummary | null;
  outcome: FlowOutput;
}

/** Cases offered as choices at once. */
export const MAX_LISTED = 10;
/** History lines shown (the latest ones). */
export const MAX_HISTORY = 5;
/** Longest text accepted as the missing information. */
export const MAX_SUPPLY_CHARS = 2000;
/** How much of an unknown reference is repeated back. */
const MAX_ECHO_CHARS = 20;

/** Attachment kinds that can carry missing information (a sticker cannot). */
const SUPPLY_KINDS = new Set(['image', 'document', 'audio', 'video']);

const menuChoice: Choice = { id: 'menu', key: 'status:choice.menu' };
const afterSupplyChoices: Choice[] = [{ id: 'back', key: 'status:choice.myRequests' }, menuChoice];

/** The status id to translate under 'status:state.<id>': a lifecycle status, else 'other'. */
export function statusKey(status: string): string {
  return (ALL_STATUSES as readonly string[]).includes(status) ? status : 'other';
}

/** A date as LocalText, Gregorian with Hijri (Umm al-Qura) in brackets; the raw text when unreadable. */
export function localDate(iso: string, timezone: string | null): LocalText {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { ar: iso, en: iso };
  return localDateText(d, timezone ?? undefined);
}

function cleanText(input: UserInput | null): string | null {
  return input?.kind === 'text' ? stripInvisible(input.text).trim() : null;
}

/** The reference typed in a text message, canonical, or null. */
function typedRef(input: UserInput | null): string | null {
  const text = cleanText(input);
  // A reference is short; a long message cannot be one and is not worth scanning.
  return text && text.length <= 40 ? normalizeReference(text) : null;
}

/**
 * At a list or a case: a choice, a typed reference (valid), or what the question expected
 * (`textReply` for other text).
 */
function readCases(input: UserInput | null, textReply: string): Reading<string> | null {
  if (!input) return null;
  if (input.kind === 'choice') return { kind: 'choice', id: input.id };
  const ref = typedRef(input);
  if (ref) return { kind: 'valid', value: ref };
  if (input.kind === 'text') return { kind: 'invalid', reply: { key: textReply } };
  return { kind: 'invalid', reply: notExpected(input) };
}

/** The missing information a message carries, or why it carries none usable. */
function readSupply(input: UserInput | null): Reading<Record<string, unknown>> | null {
  if (!input) return null;
  if (input.kind === 'choice') return { kind: 'choice', id: input.id };
  const data = suppliedData(input);
  return data ? { kind: 'valid', value: data } : { kind: 'invalid', reply: { key: supplyProblem(input) } };
}

/** The missing information a message carries, or null when it carries none usable. */
export function suppliedData(input: UserInput): Record<string, unknown> | null {
  if (input.kind === 'text') {
    const text = stripInvisible(input.text).trim();
    if (!/[\p{L}\p{N}]/u.test(text) || Array.from(text).length > MAX_SUPPLY_CHARS) return null;
    return { text };
  }
  if (input.kind === 'attachment') {
    const att = input.attachment;
    if (!SUPPLY_KINDS.has(att.kind) || !att.storageKey) return null;
    const attachment: Record<string, string> = { kind: att.kind, storageKey: att.storageKey };
    if (att.fileName) attachment.fileName = att.fileName;
    const caption = input.caption ? stripInvisible(input.caption).trim() : '';
    return caption ? { attachment, text: Array.from(caption).slice(0, MAX_SUPPLY_CHARS).join('') } : { attachment };
  }
  return null;
}

/** Why a supplied message was not accepted: its reply key. */
function supplyProblem(input: UserInput | null): string {
  if (input?.kind === 'text') {
    return Array.from(stripInvisible(input.text).trim()).length > MAX_SUPPLY_CHARS
      ? 'status:supply.tooLong'
      : 'status:supply.empty';
  }
  if (input?.kind === 'attachment' && SUPPLY_KINDS.has(input.attachment.kind)) return 'status:supply.fileNotReceived';
  if (input?.kind === 'choice') return 'common:chooseFromList';
  return 'common:unsupportedAttachment';
}

/** R8: a served request or a resolved complaint not yet rated (the lifecycle says which). */
function isRateable(c: CaseSummary): boolean {
  return !c.rated && isRateableStatus(c.kind, c.status);
}

/** R3h: the committee asked the person for information (the lifecycle accepts it from this status). */
function awaitsInfo(c: CaseSummary | null): boolean {
  return c !== null && nextStatus(c.kind, c.status, { type: 'info.supplied' }) !== null;
}

/**
 * R3e: how the answer time is stated for a case, or null once no answer is awaited (decided,
 * closed). While the person owes information, a date counted from completion is not running yet.
 */
function answerReply(c: CaseSummary, timezone: string | null): FlowEmitted | null {
  const waiting = awaitsInfo(c);
  if (!waiting && !isWatched(c.kind, c.status)) return null;
  const due = waiting && countsFromCompletion(c.deadline) ? null : c.dueAt === null ? null : new Date(c.dueAt);
  const params = deadlineParams({ rule: c.deadline, dueAt: due && !Number.isNaN(due.getTime()) ? due : null }, zone(timezone));
  return reply(`deadline:answer.${params.deadline}`, { ...params });
}

function zone(timezone: string | null): string {
  return timezone ?? 'Asia/Riyadh';
}

/** R3e: the date a deadline counted from completion gives when the case is complete at `at`. */
function movedDueAt(c: CaseSummary, at: string, calendar: WorkCalendar): string | null {
  const completedAt = new Date(at);
  if (Number.isNaN(completedAt.getTime())) return null;
  try {
    const due = deadlineDate(c.deadline, { submittedAt: new Date(c.createdAt), completedAt }, calendar);
    return due ? due.toISOString() : null;
  } catch {
    return null;
  }
}

function trimmedCase(c: CaseSummary): CaseSummary {
  return { ...c, history: c.history.slice(-MAX_HISTORY).map(({ status, at }) => ({ status, at })) };
}

function listChoices(ctx: StatusContext): Choice[] {
  return [
    ...ctx.cases.map((c) => ({
      id: `case:${c.ref}`,
      key: 'status:caseChoice',
      params: { ref: c.ref, title: c.title, status: statusKey(c.status) },
    })),
    menuChoice,
  ];
}

function detailChoices(c: CaseSummary | null): Choice[] {
  const choices: Choice[] = [];
  if (awaitsInfo(c)) choices.push({ id: 'supply', key: 'status:choice.supply' });
  if (c && isRateable(c)) choices.push({ id: 'rate', key: 'status:choice.rate' });
  choices.push({ id: 'back', key: 'status:choice.back' }, menuChoice);
  return choices;
}

function detailReplies(ctx: StatusContext): FlowEmitted[] {
  const c = ctx.current;
  if (!c) return [];
  const params: ReplyParams = {
    ref: c.ref,
    title: c.title,
    status: statusKey(c.status),
    committee: c.committee,
    createdAt: localDate(c.createdAt, ctx.timezone),
  };
  // A nesting marker in the back office's free text would switch off the status translation.
  if (c.decisionNote) params.note = c.decisionNote.replace(/\$t\(/g, '$t (');
  const out: FlowEmitted[] = [{ type: 'reply', key: c.decisionNote ? 'status:detail.withNote' : 'status:detail.plain', params }];
  const answer = answerReply(c, ctx.timezone);
  if (answer) out.push(answer);
  if (c.history.length > 0) {
    // One template per line count, so that each status is translated through 'status:state.<id>'.
    const lines: ReplyParams = {};
    c.history.forEach((h, i) => {
      lines[`s${i + 1}`] = statusKey(h.status);
      lines[`d${i + 1}`] = localDate(h.at, ctx.timezone);
    });
    out.push({ type: 'reply', key: `status:history.n${c.history.length}`, params: lines });
  }
  out.push(actionsReply(ctx));
  return out;
}

function actionsReply(ctx: StatusContext): FlowEmitted {
  return { type: 'reply', key: 'status:actions', params: { ref: ctx.current?.ref ?? '' }, choices: detailChoices(ctx.current) };
}

function reply(key: string, params?: ReplyParams, choices?: Choice[]): FlowEmitted {
  const r: FlowEmitted = { type: 'reply', key };
  if (params) r.params = params;
  if (choices) r.choices = choices;
  return r;
}

const statusSetup = setup({
  types: {
    context: {} as StatusContext,
    input: {} as StatusInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
    tags: {} as QuestionTag,
  },
  actors: {
    listCases: serviceActors.listCases,
    getCase: serviceActors.getCase,
  },
  guards: {
    ...questionGuards,
    hasRef: ({ context }) => context.ref !== null,
    isCaseChoice: ({ context }) => {
      const r = context.reading;
      return r?.kind === 'choice' && context.cases.some((c) => `case:${c.ref}` === r.id);
    },
    needsInfo: ({ context }) => awaitsInfo(context.current),
    isRateable: ({ context }) => context.current !== null && isRateable(context.current),
  },
  actions: {
    readCases: assign(({ event }) => ({ reading: readCases(inputOf(event), 'status:invalidReference') })),
    readActions: assign(({ event }) => ({ reading: readCases(inputOf(event), 'common:chooseFromList') })),
    readSupply: assign(({ event }) => ({ reading: readSupply(inputOf(event)) })),
    storeTypedRef: assign(({ context }) => ({ ref: context.reading?.kind === 'valid' ? String(context.reading.value) : null })),
    storeChosenRef: assign(({ context }) => ({
      ref: context.reading?.kind === 'choice' ? context.reading.id.slice('case:'.length) : null,
    })),
    showNotFound: emit(({ context }) =>
      reply('status:notFound', { ref: context.ref ?? '' }, [{ id: 'list', key: 'status:choice.list' }, menuChoice]),
    ),
    showEmpty: emit(reply('status:none', undefined, [{ id: 'new_request', key: 'status:choice.newRequest' }, menuChoice])),
    showList: emit(({ context }) => reply('status:list', undefined, listChoices(context))),
    showDetail: enqueueActions(({ context, enqueue }) => {
      for (const r of detailReplies(context)) enqueue.emit(r);
    }),
    askAction: emit(({ context }) => actionsReply(context)),
    askSupply: emit(({ context }) =>
      reply('status:supply.ask', { ref: context.ref ?? '' }, [{ id: 'back', key: 'status:choice.cancelSupply' }]),
    ),
    // R3e (seed 002): the person is told the answer time again, with the new date when it moved.
    showSupplied: emit(({ context }) => {
      const c = context.current;
      const params = c
        ? deadlineParams({ rule: c.deadline, dueAt: c.dueAt ? new Date(c.dueAt) : null }, zone(context.timezone))
        : deadlineParams({ rule: { kind: 'none' }, dueAt: null }, zone(context.timezone));
      return reply('status:supply.received', { ref: context.ref ?? '', ...params }, afterSupplyChoices);
    }),
    askAfterSupply: emit(reply('status:supply.next', undefined, afterSupplyChoices)),
    /**
     * R3h: the missing information goes to the case; the engine writes it with this turn. The case
     * is complete now: R3e (seed 002) a deadline counted from completion is counted from here.
     */
    supplyInfo: enqueueActions(({ context, event, enqueue }) => {
      const at = event.type === 'user.message' ? event.at : '';
      const c = context.current;
      const moved = c && context.calendar && countsFromCompletion(c.deadline) ? movedDueAt(c, at, context.calendar) : null;
      enqueue.emit({
        type: 'effect',
        effect: {
          kind: 'request.supplyInfo',
          ref: c?.ref ?? context.ref ?? '',
          data: context.reading?.kind === 'valid' && typeof context.reading.value === 'object' ? context.reading.value : {},
          at,
          ...(moved ? { dueAt: moved } : {}),
        },
      });
      if (c) enqueue.assign({ current: { ...c, status: 'under_review', dueAt: moved ?? c.dueAt } });
    }),
    replyUnavailable: emit(reply('status:unavailable')),
    toRequest: assign({ outcome: { next: 'request' } }),
    // R8: the rating dialogue gets the chosen case itself (FlowHandovers['rating']).
    toRating: assign(({ context }) => ({
      outcome: context.current
        ? { next: 'rating' as const, nextInput: { target: { kind: context.current.kind, ref: context.current.ref } } }
        : { next: 'menu' as const },
    })),
    ...questionActions<StatusContext>(),
  },
});

/** The "my requests" dialogue machine. */
export const statusMachine = statusSetup.createMachine({
  id: 'status',
  context: ({ input }) => {
    const raw = input.ref === undefined ? '' : stripInvisible(input.ref).trim();
    return {
      ...asking,
      beneficiaryId: input.beneficiaryId,
      lang: input.lang,
      timezone: input.timezone ?? input.calendar?.timezone ?? null,
      calendar: input.calendar ?? null,
      ref: raw === '' ? null : (normalizeReference(raw) ?? Array.from(raw).slice(0, MAX_ECHO_CHARS).join('')),
      cases: [],
      current: null,
      outcome: { next: 'menu' },
    };
  },
  initial: 'start',
  output: ({ context }) => context.outcome,
  states: {
    start: {
      always: [{ guard: 'hasRef', target: 'loadingCase' }, { target: 'loadingList' }],
    },

    // R3h: the service returns the person's own cases only; anyone else's reference reads as unknown.
    loadingCase: {
      invoke: {
        src: 'getCase',
        input: ({ context }) => ({ beneficiaryId: context.beneficiaryId, ref: context.ref ?? '' }),
        onDone: [
          {
            guard: ({ event }) => event.output !== null,
            target: 'detail',
            actions: assign(({ event }) => (event.output ? { current: trimmedCase(event.output), ref: event.output.ref } : {})),
          },
          { target: 'notFound', actions: assign({ current: null }) },
        ],
        onError: { target: 'done', actions: 'replyUnavailable' },
      },
    },

    /** No case of the person's with that reference: another reference, the list, or the menu. */
    notFound: question(statusSetup, 'notFound', {
      ask: 'showNotFound',
      read: 'readCases',
      tags: ['asksReference'],
      answers: [
        { guard: { type: 'picked', params: { id: 'list' } }, target: 'loadingList' },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
        { guard: 'isValid', target: 'loadingCase', actions: 'storeTypedRef' },
      ],
    }),

    loadingList: {
      invoke: {
        src: 'listCases',
        input: ({ context }) => ({ beneficiaryId: context.beneficiaryId }),
        onDone: [
          { guard: ({ event }) => event.output.length === 0, target: 'empty', actions: assign({ cases: [] }) },
          {
            target: 'list',
            actions: assign({
              cases: ({ event }) =>
                event.output.slice(0, MAX_LISTED).map(({ ref, kind, title, status }) => ({ ref, kind, title, status })),
            }),
          },
        ],
        onError: { target: 'done', actions: 'replyUnavailable' },
      },
    },

    /** The person has no case yet: a new request or the menu. */
    empty: question(statusSetup, 'empty', {
      ask: 'showEmpty',
      read: 'readActions',
      tags: ['asksChoice'],
      answers: [
        {
          guard: { type: 'picked', params: { id: 'new_request' } },
          target: 'done',
          actions: 'toRequest',
        },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
        { guard: 'isValid', target: 'loadingCase', actions: 'storeTypedRef' },
      ],
    }),

    /** The person's latest cases as choices; a typed reference is accepted too. */
    list: question(statusSetup, 'list', {
      ask: 'showList',
      read: 'readCases',
      tags: ['asksChoice', 'asksReference'],
      answers: [
        { guard: 'isCaseChoice', target: 'loadingCase', actions: 'storeChosenRef' },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
        { guard: 'isValid', target: 'loadingCase', actions: 'storeTypedRef' },
      ],
    }),

    /** One case in detail, with what the person can do next. */
    detail: question(statusSetup, 'detail', {
      ask: 'showDetail',
      read: 'readActions',
      tags: ['asksChoice'],
      reask: 'askAction',
      answers: [
        { guard: and([{ type: 'picked', params: { id: 'supply' } }, 'needsInfo']), target: 'supplying' },
        {
          // R8: a served (or resolved) case not yet rated goes on to the rating dialogue, with it.
          guard: and([{ type: 'picked', params: { id: 'rate' } }, 'isRateable']),
          target: 'done',
          actions: 'toRating',
        },
        { guard: { type: 'picked', params: { id: 'back' } }, target: 'loadingList' },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
        { guard: 'isValid', target: 'loadingCase', actions: 'storeTypedRef' },
      ],
    }),

    /** The committee asked for more information: a text or a file. */
    supplying: question(statusSetup, 'supplying', {
      ask: 'askSupply',
      read: 'readSupply',
      tags: ['formStep', 'asksText', 'asksDocument'],
      answers: [
        { guard: { type: 'picked', params: { id: 'back' } }, target: 'detail' },
        { guard: 'isValid', target: 'supplied', actions: 'supplyInfo' },
      ],
    }),

    /** The information is on its way to the committee. */
    supplied: question(statusSetup, 'supplied', {
      ask: 'showSupplied',
      read: 'readActions',
      tags: ['asksChoice'],
      reask: 'askAfterSupply',
      answers: [
        { guard: { type: 'picked', params: { id: 'back' } }, target: 'loadingList' },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
        { guard: 'isValid', target: 'loadingCase', actions: 'storeTypedRef' },
      ],
    }),

    done: { type: 'final' },
  },
});
