/**
 * Reference numbers of requests and complaints: short enough to read out on the phone, random
 * enough not to be guessed (the reference alone never reveals a case; lookups are scoped to the
 * person). Form: 'R-7KQ3-M9XD' for a request, 'C-…' for a complaint.
 */
import { randomInt } from 'node:crypto';
import { stripInvisible, toLatinDigits } from './arabic.js';

/**
 * Characters of a reference: digits and capitals without 0/O, 1/I/L (easily confused) and U
 * (avoids accidental words). 30 symbols, so 8 characters carry about 39 bits.
 */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Number of random characters in a reference. */
export const REFERENCE_LENGTH = 8;

const PREFIX = { request: 'R', complaint: 'C' } as const;

const CANONICAL = new RegExp(`^([RC])([${REFERENCE_ALPHABET}]{4})([${REFERENCE_ALPHABET}]{4})$`);

/** A new random reference, e.g. 'R-7KQ3-M9XD' (request) or 'C-4HT8-P2WN' (complaint). */
export function newReference(kind: 'request' | 'complaint'): string {
  let body = '';
  for (let i = 0; i < REFERENCE_LENGTH; i++) body += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `${PREFIX[kind]}-${body.slice(0, 4)}-${body.slice(4)}`;
}

/**
 * The canonical form ('R-7KQ3-M9XD') of a reference as a person typed it: any case, with or
 * without dashes or spaces, Arabic-Indic digits; null when it is not a reference.
 */
export function normalizeReference(s: string): string | null {
  const compact = toLatinDigits(stripInvisible(s))
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212_.#]/g, '');
  const m = CANONICAL.exec(compact);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** True when `s` reads as a reference (see {@link normalizeReference}). */
export function isReference(s: string): boolean {
  return normalizeReference(s) !== null;
}

/** The kind of case a valid reference names, or null. */
export function referenceKind(s: string): 'request' | 'complaint' | null {
  const ref = normalizeReference(s);
  if (!ref) return null;
  return ref.startsWith('R') ? 'request' : 'complaint';
}
