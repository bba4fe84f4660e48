/**
 * The satisfaction-rating dialogue (R8): which service to rate (a given case, the person's served /
 * resolved cases not yet rated, or the service in general), a score from 1 to 5 however it is typed
 * (digits in either script, stars, faces, words), an optional comment, then a rating record. A low
 * score tells the person an officer will follow up; the engine alerts the officer from the effect.
 */
import { and, assign, emit, setup } from 'xstate';
import { normalizeArabic, stripInvisible, toLatinDigits } from '../src/domain/arabic.js';
import { isRateable } from '../src/domain/case-lifecycle.js';
import type { Profile } from '../src/domain/profile.js';
import { normalizeReference } from '../src/domain/reference.js';
import { validateText } from '../src/domain/validators.js';
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
import type {
  BaseFlowInput,
  CaseSummary,
  CaseTarget,
  Choice,
  FlowEmitted,
  FlowEvent,
  FlowHandovers,
  FlowOutput,
  LocalText,
  Reply,
  UserInput,
} from './types.js';

/** Version of the rating dialogue; bump when a persisted snapshot would no longer fit. */
export const ratingFlowVersion = 2;

/** What is being rated: a request or a complaint, by reference. */
export type RatingTarget = CaseTarget;

type RatingHandover = FlowHandovers['rating'];

/** Input of the rating dialogue: the hand-over (the case, when one was chosen) and the profile's questions. */
export interface RatingInput extends BaseFlowInput, RatingHandover {
  /** Set when started from a rating prompt or from "my requests". */
  target?: RatingTarget;
  questions: Profile['rating']['questions'];
}

/** A case the person may rate, as offered in a list. */
interface Candidate extends RatingTarget {
  title: LocalText;
}

/** What the rating dialogue remembers between turns (persisted, JSON only). */
export interface RatingContext extends Asking<number | string | null> {
  /** The time of the message being handled (the machine has no clock). */
  at: string | null;
  beneficiaryId: string;
  /** The (first) rating question of the profile. */
  question: LocalText | null;
  target: RatingTarget | null;
  targetTitle: LocalText | null;
  candidates: Candidate[];
  score: number | null;
}

/** A list message holds at most ten rows on WhatsApp. */
const MAX_CANDIDATES = 10;
const COMMENT = { maxLength: 1000 } as const;
const LOW_SCORE = 2;

const FACES: Record<string, number> = {
  '😡': 1,
  '😠': 1,
  '🤬': 1,
  '😭': 1,
  '😞': 2,
  '🙁': 2,
  '☹': 2,
  '😕': 2,
  '😟': 2,
  '👎': 2,
  '😐': 3,
  '😑': 3,
  '😶': 3,
  '🙂': 4,
  '😊': 4,
  '👍': 4,
  '😍': 5,
  '😀': 5,
  '😃': 5,
  '😄': 5,
  '😁': 5,
  '🤩': 5,
  '🥰': 5,
  '👌': 5,
};

/** Words people answer with, normalised (normalizeArabic); longer phrases are checked first. */
const WORDS: [string, number][] = (
  [
    ['ممتاز', 5],
    ['ممتازه', 5],
    ['ممتاز جدا', 5],
    ['رائع', 5],
    ['رائعه', 5],
    ['خمس نجوم', 5],
    ['excellent', 5],
    ['great', 5],
    ['perfect', 5],
    ['جيد جدا', 4],
    ['جيده جدا', 4],
    ['very good', 4],
    ['جيد', 3],
    ['جيده', 3],
    ['مقبول', 3],
    ['متوسط', 3],
    ['عادي', 3],
    ['good', 3],
    ['ok', 3],
    ['okay', 3],
    ['average', 3],
    ['سيء جدا', 1],
    ['سيئ جدا', 1],
    ['سيء للغايه', 1],
    ['very bad', 1],
    ['terrible', 1],
    ['awful', 1],
    ['سيء', 2],
    ['سيئ', 2],
    ['سيئه', 2],
    ['ضعيف', 2],
    ['ضعيفه', 2],
    ['bad', 2],
    ['poor', 2],
  ] as [string, number][]
).map(([w, n]) => [normalizeArabic(w), n]);

