/**
 * Entry and routing: greeting with the association's name, the privacy notice at first contact
 * (R6), the main menu, consent before anything that stores personal data, and routing of a
 * free-text message by intent. Ends by naming the next dialogue.
 */
import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import { yesNo } from '../src/domain/wording.js';
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
import type {
  BaseFlowInput,
  FlowEmitted,
  FlowEvent,
  FlowHandovers,
  FlowId,
  FlowOutput,
  LocalText,
  MenuMode,
  UserInput,
} from './types.js';

export type { MenuMode };

export const menuFlowVersion = 2;

export interface MenuInput extends BaseFlowInput {
  mode: MenuMode;
  orgName: LocalText;
  consent: { version: string; text: LocalText };
  /** The consent version this person accepted, if any. */
  consentVersion: string | null;
  /** The reply key of a greeting the first message carried («السلام عليكم» → «وعليكم السلام»). */
  greeting?: string;
  /** A free-text message to route right away (a first message such as "ابغى اقدم على مساعدة"). */
  text?: string;
  /**
   * False when the association's policy has no complaint procedure (seeds 000, 001, 003; issue 12):
   * the menu offers no complaint dialogue and a complaint goes to a person.
   */
  complaints?: boolean;
}

/** How the engine's router classified a text. */
export interface RouteResult {
  intent: 'inquiry' | 'new_request' | 'my_requests' | 'complaint' | 'rating' | 'human' | 'greeting' | 'unknown';
  confidence: number;
}

/** Dialogues that store personal data and so need consent first (R6); inquiries do not. */
const NEEDS_CONSENT: ReadonlySet<FlowId> = new Set(['request', 'status', 'complaint', 'rating']);

const MENU_CHOICES = [
  { id: 'inquiry', key: 'menu:option.inquiry' },
  { id: 'request', key: 'menu:option.request' },
  { id: 'status', key: 'menu:option.status' },
  { id: 'complaint', key: 'menu:option.complaint' },
  { id: 'rating', key: 'menu:option.rating' },
  { id: 'human', key: 'menu:option.human' },
  { id: 'language', key: 'menu:option.language' },
];

/** The menu's options: without a complaint procedure (issue 12), no complaint option. */
function menuChoices(input: { complaints?: boolean }) {
  return input.complaints === false ? MENU_CHOICES.filter((c) => c.id !== 'complaint') : MENU_CHOICES;
}

const INTENT_TO_FLOW: Partial<Record<RouteResult['intent'], FlowId>> = {
  inquiry: 'inquiry',
  new_request: 'request',
  my_requests: 'status',
  complaint: 'complaint',
  rating: 'rating',
};

interface MenuContext extends Asking<string> {
  /** The full privacy notice was shown in this dialogue; later asks show a short reminder (R6). */
  consentShown: boolean;
  input: Omit<MenuInput, 'text'>;
  lang: MenuInput['lang'];
  text: string | null;
  target: FlowId | null;
  next: FlowOutput['next'];
  /** The question to hand to the inquiry dialogue. */
  nextInput?: FlowHandovers['inquiry'];
}

function textOf(input: UserInput): string | null {
  if (input.kind === 'text') return input.text.trim() || null;
  return null;
}

/** At the menu: a choice, or text to route (valid), or a message of another kind. */
function readMenu(input: UserInput | null): Reading<string> | null {
  if (!input) return null;
  if (input.kind === 'choice') return { kind: 'choice', id: input.id };
  const text = textOf(input);
  if (text !== null) return { kind: 'valid', value: text };
  return { kind: 'invalid', reply: notExpected(input) };
}

/** R6: consent accepted in words ("ايه موافق", "اكيد", "أوافق") as well as with the button. */
function readConsent(input: UserInput | null): Reading<string> | null {
  if (!input) return null;
  if (input.kind === 'choice') return { kind: 'choice', id: input.id };
  const yn = input.kind === 'text' ? yesNo(input.text) : null;
  if (yn) return { kind: 'choice', id: yn === 'yes' ? 'accept' : 'decline' };
  return { kind: 'invalid', reply: { key: 'menu:consentReminder' } };
}

