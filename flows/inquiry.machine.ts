/**
 * The inquiry dialogue (R2, R3a, R3c): the person asks in their own words, the bot answers from the
 * association's own FAQ and policy texts, asks whether the answer helped and offers related
 * questions; when the answers do not help (twice) or nothing matches well enough, it offers a
 * member of staff.
 */
import { and, assign, emit, not, setup } from 'xstate';
import { stripInvisible } from '../src/domain/arabic.js';
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
import type { BaseFlowInput, Choice, FaqHit, FlowEmitted, FlowEvent, FlowOutput, Lang, LocalText, UserInput } from './types.js';

/** Version of the inquiry dialogue; bump when a persisted snapshot would no longer fit. */
export const inquiryFlowVersion = 2;

/** Input of the inquiry dialogue. */
export interface InquiryInput extends BaseFlowInput {
  /** The question the person already typed (e.g. the first message the router sent here). */
  query?: string;
  /** Minimum search confidence (0..1) for an answer to be shown. */
  confidenceThreshold: number;
}

/** An FAQ entry kept between turns so that a related question can be shown without a new search. */
export interface InquiryHit {
  id: string;
  question: LocalText;
  answer: LocalText;
}

/** Which question the free-text step asks. */
export type InquiryPrompt = 'ask' | 'another' | 'rephrase';

/** Why a member of staff is offered. */
export type InquiryOfferReason = 'unresolved' | 'low_confidence' | 'unavailable';

/** What the inquiry dialogue remembers between turns (persisted, JSON only, small). */
export interface InquiryContext extends Asking<string> {
  lang: Lang;
  threshold: number;
  /** The question being searched; cleared once the search is done (it is the person's own text). */
  query: string;
  prompt: InquiryPrompt;
  /** Up to three hits above the threshold, best first. */
  hits: InquiryHit[];
  /** Id of the hit whose answer is on screen. */
  current: string | null;
  /** Answers the person said did not help (reset when one helps). */
  notHelpful: number;
  /** Searches made in this dialogue. */
  attempts: number;
  /** The best hit of the last search, whatever its confidence, or 'none'. */
  lastTopic: string;
  offerReason: InquiryOfferReason;
  outcome: FlowOutput;
}

/** How much of a question is searched. */
export const MAX_QUERY_CHARS = 500;
/** Answers shown at once: the best one and up to two related questions. */
const MAX_HITS = 3;
/** R3c: after this many unhelpful answers staff are offered. */
const NOT_HELPFUL_LIMIT = 2;

const menuChoice: Choice = { id: 'menu', key: 'inquiry:choice.menu' };

/** A choice, a question to search (valid), or what was expected instead. */
function readInquiry(input: UserInput | null): Reading<string> | null {
  if (!input) return null;
  if (input.kind === 'choice') return { kind: 'choice', id: input.id };
  const q = questionOf(input);
  if (q !== null) return { kind: 'valid', value: q };
  if (input.kind === 'text') return { kind: 'invalid', reply: { key: 'inquiry:typeQuestion' } };
  return { kind: 'invalid', reply: notExpected(input) };
}

/**
 * The question in a text message: invisible marks removed, spaces collapsed, cut to
 * {@link MAX_QUERY_CHARS} characters (whole code points); null when it holds no letter or digit.
 */
export function questionOf(input: UserInput): string | null {
  if (input.kind !== 'text') return null;
  const text = stripInvisible(input.text).replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return null;
  return Array.from(text).slice(0, MAX_QUERY_CHARS).join('').trim();
}

/** The language to search in: the script the question is written in, else the person's language. */
export function searchLang(query: string, fallback: Lang): Lang {
  if (/[\u0600-\u06FF\u0750-\u077F]/.test(query)) return 'ar';
  if (/[A-Za-z]/.test(query)) return 'en';
  return fallback;
}

/** Hits at or above the threshold, best first, at most {@link MAX_HITS}, without their confidence. */
export function qualifyingHits(hits: FaqHit[], threshold: number): InquiryHit[] {
  return hits
    .filter((h) => h.confidence >= threshold)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, MAX_HITS)
    .map(({ id, question, answer }) => ({ id, question, answer }));
}

function bestId(hits: FaqHit[]): string {
  let best: FaqHit | undefined;
  for (const h of hits) if (!best || h.confidence > best.confidence) best = h;
  return best?.id ?? 'none';
}

function currentHit(ctx: InquiryContext): InquiryHit | undefined {
  return ctx.hits.find((h) => h.id === ctx.current);
}