const STAR = /[⭐★🌟]/gu;

/**
 * Reads a score from 1 to 5: a choice '1'..'5', a digit in ASCII or Arabic-Indic ('٥'), '4/5',
 * a string of stars ('⭐⭐⭐⭐', '★★★'), a face (😡 1 … 😍 5) or a word ('ممتاز' 5, 'جيد جدا' 4,
 * 'جيد' 3, 'سيء' 2, 'سيء جدا' 1). Anything else is null.
 */
export function readScore(input: UserInput): number | null {
  if (input.kind === 'choice') return /^[1-5]$/.test(input.id) ? Number(input.id) : null;
  if (input.kind !== 'text') return null;
  // Variation selectors and skin tones do not change the meaning of an emoji.
  const text = toLatinDigits(stripInvisible(input.text))
    .replace(/[\uFE0E\uFE0F\u{1F3FB}-\u{1F3FF}]/gu, '')
    .trim();
  if (text === '') return null;
  const digit = /^([1-5])(\s*(\/|من|of|out of)\s*5)?$/i.exec(text);
  if (digit) return Number(digit[1]);
  const stars = text.replace(/\s+/g, '');
  if (stars.replace(STAR, '') === '') {
    const n = stars.match(STAR)?.length ?? 0;
    return n >= 1 && n <= 5 ? n : null;
  }
  const faces = [...text.replace(/\s+/g, '')];
  const face = faces[0] !== undefined ? FACES[faces[0]] : undefined;
  if (face !== undefined && faces.every((f) => f === faces[0])) return face;
  const words = normalizeArabic(text);
  return WORDS.find(([w]) => w === words)?.[1] ?? null;
}

/** An optional comment (up to 1000 characters): the text, undefined when skipped, or the problem. */
export function readComment(input: UserInput): { ok: true; value: string | undefined } | { ok: false; reply: Reply } {
  if (input.kind === 'choice')
    return input.id === 'skip' ? { ok: true, value: undefined } : { ok: false, reply: { key: 'common:chooseFromList' } };
  if (input.kind !== 'text') return { ok: false, reply: { key: 'rating:comment.textOnly' } };
  const v = validateText(input.text, COMMENT);
  return v.ok ? { ok: true, value: v.value } : { ok: false, reply: { key: v.error, params: v.params } };
}

/** The candidate a choice 'case:<ref>' (or a typed reference) picks. */
function readCandidate(input: UserInput, candidates: Candidate[]): Candidate | null {
  if (input.kind === 'choice') return candidates.find((c) => `case:${c.ref}` === input.id) ?? null;
  if (input.kind !== 'text') return null;
  const ref = normalizeReference(input.text);
  return ref === null ? null : (candidates.find((c) => c.ref === ref) ?? null);
}

function readCase(ctx: RatingContext, input: UserInput | null): Reading<string> | null {
  if (!input) return null;
  const c = readCandidate(input, ctx.candidates);
  return c ? { kind: 'valid', value: c.ref } : { kind: 'invalid', reply: { key: 'common:chooseFromList' } };
}

function readScoreOf(input: UserInput | null): Reading<number> | null {
  if (!input) return null;
  const score = readScore(input);
  return score === null ? { kind: 'invalid', reply: { key: 'rating:score.invalid' } } : { kind: 'valid', value: score };
}

function readCommentOf(input: UserInput | null): Reading<string | null> | null {
  if (!input) return null;
  const r = readComment(input);
  return r.ok ? { kind: 'valid', value: r.value ?? null } : { kind: 'invalid', reply: r.reply };
}

function rateable(cases: CaseSummary[]): Candidate[] {
  return (
    cases
      // R8: post-service rating; the lifecycle says which statuses (not `closed`: no service was given).
      .filter((c) => isRateable(c.kind, c.status) && !c.rated)
      .slice(0, MAX_CANDIDATES)
      .map((c) => ({ kind: c.kind, ref: c.ref, title: c.title }))
  );
}

