/**
 * Masks personal numbers in free text before staff see it (R6: least data): national IDs and
 * iqama numbers, Saudi mobile numbers and IBANs, typed with Latin or Arabic-Indic digits.
 */
import { toLatinDigits } from '../domain/arabic.js';
import { maskNationalId, maskPhone } from '../domain/validators.js';

const NATIONAL_ID = /(?<![\d+])[12]\d{9}(?!\d)/g;
const MOBILE = /(?<![\d+])(?:(?:\+|00)?966[\s-]?|0)?5\d(?:[\s-]?\d){7}(?!\d)/g;
const IBAN = /\bSA\d{2}(?:\s?[0-9A-Z]){20}\b/gi;

/** The text with national IDs, mobiles and IBANs masked (their last digits kept). */
export function maskPersonalData(text: string): string {
  // Arabic-Indic digits are one UTF-16 unit like ASCII digits: positions in the Latin copy are
  // positions in the original.
  const latin = toLatinDigits(text);
  if (latin.length !== text.length) return maskLatin(latin);
  const spans: { start: number; end: number; masked: string }[] = [];
  const collect = (re: RegExp, mask: (s: string) => string) => {
    for (const m of latin.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (spans.some((s) => start < s.end && end > s.start)) continue;
      spans.push({ start, end, masked: mask(m[0]) });
    }
  };
  collect(IBAN, maskIban);
  collect(NATIONAL_ID, maskNationalId);
  collect(MOBILE, maskPhone);
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.masked;
    at = s.end;
  }
  return out + text.slice(at);
}

function maskLatin(latin: string): string {
  return latin
    .replace(IBAN, maskIban)
    .replace(NATIONAL_ID, (m) => maskNationalId(m))
    .replace(MOBILE, (m) => maskPhone(m));
}

function maskIban(iban: string): string {
  const compact = iban.replace(/\s/g, '').toUpperCase();
  return `${compact.slice(0, 2)}** **** **** **** **** ${compact.slice(-2)}`;
}