function related(ctx: InquiryContext): InquiryHit[] {
  return ctx.hits.filter((h) => h.id !== ctx.current).slice(0, MAX_HITS - 1);
}

function helpfulChoices(ctx: InquiryContext): Choice[] {
  return [
    { id: 'helpful', key: 'inquiry:choice.helpful' },
    { id: 'not_helpful', key: 'inquiry:choice.notHelpful' },
    ...related(ctx).map((h) => ({ id: `faq:${h.id}`, key: 'inquiry:choice.related', params: { question: h.question } })),
    menuChoice,
  ];
}

function offerChoices(reason: InquiryOfferReason): Choice[] {
  const human: Choice = { id: 'human', key: 'inquiry:choice.human' };
  // A failed search is not helped by rephrasing; the person may still type the question again.
  return reason === 'unavailable' ? [human, menuChoice] : [human, { id: 'rephrase', key: 'inquiry:choice.rephrase' }, menuChoice];
}

const OFFER_KEYS: Record<InquiryOfferReason, string> = {
  unresolved: 'inquiry:offer.unresolved',
  low_confidence: 'inquiry:offer.lowConfidence',
  unavailable: 'inquiry:offer.unavailable',
};

const PROMPT_KEYS: Record<InquiryPrompt, string> = {
  ask: 'inquiry:ask',
  another: 'inquiry:askAnother',
  rephrase: 'inquiry:rephrase',
};

/** R3c: the handoff reason staff see; the search outage is reported as an unresolved inquiry. */
const HANDOFF_REASONS: Record<InquiryOfferReason, string> = {
  unresolved: 'inquiry_unresolved',
  low_confidence: 'inquiry_low_confidence',
  unavailable: 'inquiry_unresolved',
};

function reply(key: string, choices?: Choice[]): FlowEmitted {
  return choices ? { type: 'reply', key, choices } : { type: 'reply', key };
}

const inquirySetup = setup({
  types: {
    context: {} as InquiryContext,
    input: {} as InquiryInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
    tags: {} as QuestionTag,
  },
  actors: {
    searchFaq: serviceActors.searchFaq,
  },
  guards: {
    ...questionGuards,
    hasQuery: ({ context }) => context.query !== '',
    isRelatedChoice: ({ context }) => {
      const r = context.reading;
      return r?.kind === 'choice' && r.id.startsWith('faq:') && context.hits.some((h) => `faq:${h.id}` === r.id);
    },
    isLastStraw: ({ context }) => context.notHelpful + 1 >= NOT_HELPFUL_LIMIT,
    isSearchDown: ({ context }) => context.offerReason === 'unavailable',
  },
  actions: {
    readInquiry: assign(({ event }) => ({ reading: readInquiry(inputOf(event)) })),
    storeQuestion: assign({ query: ({ context }) => (context.reading?.kind === 'valid' ? context.reading.value : '') }),
    showRelated: assign({
      current: ({ context }) => (context.reading?.kind === 'choice' ? context.reading.id.slice('faq:'.length) : null),
    }),
    askQuestion: emit(({ context }) => reply(PROMPT_KEYS[context.prompt], [menuChoice])),
    showAnswer: emit(({ context }): FlowEmitted => {
      const hit = currentHit(context);
      const key = related(context).length > 0 ? 'inquiry:answer.withRelated' : 'inquiry:answer.single';
      return {
        type: 'reply',
        key,
        params: hit ? { question: hit.question, answer: hit.answer } : {},
        choices: helpfulChoices(context),
      };
    }),
    askHelpful: emit(({ context }) => reply('inquiry:didItHelp', helpfulChoices(context))),
    offerHuman: emit(({ context }) => reply(OFFER_KEYS[context.offerReason], offerChoices(context.offerReason))),
    // R3c: staff get the topic and the number of tries, never the text the person typed (R6).
    handOff: emit(({ context }) => ({
      type: 'handoff' as const,
      reason: HANDOFF_REASONS[context.offerReason],
      category: 'general',
      summary: { flow: 'inquiry', attempts: context.attempts, lastTopic: context.lastTopic },
    })),
    toHandoff: assign({ outcome: { next: 'handoff' } }),
    helped: assign({ prompt: 'another', notHelpful: 0 }),
    unresolved: assign(({ context }) => ({ notHelpful: context.notHelpful + 1, offerReason: 'unresolved' as const })),
    notHelped: assign(({ context }) => ({ notHelpful: context.notHelpful + 1, prompt: 'rephrase' as const })),
    rephrase: assign({ prompt: 'rephrase' }),
    replyThanks: emit(reply('inquiry:thanks')),
    replySorry: emit(reply('inquiry:sorry')),
    ...questionActions<InquiryContext>(),
  },
});