function scoreChoices(): Choice[] {
  // In order 1..5: the engine maps a typed number to the choice at that position.
  return [1, 2, 3, 4, 5].map((n) => ({
    id: String(n),
    key: `rating:score.options.${n}`,
    params: { stars: '⭐'.repeat(n), score: n },
  }));
}

const ratingSetup = setup({
  types: {
    context: {} as RatingContext,
    input: {} as RatingInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
    tags: {} as QuestionTag,
  },
  actors: {
    listCases: serviceActors.listCases,
    getCase: serviceActors.getCase,
  },
  actions: {
    reply: emit((_, params: Reply) => ({ type: 'reply' as const, ...params })),
    askGeneral: emit({
      type: 'reply',
      key: 'rating:general.question',
      choices: [
        { id: 'general', key: 'rating:general.rate' },
        { id: 'menu', key: 'rating:general.menu' },
      ],
    }),
    askCase: emit(({ context }) => ({
      type: 'reply' as const,
      key: 'rating:pick.question',
      choices: context.candidates.map((c) => ({
        id: `case:${c.ref}`,
        key: 'rating:pick.option',
        params: { title: c.title, ref: c.ref },
      })),
    })),
    askScore: emit(({ context }) => {
      const params: Record<string, string | LocalText> = {};
      let key = 'rating:score.questionDefault';
      if (context.question) {
        params.question = context.question;
        key = 'rating:score.questionGeneral';
        if (context.target) {
          params.ref = context.target.ref;
          params.title = context.targetTitle ?? context.target.ref;
          key = 'rating:score.questionCase';
        }
      }
      return { type: 'reply' as const, key, params, choices: scoreChoices() };
    }),
    askComment: emit(({ context }) => ({
      type: 'reply' as const,
      key: context.score !== null && context.score <= LOW_SCORE ? 'rating:comment.questionLow' : 'rating:comment.question',
      params: { max: COMMENT.maxLength },
      choices: [{ id: 'skip', key: 'rating:comment.skip' }],
    })),
    setCandidates: assign((_, params: { cases: CaseSummary[] }) => ({ candidates: rateable(params.cases) })),
    setOnlyCandidate: assign(({ context }) => {
      const c = context.candidates[0];
      return c ? { target: { kind: c.kind, ref: c.ref }, targetTitle: c.title } : {};
    }),
    setTitle: assign((_, params: { found: CaseSummary | null }) => ({ targetTitle: params.found?.title ?? null })),
    pickCandidate: assign(({ context }) => {
      const ref = context.reading?.kind === 'valid' ? context.reading.value : null;
      const c = context.candidates.find((x) => x.ref === ref);
      return c ? { target: { kind: c.kind, ref: c.ref }, targetTitle: c.title } : {};
    }),
    readChoice: assign(({ event }) => ({ reading: readChoice(event) })),
    readCase: assign(({ context, event }) => ({ reading: readCase(context, inputOf(event)) })),
    readScore: assign(({ event }) => ({ reading: readScoreOf(inputOf(event)) })),
    readComment: assign(({ event }) => ({
      reading: readCommentOf(inputOf(event)),
      at: event.type === 'user.message' ? event.at : null,
    })),
    generalTarget: assign({ target: null, targetTitle: null }),
    saveScore: assign(({ context }) => ({ score: context.reading?.kind === 'valid' ? Number(context.reading.value) : null })),
    /** R8: one rating record; the engine alerts the officer on a low score. */
    submit: emit(({ context }) => {
      const comment = context.reading?.kind === 'valid' ? context.reading.value : null;
      return {
        type: 'effect' as const,
        effect: {
          kind: 'rating.create' as const,
          target: context.target,
          score: context.score ?? 0,
          ...(typeof comment === 'string' ? { comment } : {}),
          at: context.at ?? '',
        },
      };
    }),
    sayThanks: emit(({ context }) => {
      const score = context.score ?? 0;
      return { type: 'reply' as const, key: 'rating:thanks', params: { score, stars: '⭐'.repeat(score) } };
    }),
    sayFollowUp: emit({ type: 'reply', key: 'rating:followUp' }),
    ...questionActions<RatingContext>(),
  },
  guards: {
    ...questionGuards,
    hasTarget: ({ context }) => context.target !== null,
    isLowScore: ({ context }) => context.score !== null && context.score <= LOW_SCORE,
  },
});