const menuSetup = setup({
  types: {
    context: {} as MenuContext,
    input: {} as MenuInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
    tags: {} as QuestionTag,
  },
  actors: {
    routeText: fromPromise<RouteResult, { text: string; lang: MenuInput['lang'] }>(async () => {
      throw new Error('provided by the engine');
    }),
  },
  guards: {
    ...questionGuards,
    needsConsent: ({ context }) =>
      context.target !== null &&
      NEEDS_CONSENT.has(context.target) &&
      context.input.consentVersion !== context.input.consent.version,
    isMenuChoice: ({ context }) => {
      const r = context.reading;
      return r?.kind === 'choice' && menuChoices(context.input).some((m) => m.id === r.id);
    },
  },
  actions: {
    showMenu: emit(({ context }) => ({ type: 'reply' as const, key: 'menu:menu', choices: menuChoices(context.input) })),
    // R6: the full notice the first time in this dialogue, then a short reminder with the buttons.
    askConsent: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({
        type: 'reply',
        key: context.consentShown ? 'menu:consentShort' : 'menu:consent',
        params: { text: context.input.consent.text, version: context.input.consent.version },
        choices: [
          { id: 'accept', key: 'menu:consentAccept' },
          { id: 'decline', key: 'menu:consentDecline' },
        ],
      });
      enqueue.assign({ consentShown: true });
    }),
    readMenu: assign(({ event }) => ({ reading: readMenu(inputOf(event)) })),
    readConsent: assign(({ event }) => ({ reading: readConsent(inputOf(event)) })),
    switchLanguage: enqueueActions(({ context, enqueue }) => {
      const lang = context.lang === 'ar' ? 'en' : 'ar';
      enqueue.assign({ lang });
      enqueue.emit({ type: 'effect', effect: { kind: 'beneficiary.language', lang } });
    }),
    chooseTarget: assign(({ context }) => ({
      target: context.reading?.kind === 'choice' ? (context.reading.id as FlowId) : null,
    })),
    takeText: assign(({ context }) => ({ text: context.reading?.kind === 'valid' ? context.reading.value : null })),
    // R6: the acceptance is recorded with the version of the text shown.
    recordConsent: enqueueActions(({ context, event, enqueue }) => {
      enqueue.emit({
        type: 'effect',
        effect: {
          kind: 'beneficiary.consent',
          version: context.input.consent.version,
          at: event.type === 'user.message' ? event.at : '',
        },
      });
      enqueue.emit({ type: 'reply', key: 'menu:consentThanks' });
      enqueue.assign({ next: context.target ?? 'menu' });
    }),
    sayDeclined: emit({ type: 'reply', key: 'menu:consentDeclined' }),
    ...questionActions<MenuContext>(),
  },
});

export const menuMachine = menuSetup.createMachine({
  id: 'menu',
  context: ({ input }) => {
    const { text, ...rest } = input;
    return { ...asking, consentShown: false, input: rest, lang: input.lang, text: text ?? null, target: null, next: 'menu' };
  },
  initial: 'start',
  output: ({ context }): FlowOutput =>
    context.next === 'inquiry' && context.nextInput ? { next: 'inquiry', nextInput: context.nextInput } : { next: context.next },
  states: {
    start: {
      entry: enqueueActions(({ context, enqueue }) => {
        const m = context.input.mode;
        if (m === 'welcome')
          enqueue.emit({
            type: 'reply',
            key: context.input.greeting === 'common:greeting.salam' ? 'menu:welcomeSalam' : 'menu:welcome',
            params: { org: context.input.orgName, version: context.input.consent.version },
          });
        else if (m !== 'menu') enqueue.emit({ type: 'reply', key: `menu:${m}` });
      }),
      always: [{ guard: ({ context }) => context.text !== null, target: 'routing' }, { target: 'menu' }],
    },
    menu: question(menuSetup, 'menu', {
      ask: 'showMenu',
      read: 'readMenu',
      tags: ['asksChoice'],
      answers: [
        { guard: { type: 'picked', params: { id: 'language' } }, target: 'menu', reenter: true, actions: 'switchLanguage' },
        { guard: { type: 'picked', params: { id: 'human' } }, target: 'handoff' },
        { guard: 'isMenuChoice', target: 'gate', actions: 'chooseTarget' },
        { guard: 'isValid', target: 'routing', actions: 'takeText' },
      ],
    }),
    routing: {
      invoke: {
        src: 'routeText',
        input: ({ context }) => ({ text: (context.text ?? '').slice(0, 500), lang: context.lang }),
        onDone: [
          {
            guard: ({ event }) => event.output.intent === 'inquiry',
            target: 'done',
            actions: assign({ next: 'inquiry', nextInput: ({ context }) => ({ query: context.text ?? '' }), text: null }),
          },
          { guard: ({ event }) => event.output.intent === 'human', target: 'handoff' },
          // Issue 12: no complaint procedure in the policy: a person hears the complaint.
          {
            guard: ({ context, event }) => event.output.intent === 'complaint' && context.input.complaints === false,
            target: 'handoff',
            actions: assign({ text: null }),
          },
          {
            guard: ({ event }) => INTENT_TO_FLOW[event.output.intent] !== undefined,
            target: 'gate',
            actions: assign({ target: ({ event }) => INTENT_TO_FLOW[event.output.intent] ?? null, text: null }),
          },
          {
            guard: ({ event }) => event.output.intent === 'greeting',
            target: 'menu',
            actions: assign({ text: null }),
          },
          { target: 'menu', actions: [assign({ text: null }), emit({ type: 'reply', key: 'menu:notUnderstood' })] },
        ],
        onError: { target: 'menu', actions: [assign({ text: null }), emit({ type: 'reply', key: 'menu:notUnderstood' })] },
      },
    },
    gate: {
      always: [
        { guard: 'needsConsent', target: 'consent' },
        { target: 'done', actions: assign({ next: ({ context }) => context.target ?? 'menu' }) },
      ],
    },
    consent: question(menuSetup, 'consent', {
      ask: 'askConsent',
      read: 'readConsent',
      tags: ['asksConsent'],
      // Not understood: the short reminder with the buttons says what is expected.
      otherwise: [],
      answers: [
        { guard: { type: 'picked', params: { id: 'accept' } }, target: 'done', actions: 'recordConsent' },
        { guard: { type: 'picked', params: { id: 'decline' } }, target: 'menu', actions: 'sayDeclined' },
      ],
    }),
    handoff: {
      entry: emit({ type: 'handoff', reason: 'requested' }),
      always: { target: 'done', actions: assign({ next: 'handoff' }) },
    },
    done: { type: 'final' },
  },
});