/** The inquiry dialogue machine. */
export const inquiryMachine = inquirySetup.createMachine({
  id: 'inquiry',
  context: ({ input }) => ({
    ...asking,
    lang: input.lang,
    threshold: input.confidenceThreshold,
    query: (input.query !== undefined && questionOf({ kind: 'text', text: input.query })) || '',
    prompt: 'ask',
    hits: [],
    current: null,
    notHelpful: 0,
    attempts: 0,
    lastTopic: 'none',
    offerReason: 'low_confidence',
    outcome: { next: 'menu' },
  }),
  initial: 'start',
  output: ({ context }) => context.outcome,
  states: {
    start: {
      always: [{ guard: 'hasQuery', target: 'searching' }, { target: 'asking' }],
    },

    /** Free text: the first question, another one after a helpful answer, or a rephrased one. */
    asking: question(inquirySetup, 'asking', {
      ask: 'askQuestion',
      read: 'readInquiry',
      tags: ['asksText'],
      reask: 'askQuestion',
      answers: [
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
        { guard: 'isValid', target: 'searching', actions: 'storeQuestion' },
      ],
    }),
    // R2: answers come from the association's own FAQ and policy texts.
    searching: {
      invoke: {
        src: 'searchFaq',
        input: ({ context }) => ({ query: context.query, lang: searchLang(context.query, context.lang) }),
        onDone: [
          {
            guard: ({ context, event }) => qualifyingHits(event.output, context.threshold).length > 0,
            target: 'answered',
            actions: assign(({ context, event }) => {
              const hits = qualifyingHits(event.output, context.threshold);
              return {
                query: '',
                hits,
                current: hits[0]?.id ?? null,
                attempts: context.attempts + 1,
                lastTopic: bestId(event.output),
              };
            }),
          },
          {
            // R3c: nothing reaches the threshold: offer a person rather than guess.
            target: 'offering',
            actions: assign(({ context, event }) => ({
              query: '',
              hits: [],
              current: null,
              attempts: context.attempts + 1,
              lastTopic: bestId(event.output),
              offerReason: 'low_confidence' as const,
            })),
          },
        ],
        onError: {
          target: 'offering',
          actions: assign(({ context }) => ({
            query: '',
            hits: [],
            current: null,
            attempts: context.attempts + 1,
            offerReason: 'unavailable' as const,
          })),
        },
      },
    },

    /** An answer is on screen: did it help, or one of the related questions. */
    answered: question(inquirySetup, 'answered', {
      ask: 'showAnswer',
      read: 'readInquiry',
      tags: ['asksChoice', 'asksText'],
      reask: 'askHelpful',
      answers: [
        { guard: { type: 'picked', params: { id: 'helpful' } }, target: 'asking', actions: ['replyThanks', 'helped'] },
        {
          // R3c: the second unhelpful answer: offer a member of staff.
          guard: and([{ type: 'picked', params: { id: 'not_helpful' } }, 'isLastStraw']),
          target: 'offering',
          actions: 'unresolved',
        },
        { guard: { type: 'picked', params: { id: 'not_helpful' } }, target: 'asking', actions: ['replySorry', 'notHelped'] },
        { guard: 'isRelatedChoice', target: 'answered', reenter: true, actions: 'showRelated' },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
        // R3a: a new question typed instead of pressing a button is simply searched.
        { guard: 'isValid', target: 'searching', actions: 'storeQuestion' },
      ],
    }),

    /** R3c: no good answer (or no search): a member of staff, another wording, or the menu. */
    offering: question(inquirySetup, 'offering', {
      ask: 'offerHuman',
      read: 'readInquiry',
      tags: ['asksChoice', 'asksText'],
      reask: 'offerHuman',
      answers: [
        { guard: { type: 'picked', params: { id: 'human' } }, target: 'done', actions: ['handOff', 'toHandoff'] },
        {
          guard: and([{ type: 'picked', params: { id: 'rephrase' } }, not('isSearchDown')]),
          target: 'asking',
          actions: 'rephrase',
        },
        { guard: { type: 'picked', params: { id: 'menu' } }, target: 'done' },
        { guard: 'isValid', target: 'searching', actions: 'storeQuestion' },
      ],
    }),

    done: { type: 'final' },
  },
});