/** The rating dialogue machine (R8). */
export const ratingMachine = ratingSetup.createMachine({
  id: 'rating',
  context: ({ input }) => ({
    ...asking,
    at: null,
    beneficiaryId: input.beneficiaryId,
    question: input.questions[0]?.text ?? null,
    target: input.target ? { kind: input.target.kind, ref: input.target.ref } : null,
    targetTitle: null,
    candidates: [],
    score: null,
  }),
  initial: 'start',
  output: { next: 'menu' },
  states: {
    start: {
      always: [{ guard: 'hasTarget', target: 'checkingTarget' }, { target: 'loadingCases' }],
    },
    checkingTarget: {
      invoke: {
        src: 'getCase',
        input: ({ context }) => ({ beneficiaryId: context.beneficiaryId, ref: context.target?.ref ?? '' }),
        onDone: [
          // R8: once per service.
          {
            guard: ({ event }) => event.output?.rated === true,
            target: 'done',
            actions: { type: 'reply', params: { key: 'rating:alreadyRated' } },
          },
          // Unknown or someone else's reference: offer what this person can rate instead.
          {
            guard: ({ event }) => event.output === null || event.output === undefined,
            target: 'loadingCases',
            actions: [assign({ target: null }), { type: 'reply', params: { key: 'rating:notFound' } }],
          },
          { target: 'score', actions: { type: 'setTitle', params: ({ event }) => ({ found: event.output }) } },
        ],
        onError: { target: 'done', actions: { type: 'reply', params: { key: 'rating:unavailable' } } },
      },
      on: { 'user.message': { actions: { type: 'reply', params: { key: 'rating:wait' } } } },
    },
    loadingCases: {
      invoke: {
        src: 'listCases',
        input: ({ context }) => ({ beneficiaryId: context.beneficiaryId }),
        onDone: { target: 'route', actions: { type: 'setCandidates', params: ({ event }) => ({ cases: event.output ?? [] }) } },
        // The list cannot be read now: the service can still be rated in general.
        onError: { target: 'general', actions: { type: 'reply', params: { key: 'rating:unavailableList' } } },
      },
      on: { 'user.message': { actions: { type: 'reply', params: { key: 'rating:wait' } } } },
    },
    route: {
      always: [
        {
          guard: ({ context }) => context.candidates.length === 0,
          target: 'general',
          actions: { type: 'reply', params: { key: 'rating:none' } },
        },
        { guard: ({ context }) => context.candidates.length === 1, target: 'score', actions: 'setOnlyCandidate' },
        { target: 'pickCase' },
      ],
    },
    general: question(ratingSetup, 'general', {
      ask: 'askGeneral',
      read: 'readChoice',
      tags: ['asksChoice'],
      answers: [
        { guard: { type: 'picked', params: { id: 'general' } }, target: 'score', actions: 'generalTarget' },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
      ],
    }),
    pickCase: question(ratingSetup, 'pickCase', {
      ask: 'askCase',
      read: 'readCase',
      tags: ['asksChoice', 'asksReference'],
      answers: [{ guard: 'isValid', target: 'score', actions: 'pickCandidate' }],
    }),
    score: question(ratingSetup, 'score', {
      ask: 'askScore',
      read: 'readScore',
      tags: ['asksScore'],
      answers: [{ guard: 'isValid', target: 'comment', actions: 'saveScore' }],
    }),
    comment: question(ratingSetup, 'comment', {
      ask: 'askComment',
      read: 'readComment',
      tags: ['asksText'],
      answers: [
        { guard: and(['isValid', 'isLowScore']), target: 'done', actions: ['submit', 'sayThanks', 'sayFollowUp'] },
        { guard: 'isValid', target: 'done', actions: ['submit', 'sayThanks'] },
      ],
    }),
    done: { type: 'final' },
  },
});
