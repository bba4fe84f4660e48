/**
 * How a session is stored: the engine's {@link SessionState} encoded as a conversation record
 * (src/db/conversations.repository.ts) and decoded back. The snapshot column holds a compact JSON
 * object (`s` snapshot, `c` choices, `r` resume pending, `n` expects a number, `p` prompted at,
 * `d` the draft of an unfinished form, `o` a draft offer awaiting an answer, `x` a cancel to confirm); an
 * unreadable one decodes to a snapshot the session runner restarts politely.
 */
import type { ConversationRecord } from '../db/conversations.repository.js';
import type { SessionState } from './session.js';

interface StoredSnapshot {
  s?: unknown;
  c?: SessionState['choices'];
  r?: boolean;
  n?: boolean;
  p?: string;
  d?: SessionState['draft'];
  o?: SessionState['draftOffer'];
  x?: boolean;
}

/** The record to store for a session. */
export function encodeSession(state: SessionState): ConversationRecord {
  const stored: StoredSnapshot = {
    s: state.snapshot,
    c: state.choices,
    ...(state.resumePending ? { r: true } : {}),
    ...(state.expectsNumber ? { n: true } : {}),
    ...(state.promptedAt ? { p: state.promptedAt } : {}),
    ...(state.draft ? { d: state.draft } : {}),
    ...(state.draftOffer ? { o: state.draftOffer } : {}),
    ...(state.cancelPending ? { x: true } : {}),
  };
  return {
    flowId: state.flowId,
    flowVersion: state.flowVersion,
    snapshot: JSON.stringify(stored),
    suspended: state.suspended ? JSON.stringify(state.suspended) : null,
    mode: state.mode,
  };
}

/** The session of a stored record. */
export function decodeSession(record: ConversationRecord): SessionState {
  let stored: StoredSnapshot;
  try {
    stored = JSON.parse(record.snapshot) as StoredSnapshot;
  } catch {
    stored = { s: '__unreadable__' };
  }
  return {
    flowId: record.flowId as SessionState['flowId'],
    flowVersion: record.flowVersion,
    snapshot: stored.s ?? null,
    choices: stored.c ?? [],
    resumePending: stored.r === true,
    expectsNumber: stored.n === true,
    ...(typeof stored.p === 'string' ? { promptedAt: stored.p } : {}),
    ...(stored.d && typeof stored.d === 'object' ? { draft: stored.d } : {}),
    ...(stored.o && typeof stored.o === 'object' ? { draftOffer: stored.o } : {}),
    ...(stored.x === true ? { cancelPending: true } : {}),
    mode: record.mode === 'handoff' ? 'handoff' : 'bot',
    suspended: parseSuspended(record.suspended),
  };
}

function parseSuspended(v: string | null): SessionState['suspended'] {
  if (!v) return null;
  try {
    return JSON.parse(v) as SessionState['suspended'];
  } catch {
    return null;
  }
}
