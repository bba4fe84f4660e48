/**
 * Entry and routing: greeting with the association's name, the privacy notice at first contact
 * (R6), the main menu, consent before anything that stores personal data, and routing of a
 * free-text message by intent. Ends by naming the next dialogue.
 */
import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { BaseFlowInput, FlowEmitted, FlowEvent, FlowId, FlowOutput, LocalText, UserInput } from './types.js';

export const menuFlowVersion = 1;

/** Why the menu is shown. */
export type MenuMode = 'welcome' | 'menu' | 'restart' | 'cancelled';

export interface MenuInput extends BaseFlowInput {
  mode: MenuMode;
  orgName: LocalText;
  consent: { version: string; text: LocalText };
  /** The consent version this person accepted, if any. */
  consentVersion: string | null;
  /** A free-text message to route right away (a first message such as "ابغى اقدم على مساعدة"). */
  text?: string;
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

const INTENT_TO_FLOW: Partial<Record<RouteResult['intent'], FlowId>> = {
  inquiry: 'inquiry',
  new_request: 'request',
  my_requests: 'status',
  complaint: 'complaint',
  rating: 'rating',
};

interface MenuContext {
  input: Omit<MenuInput, 'text'>;
  lang: MenuInput['lang'];
  text: string | null;
  target: FlowId | null;
  next: FlowOutput['next'];
  nextInput?: Record<string, unknown>;
}

function textOf(input: UserInput): string | null {
  if (input.kind === 'text') return input.text.trim() || null;
  return null;
}

function choiceOf(input: UserInput): string | null {
  return input.kind === 'choice' ? input.id : null;
}

export const menuMachine = setup({
  types: {
    context: {} as MenuContext,
    input: {} as MenuInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as FlowOutput,
  },
  actors: {
    routeText: fromPromise<RouteResult, { text: string; lang: MenuInput['lang'] }>(async () => {
      throw new Error('provided by the engine');
    }),
  },
  guards: {
    needsConsent: ({ context }) =>
      context.target !== null &&
      NEEDS_CONSENT.has(context.target) &&
      context.input.consentVersion !== context.input.consent.version,
  },
  actions: {
    showMenu: emit({ type: 'reply', key: 'menu:menu', choices: MENU_CHOICES }),
    askConsent: emit(({ context }) => ({
      type: 'reply' as const,
      key: 'menu:consent',
      params: { text: context.input.consent.text, version: context.input.consent.version },
      choices: [
        { id: 'accept', key: 'menu:consentAccept' },
        { id: 'decline', key: 'menu:consentDecline' },
      ],
    })),
  },
}).createMachine({
  id: 'menu',
  context: ({ input }) => {
    const { text, ...rest } = input;
    return { input: rest, lang: input.lang, text: text ?? null, target: null, next: 'menu' };
  },
  initial: 'start',
  output: ({ context }) => ({ next: context.next, nextInput: context.nextInput }),
  states: {
    start: {
      entry: enqueueActions(({ context, enqueue }) => {
        const m = context.input.mode;
        if (m === 'welcome')
          enqueue.emit({
            type: 'reply',
            key: 'menu:welcome',
            params: { org: context.input.orgName, version: context.input.consent.version },
          });
        else if (m !== 'menu') enqueue.emit({ type: 'reply', key: `menu:${m}` });
      }),
      always: [{ guard: ({ context }) => context.text !== null, target: 'routing' }, { target: 'menu' }],
    },
    menu: {
      entry: 'showMenu',
      on: {
        'flow.reprompt': { target: 'menu', reenter: true },
        'user.message': [
          {
            guard: ({ event }) => choiceOf(event.input) === 'language',
            target: 'menu',
            reenter: true,
            actions: [
              assign({ lang: ({ context }) => (context.lang === 'ar' ? 'en' : 'ar') }),
              emit(({ context }) => ({
                type: 'effect' as const,
                effect: { kind: 'beneficiary.language' as const, lang: context.lang },
              })),
            ],
          },
          {
            guard: ({ event }) => choiceOf(event.input) === 'human',
            target: 'handoff',
          },
          {
            guard: ({ event }) => {
              const c = choiceOf(event.input);
              return c !== null && MENU_CHOICES.some((m) => m.id === c);
            },
            target: 'gate',
            actions: assign({ target: ({ event }) => choiceOf((event as { input: UserInput }).input) as FlowId }),
          },
          {
            guard: ({ event }) => textOf(event.input) !== null,
            target: 'routing',
            actions: assign({ text: ({ event }) => textOf((event as { input: UserInput }).input) }),
          },
          {
            target: 'menu',
            reenter: true,
            actions: emit(({ event }) => ({
              type: 'reply' as const,
              key:
                event.type === 'user.message' && event.input.kind === 'choice'
                  ? 'common:chooseFromList'
                  : 'common:unsupportedAttachment',
            })),
          },
        ],
      },
    },
    routing: {
      invoke: {
        src: 'routeText',
        input: ({ context }) => ({ text: (context.text ?? '').slice(0, 500), lang: context.lang }),
        onDone: [
          {
            guard: ({ event }) => event.output.intent === 'inquiry',
            target: 'done',
            actions: assign({ next: 'inquiry', nextInput: ({ context }) => ({ query: context.text }), text: null }),
          },
          { guard: ({ event }) => event.output.intent === 'human', target: 'handoff' },
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
    consent: {
      entry: 'askConsent',
      on: {
        'flow.reprompt': { target: 'consent', reenter: true },
        'user.message': [
          {
            // R6: the acceptance is recorded with the version of the text shown.
            guard: ({ event }) => choiceOf(event.input) === 'accept',
            target: 'done',
            actions: [
              emit(({ context, event }) => ({
                type: 'effect' as const,
                effect: { kind: 'beneficiary.consent' as const, version: context.input.consent.version, at: event.at },
              })),
              emit({ type: 'reply', key: 'menu:consentThanks' }),
              assign({ next: ({ context }) => context.target ?? 'menu' }),
            ],
          },
          {
            guard: ({ event }) => choiceOf(event.input) === 'decline',
            target: 'menu',
            actions: emit({ type: 'reply', key: 'menu:consentDeclined' }),
          },
          { target: 'consent', reenter: true, actions: emit({ type: 'reply', key: 'common:chooseFromList' }) },
        ],
      },
    },
    handoff: {
      entry: emit({ type: 'handoff', reason: 'requested' }),
      always: { target: 'done', actions: assign({ next: 'handoff' }) },
    },
    done: { type: 'final' },
  },
});
