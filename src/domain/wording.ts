/**
 * Reads everyday wording (src/domain/wording.data.ts) in any language the person writes: yes / no in
 * dialect, skip words, asking for a person in any wording, greetings and thanks, questions, numbers
 * in words and with units, and option words typed in part or without hamza / taa marbuta.
 */
import { normalizeArabic, toLatinDigits } from './arabic.js';
import { AR, EN, type Wording } from './wording.data.js';

const BOTH: Wording[] = [AR, EN];

const setOf = (pick: (w: Wording) => string[]) => new Set(BOTH.flatMap(pick).map(normalizeArabic));

const YES = setOf((w) => w.yes);
const NO = setOf((w) => w.no);
const SKIP = setOf((w) => w.skip);
const THANKS = setOf((w) => w.thanks);
const PERSON_PHRASES = setOf((w) => w.personPhrases);
const PERSON = BOTH.flatMap((w) => w.person).map(normalizeArabic);
const QUESTION_STARTS = BOTH.flatMap((w) => w.questionStarts).map(normalizeArabic);
const GREETINGS = new Map<string, string>(
  BOTH.flatMap((w) => w.greetings.flatMap((g) => g.words.map((x) => [normalizeArabic(x), g.reply] as [string, string]))),
);
const NUMBERS = new Map<string, number>(
  BOTH.flatMap((w) => Object.entries(w.numbers)).map(([k, v]) => [normalizeArabic(k), v] as [string, number]),
);
const THOUSAND = setOf((w) => w.thousand);
/** Longest first, so that "افراد الاسره" goes before "افراد". */
const UNIT_SET = setOf((w) => w.units);
const UNITS = [...UNIT_SET].sort((a, b) => b.length - a.length);

/** Wanting / talking verbs that turn a staff word into a request for a person. */
const WANT =
  /(^|\s)(ابي|ابغي|ابغى|ابغا|ودي|اريد|ممكن|ابغي|اكلم|اتكلم|اتواصل|كلم|تواصل|حولني|حولوني|وصلني|i want|i need|talk|speak|connect|let me|can i|transfer)(\s|$)/;

/** 'yes' / 'no' for a dialect yes or no ("ايه", "أيوه موافق", "اكيد", "لا والله"), else null. */
export function yesNo(text: string): 'yes' | 'no' | null {
  const t = normalizeArabic(text);
  if (!t) return null;
  if (YES.has(t)) return 'yes';
  if (NO.has(t)) return 'no';
  return null;
}

/** True for "ما عندي", "تخطي", "skip", … at an optional question. */
export function isSkipWord(text: string): boolean {
  return SKIP.has(normalizeArabic(text));
}

/** True when a message asks for a member of staff in any wording ("ممكن اكلم احد من الجمعية؟"). */
export function wantsPerson(text: string): boolean {
  const t = normalizeArabic(text);
  if (!t || t.length > 80) return false;
  // "ابي اشتكي على الموظف" is a complaint about staff, not a request to talk to them.
  if (/شكو|شكي|اشتك|complain/.test(t)) return false;
  if (PERSON_PHRASES.has(t) || PERSON.includes(t)) return true;
  return WANT.test(t) && PERSON.some((p) => ` ${t} `.includes(` ${p} `) || t.includes(p));
}

/** The reply key for a greeting ("السلام عليكم" → «وعليكم السلام»), or null. */
export function greetingReply(text: string): string | null {
  return GREETINGS.get(normalizeArabic(text)) ?? null;
}

/** True for thanks ("مشكور", "يعطيك العافية", "thank you"). */
export function isThanks(text: string): boolean {
  return THANKS.has(normalizeArabic(text));
}

/** True when a message asks something rather than answers ("ليش تبون الهوية؟", "why do you need it"). */
export function isQuestionLike(text: string): boolean {
  if (/[?؟]\s*$/.test(text.trim())) return true;
  const t = normalizeArabic(text);
  return QUESTION_STARTS.some((q) => t === q || t.startsWith(`${q} `));
}

/**
 * A number written in words, alone or with digits and units: "خمسة" 5, "٥ افراد" 5, "الف ومية"
 * 1100, "خمسة وعشرين" 25, "twenty five" 25, "8 hours" 8. Null when the text is not a number.
 */
export function readNumberWords(text: string): number | null {
  // Digits are for the number parsers (separators, decimals, signs); only units are dropped there.
  if (/\d/.test(toLatinDigits(text))) return null;
  let t = ` ${normalizeArabic(text)} `;
  for (const u of UNITS) t = t.replaceAll(` ${u} `, ' ');
  t = t.trim();
  if (!t) return null;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  // "و" joins parts ("الف ومية", "خمسه وعشرين"); "and" / "-" in English.
  const tokens = t
    .replace(/-/g, ' ')
    .split(' ')
    .flatMap((w) => (w.length > 1 && w.startsWith('و') && !NUMBERS.has(w) && !THOUSAND.has(w) ? [w.slice(1)] : [w]))
    .filter((w) => w !== 'and' && w !== 'و' && w !== '');
  let total = 0;
  let current = 0;
  let seen = false;
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i] ?? '';
    const pair = `${w} ${tokens[i + 1] ?? ''}`;
    if (NUMBERS.has(pair)) {
      current += NUMBERS.get(pair) ?? 0;
      i++;
      seen = true;
    } else if (/^\d+(\.\d+)?$/.test(w)) {
      current += Number(w);
      seen = true;
    } else if (THOUSAND.has(w)) {
      total += (current || 1) * 1000;
      current = 0;
      seen = true;
    } else if (w === 'hundred' && current > 0) {
      current *= 100;
    } else if (NUMBERS.has(w)) {
      current += NUMBERS.get(w) ?? 0;
      seen = true;
    } else return null;
  }
  return seen ? total + current : null;
}

/** Drops unit words around a number ("٥ افراد" → "٥", "حوالي ٨ ساعات" → "٨") so that digit parsers see it. */
export function withoutUnits(text: string): string {
  const words = text.trim().split(/\s+/);
  const isUnit = (w: string) => UNIT_SET.has(normalizeArabic(w));
  while (words.length > 1 && isUnit(words.at(-1) ?? '')) words.pop();
  while (words.length > 1 && isUnit(words[0] ?? '')) words.shift();
  return words.join(' ');
}

/**
 * The option a typed word picks: its label in full or in part ("ايتام" → «كفالة الأيتام»),
 * ignoring hamza, taa marbuta and diacritics; null when none or more than one matches.
 */
export function matchOption<T extends { label: { ar: string; en: string } }>(text: string, options: readonly T[]): T | null {
  const t = normalizeArabic(text).replace(/^ال/, '');
  if (t.length < 3) return null;
  const full = options.filter(
    (o) => normalizeArabic(o.label.ar) === normalizeArabic(text) || normalizeArabic(o.label.en) === normalizeArabic(text),
  );
  if (full.length === 1) return full[0] ?? null;
  const words = (s: string) =>
    normalizeArabic(s)
      .split(' ')
      .map((w) => w.replace(/^(وال|بال|لل|ال)/, ''));
  const hits = options.filter((o) =>
    [...words(o.label.ar), ...words(o.label.en)].some((w) => w.length >= 3 && (w === t || w.startsWith(t) || t.startsWith(w))),
  );
  return hits.length === 1 ? (hits[0] ?? null) : null;
}
