/**
 * Text the databases refuse, removed at intake for every channel: PostgreSQL rejects NUL in text
 * (SQLite stores it, then it breaks what reads it), and a lone UTF-16 surrogate cannot be encoded.
 * A hostile message never fails a turn: it goes on without those characters.
 */
import type { InboundMessage } from '../engine/messages.js';

// NUL, and surrogates that are not part of a pair.
const REFUSED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without the characters a database refuses. */
export function stripRefused(text: string): string {
  return text.replace(REFUSED, '');
}

/** A copy of `value` with every string cleaned by {@link stripRefused} (Dates and numbers kept). */
function clean<T>(value: T): T {
  if (typeof value === 'string') return stripRefused(value) as T;
  if (Array.isArray(value)) return value.map(clean) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clean(v);
    return out as T;
  }
  return value;
}

/** The message with the refused characters removed from every text it carries. */
export function sanitizeInbound(msg: InboundMessage): InboundMessage {
  return clean(msg);
}
