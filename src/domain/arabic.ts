/**
 * Text normalisation for matching what people type on a phone: Arabic-Indic and Persian digits,
 * hamza/alef forms, alef maqsura, ta marbuta, diacritics, tatweel, bidi marks and spacing.
 */

const ARABIC_INDIC = /[\u0660-\u0669]/g;
const PERSIAN = /[\u06F0-\u06F9]/g;

/** Converts Arabic-Indic (٠-٩) and Persian (۰-۹) digits and Arabic separators to ASCII. */
export function toLatinDigits(s: string): string {
  return s
    .replace(ARABIC_INDIC, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(PERSIAN, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066B/g, '.') // Arabic decimal separator
    .replace(/\u066C/g, ','); // Arabic thousands separator
}

/** Removes bidi control marks and zero-width characters that keyboards insert. */
export function stripInvisible(s: string): string {
  return s.replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '');
}

/**
 * Normalises Arabic for search and matching: diacritics and tatweel removed, أ إ آ ٱ → ا,
 * ى → ي, ة → ه, ؤ → و, ئ → ي, Latin lower-cased, digits to ASCII, spaces collapsed.
 */
export function normalizeArabic(s: string): string {
  return toLatinDigits(stripInvisible(s))
    .normalize('NFC')
    .replace(/[\u064B-\u065F\u0670\u06D6-\u06ED]/g, '') // harakat, shadda, sukun, Quranic marks
    .replace(/\u0640/g, '') // tatweel
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي')
    .replace(/[؟?!,.،؛;:"'()[\]{}«»\-_/\\]+/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
