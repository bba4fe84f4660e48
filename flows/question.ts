/**
 * The dialogue toolkit: one way to ask a question in every machine.
 *
 * A question state built by {@link question} asks on entry, asks again on `flow.reprompt`, reads
 * (classifies) each message once into `context.reading` and then takes the first answer whose guard
 * accepts that reading. Nothing accepted: the `otherwise` action says why and the question is asked
 * again; after `ladder.after` such failures the dialogue moves to the ladder's target (the person
 * chooses: try again, a person, the menu) instead of looping. A question about the question
 * (reading `help`) is answered and does not count as a failure.
 *
 * States carry typed tags ({@link QuestionTag}) saying what they ask, so the engine reads tags
 * rather than recognising a question by its locale key.
 */
import { assign, emit } from 'xstate';
import type { LocalText } from '../src/domain/text.js';
import type { FlowEmitted, FlowEvent, Reply, UserInput } from './types.js';

/** What a waiting state asks for; the engine reads these (a typed "0" is a number at `asksNumber`). */
export type QuestionTag =
  /** Any state that waits for the person's answer. */
  | 'question'
  /** A step of a form whose answers make a draft worth keeping. */
  | 'formStep'
  | 'asksChoice'
  | 'asksYesNo'
  | 'asksText'
  | 'asksNumber'
  | 'asksPhone'
  | 'asksDate'
  | 'asksDocument'
  | 'asksReference'
  | 'asksScore'
  | 'asksConsent'
  | 'asksConfirmation';

/**
 * A message as one question read it, computed once per message (guards read it, they never
 * re-classify). `V` is the value an accepted answer carries.
 */
export type Reading<V = unknown> =
  /** A button, or a typed label / number the engine mapped to one. */
  | { kind: 'choice'; id: string }
  /** An accepted answer. */
  | { kind: 'valid'; value: V; display?: LocalText }
  /** An optional question skipped. */
  | { kind: 'skip' }
  /** A question about the question ("why do you need my ID?"): answered, not a failure. */
  | { kind: 'help' }
  /** Not accepted; `reply` says what is expected, with an example. */
  | { kind: 'invalid'; reply: Reply }
  /** A button of another question (an old message): said so, not counted as a failure. */
  | { kind: 'stale'; reply: Reply };

/** What every machine that asks questions keeps in its context. */
export interface Asking<V = unknown> {
  /** The current message as the current question read it; null between messages. */
  reading: Reading<V> | null;
  /** Consecutive failed answers to the current question. */
  failures: number;
  /** The current question is being asked again (after a refusal or a reprompt): keep the count. */
  retrying: boolean;
}

/** Failed answers to one question after which the person is offered a way out (issue 11: no dead ends). */
export const FAILURE_LADDER = 3;

// ---- readings shared by the machines ----

/** The input of a person's message, or null for an engine event. */
export function inputOf(event: FlowEvent): UserInput | null {
  return event.type === 'user.message' ? event.input : null;
}

/** The reply that says a message of this kind was not what the question asked for. */
export function notExpected(input: UserInput | null): Reply {
  if (input?.kind === 'attachment' || input?.kind === 'location' || input?.kind === 'contact')
    return { key: 'common:unsupportedAttachment' };
  return { key: 'common:chooseFromList' };
}

/** Reads a message at a question answered with buttons: the choice, or why it is not one. */
export function readChoice(event: FlowEvent): Reading<never> | null {
  const input = inputOf(event);
  if (!input) return null;
  if (input.kind === 'choice') return { kind: 'choice', id: input.id };
  return { kind: 'invalid', reply: notExpected(input) };
}

// ---- guards every question machine registers (`guards: { ...questionGuards }`) ----

type WithReading = { context: Asking };

/** Guards over `context.reading`, shared by the machines. */
export const questionGuards = {
  /** A message has been read and not yet acted on. */
  hasReading: ({ context }: WithReading) => context.reading !== null,
  /** The reading is the button `id`. */
  picked: ({ context }: WithReading, params: { id: string }) =>
    context.reading?.kind === 'choice' && context.reading.id === params.id,
  /** The reading is a button whose id starts with `prefix`. */
  pickedPrefix: ({ context }: WithReading, params: { prefix: string }) =>
    context.reading?.kind === 'choice' && context.reading.id.startsWith(params.prefix),
  isValid: ({ context }: WithReading) => context.reading?.kind === 'valid',
  isSkip: ({ context }: WithReading) => context.reading?.kind === 'skip',
  isHelp: ({ context }: WithReading) => context.reading?.kind === 'help',
  isStale: ({ context }: WithReading) => context.reading?.kind === 'stale',
  /** This failure is the one that reaches the ladder. */
  atLadder: ({ context }: WithReading) => context.reading !== null && context.failures + 1 >= FAILURE_LADDER,
};

/** The starting values of {@link Asking} for a machine's context. */
export const asking = { reading: null, failures: 0, retrying: false } as const;

/** The reply of an invalid reading (or "choose from the list"). */
export function problemReply(reading: Reading | null): Reply {
  return reading?.kind === 'invalid' || reading?.kind === 'stale' ? reading.reply : { key: 'common:chooseFromList' };
}

// ---- the factory ----

/** Anything `setup()` returned: the factory takes its types from it. */
type AnySetup = { createStateConfig: (config: never) => unknown };
/** The state config type of a machine's setup (its actions, guards and tags by name). */
type StateConfigOf<S> = S extends { createStateConfig: (config: infer C) => unknown } ? C : never;
type Field<S, K extends string> = StateConfigOf<S> extends Partial<Record<K, infer V>> ? NonNullable<V> : never;
/** One action of a machine, as a state config names it. */
type ActionOf<S> = Exclude<Field<S, 'entry'>, readonly unknown[]>;
/** One eventless transition of a machine. */
type TransitionOf<S> = Extract<Field<S, 'always'> extends readonly (infer T)[] ? T : Field<S, 'always'>, object>;
type TagOf<S> = Field<S, 'tags'> extends readonly (infer T)[] ? T : Field<S, 'tags'>;

