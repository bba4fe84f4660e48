/**
 * The one harness of the dialogue tests: starts a machine (services faked with `.provide()` by the
 * caller), records what it emits, sends messages and waits for invoked services, and reads the
 * state's tags. Every machine test builds on it, and so does the replay test.
 */
import { type AnyActorRef, type AnyStateMachine, createActor } from 'xstate';
import type { DomainEffect, FlowEmitted, Reply, UserInput } from '../../flows/types.js';

/** A reply as a machine emitted it. */
export type ReplyEvent = Extract<FlowEmitted, { type: 'reply' }>;

/** A Sunday morning in Riyadh, the default time of a message. */
export const AT = '2025-03-02T09:00:00.000Z';

export const text = (t: string): UserInput => ({ kind: 'text', text: t });
export const choice = (id: string): UserInput => ({ kind: 'choice', id });

/** Every locale key a test saw (question and choice keys), to check both locales have them. */
export function keysOf(emitted: readonly FlowEmitted[]): string[] {
  return emitted.flatMap((e) => (e.type === 'reply' ? [e.key, ...(e.choices ?? []).map((c) => c.key)] : []));
}

/** A running dialogue under test. */
export interface FlowRun {
  actor: AnyActorRef;
  /** Everything emitted since the start, in order. */
  emitted: FlowEmitted[];
  replies(): ReplyEvent[];
  effects(): DomainEffect[];
  handoffs(): Extract<FlowEmitted, { type: 'handoff' }>[];
  /** The last reply so far. */
  last(): ReplyEvent | undefined;
  /** Sends a message and returns the replies it caused (no waiting: for machines without services). */
  step(input: UserInput, at?: string): ReplyEvent[];
  /** Sends a message, waits for invoked services, returns the replies it caused. */
  send(input: UserInput, at?: string): Promise<ReplyEvent[]>;
  /** Asks the current question again (as after a language switch or a resume). */
  reprompt(): ReplyEvent[];
  /** Waits until no invoked service is running. */
  settle(): Promise<void>;
  state(): unknown;
  /** The tags of the current state (what it asks). */
  tags(): string[];
}

const onlyReplies = (es: FlowEmitted[]) => es.filter((e): e is ReplyEvent => e.type === 'reply');

/** Waits until the actor has no running child (an invoked service) or has stopped. */
export async function settle(actor: AnyActorRef): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const snap = actor.getSnapshot();
    if (snap.status !== 'active') return;
    const busy = Object.values(snap.children as Record<string, AnyActorRef>).some((c) => c.getSnapshot().status === 'active');
    if (!busy) return;
    await new Promise((r) => setImmediate(r));
  }
}

/** Starts `machine` with `input` (or from a persisted `snapshot`) and records what it emits. */
export function startFlow(
  machine: AnyStateMachine,
  input: unknown,
  opts: { snapshot?: unknown; seen?: Set<string> } = {},
): FlowRun {
  const actor = createActor(machine, opts.snapshot === undefined ? { input } : { input, snapshot: opts.snapshot as never });
  const emitted: FlowEmitted[] = [];
  actor.on('*', (e: FlowEmitted) => {
    emitted.push(e);
    for (const k of keysOf([e])) opts.seen?.add(k);
  });
  actor.start();
  const step = (i: UserInput, at = AT) => {
    const before = emitted.length;
    actor.send({ type: 'user.message', input: i, at });
    return onlyReplies(emitted.slice(before));
  };
  return {
    actor,
    emitted,
    replies: () => onlyReplies(emitted),
    effects: () => emitted.flatMap((e) => (e.type === 'effect' ? [e.effect] : [])),
    handoffs: () => emitted.filter((e): e is Extract<FlowEmitted, { type: 'handoff' }> => e.type === 'handoff'),
    last: () => onlyReplies(emitted).at(-1),
    step,
    async send(i, at = AT) {
      const before = emitted.length;
      actor.send({ type: 'user.message', input: i, at });
      await settle(actor);
      return onlyReplies(emitted.slice(before));
    },
    reprompt() {
      const before = emitted.length;
      actor.send({ type: 'flow.reprompt' });
      return onlyReplies(emitted.slice(before));
    },
    settle: () => settle(actor),
    state: () => actor.getSnapshot().value,
    tags: () => [...(actor.getSnapshot().tags as Set<string>)].sort(),
  };
}

/** A reply without its event type, as older assertions compare it. */
export function asReply(e: ReplyEvent): Reply {
  const { type: _type, ...reply } = e;
  return reply;
}