/** How a question is asked and answered, typed by the machine's setup `S`. */
export interface QuestionSpec<S> {
  /** Emits the question (run on entry, on reprompt and after a refused answer). */
  ask: ActionOf<S> | readonly ActionOf<S>[];
  /** Assigns `context.reading` from the message: the one classification of that message. */
  read: ActionOf<S> | readonly ActionOf<S>[];
  /** What the state asks, for the engine. */
  tags?: readonly TagOf<S>[];
  /** Accepted readings (eventless transitions guarded on `context.reading`), first match wins. */
  answers: readonly TransitionOf<S>[];
  /** Says why the reading was not accepted (default `sayProblem`: the invalid reading's reply). */
  otherwise?: ActionOf<S> | readonly ActionOf<S>[];
  /** Answers a question about the question; without it a help reading counts as a failure. */
  help?: ActionOf<S> | readonly ActionOf<S>[];
  /** Where to go after {@link FAILURE_LADDER} failures; without it the question is simply asked again. */
  ladder?: string;
  /**
   * After a refused answer, run these instead of asking the whole question again (a case shown in
   * detail repeats only its choices).
   */
  reask?: ActionOf<S> | readonly ActionOf<S>[];
}

/** The toolkit's own guards and actions, which every question machine registers. */
type Own =
  | 'hasReading'
  | 'isHelp'
  | 'isStale'
  | 'atLadder'
  | 'beginQuestion'
  | 'countFailure'
  | 'countFailureHere'
  | 'keepFailures'
  | 'clearReading'
  | 'sayProblem';

/**
 * A name the machine registered through {@link questionGuards} / {@link questionActions}. The
 * compiler cannot see that a generic setup has them; XState checks names when the machine is
 * created, and every machine's test creates it.
 */
const own = (name: Own): never => name as never;

function list<T>(a: T | readonly T[] | undefined): T[] {
  if (a === undefined) return [];
  return Array.isArray(a) ? [...(a as readonly T[])] : [a as T];
}

/**
 * A question state named `name` (its key among its siblings) of the machine set up by `machine`.
 * The machine registers {@link questionGuards} and {@link questionActions}: `beginQuestion`
 * (reading ← null; failures ← 0 unless the question is being asked again), `countFailure`,
 * `keepFailures`, `clearReading` and `sayProblem` (emits {@link problemReply}).
 */
export function question<S extends AnySetup>(_machine: S, name: string, spec: QuestionSpec<S>): StateConfigOf<S> {
  const otherwise: ActionOf<S>[] = spec.otherwise === undefined ? [own('sayProblem')] : list(spec.otherwise);
  const always: object[] = spec.answers.map((a) => {
    const t = a as { actions?: ActionOf<S> | readonly ActionOf<S>[] };
    return { ...a, actions: [...list(t.actions), own('clearReading')] };
  });
  if (spec.help)
    always.push({ guard: own('isHelp'), target: name, reenter: true, actions: [...list(spec.help), own('keepFailures')] });
  always.push({ guard: own('isStale'), target: name, reenter: true, actions: [own('sayProblem'), own('keepFailures')] });
  if (spec.ladder) always.push({ guard: own('atLadder'), target: spec.ladder, actions: [...otherwise, own('clearReading')] });
  if (spec.reask)
    always.push({
      guard: own('hasReading'),
      actions: [...otherwise, ...list(spec.reask), own('countFailureHere'), own('clearReading')],
    });
  else always.push({ guard: own('hasReading'), target: name, reenter: true, actions: [...otherwise, own('countFailure')] });
  const config = {
    // The reading of the previous message never leaks into this question.
    entry: [own('beginQuestion'), ...list(spec.ask)],
    tags: ['question', ...(spec.tags ?? [])],
    on: {
      'flow.reprompt': { target: name, reenter: true, actions: [own('keepFailures')] },
      'user.message': { actions: list(spec.read) },
    },
    always,
  };
  // Built from parts typed by `S` (see QuestionSpec); the generic setup cannot check the whole.
  return config as StateConfigOf<S>;
}

/**
 * The toolkit's actions for a machine whose context extends {@link Asking}:
 * `actions: { ...questionActions<MyContext>(), ... }`.
 */
export function questionActions<TContext extends Asking>() {
  return {
    beginQuestion: assign<TContext, FlowEvent, undefined, FlowEvent, never>(
      ({ context }) =>
        ({ reading: null, retrying: false, failures: context.retrying ? context.failures : 0 }) as Partial<TContext>,
    ),
    countFailure: assign<TContext, FlowEvent, undefined, FlowEvent, never>(
      ({ context }) => ({ failures: context.failures + 1, retrying: true }) as Partial<TContext>,
    ),
    countFailureHere: assign<TContext, FlowEvent, undefined, FlowEvent, never>(
      ({ context }) => ({ failures: context.failures + 1 }) as Partial<TContext>,
    ),
    keepFailures: assign<TContext, FlowEvent, undefined, FlowEvent, never>(() => ({ retrying: true }) as Partial<TContext>),
    clearReading: assign<TContext, FlowEvent, undefined, FlowEvent, never>(() => ({ reading: null }) as Partial<TContext>),
    sayProblem: emit<TContext, FlowEvent, undefined, FlowEvent, FlowEmitted>(({ context }) => ({
      type: 'reply',
      ...problemReply(context.reading),
    })),
  };
}
