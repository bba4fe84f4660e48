/**
 * Pure validators for what people type into a request form (R3b): national ID / iqama, Saudi
 * mobile, IBAN, Gregorian and Hijri dates, numbers, choices, free text and documents. Every
 * failure is a locale key in the `validation` namespace; nothing here throws on user input.
 */

import { normalizeArabic, stripInvisible, toLatinDigits } from './arabic.js';
import type { CalendarDay } from './calendar.js';
import { DEFAULT_TIMEZONE, formatDate, gregorianToHijri, hijriToGregorian, isoDay, zonedParts } from './calendar.js';
import type { UserInput } from './flow-contract.js';
import type { RequestField } from './profile.js';
import type { Lang } from './text.js';
import { readNumberWords, withoutUnits } from './wording.js';

/**
 * The outcome of validating one answer: the normalised value and how to show it back in a
 * summary, or a `validation:<key>` locale key with its interpolation parameters.
 */
export type Validation<T = string> =
  | { ok: true; value: T; display: string }
  | { ok: false; error: string; params?: Record<string, string | number> };

type Failure = Extract<Validation, { ok: false }>;

function fail(key: string, params?: Record<string, string | number>): Failure {
  return params ? { ok: false, error: `validation:${key}`, params } : { ok: false, error: `validation:${key}` };
}

/** Digits in ASCII, invisible marks removed, and spaces, dashes, dots and parentheses dropped. */
function compact(input: string): string {
  return toLatinDigits(stripInvisible(input))
    .normalize('NFKC')
    .replace(/[\s\-\u2010-\u2015\u2212().]/g, '');
}

// ---------------------------------------------------------------------------------------------
// National ID / iqama

/**
 * The check digit that completes the first nine digits of a Saudi national ID or iqama: the
 * Luhn scheme used by the NIC (digits in odd positions, counting from 1 on the left, are doubled
 * and their digits summed; the total of all ten digits is a multiple of 10).
 */
export function nationalIdCheckDigit(firstNine: string): number {
  if (!/^\d{9}$/.test(firstNine)) throw new RangeError('nationalIdCheckDigit needs exactly 9 digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const digit = Number(firstNine[i]);
    if (i % 2 === 0) {
      const doubled = digit * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    } else {
      sum += digit;
    }
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Validates a Saudi national ID (starts with 1) or iqama (starts with 2): 10 digits with the NIC
 * check digit. Arabic-Indic digits, spaces and dashes are accepted; the value is the 10 ASCII digits.
 */
export function validateNationalId(input: string): Validation {
  const id = compact(input);
  if (id !== '' && !/^\d+$/.test(id)) return fail('nationalId.digits');
  if (id.length !== 10) return fail('nationalId.length', { length: id.length });
  if (id[0] !== '1' && id[0] !== '2') return fail('nationalId.firstDigit');
  if (nationalIdCheckDigit(id.slice(0, 9)) !== Number(id[9])) return fail('nationalId.checksum');
  return { ok: true, value: id, display: id };
}

/** A national ID for staff summaries: first digit and last two only, e.g. '1*******89' (R6). */
export function maskNationalId(id: string): string {
  const digits = toLatinDigits(id).replace(/\D/g, '');
  if (digits.length < 4) return '*'.repeat(digits.length);
  return digits[0] + '*'.repeat(digits.length - 3) + digits.slice(-2);
}

// ---------------------------------------------------------------------------------------------
// Saudi mobile

/**
 * Normalises a Saudi mobile number typed in any usual form (05XXXXXXXX, 5XXXXXXXX, +9665XXXXXXXX,
 * 009665XXXXXXXX, 9665XXXXXXXX, with spaces, dashes, parentheses, Arabic-Indic digits). The value
 * is '+9665XXXXXXXX'; the display is the local form '05X XXX XXXX'.
 */
export function normalizeSaudiMobile(input: string): Validation {
  let s = compact(input);
  if (!/^\+?\d+$/.test(s)) return fail('phone.invalid');
  let international = false;
  if (s.startsWith('+')) {
    s = s.slice(1);
    international = true;
  } else if (s.startsWith('00')) {
    s = s.slice(2);
    international = true;
  }
  if (s.startsWith('966') && (international || s.length >= 12)) {
    s = s.slice(3);
  } else if (international) {
    return fail('phone.notSaudi');
  }
  // '+966 05…' is a frequent slip: the trunk 0 is dropped after the country code.
  if (s.startsWith('0')) s = s.slice(1);
  if (!s.startsWith('5')) return fail('phone.notMobile');
  if (s.length !== 9) return fail('phone.length');
  return { ok: true, value: `+966${s}`, display: `0${s.slice(0, 2)} ${s.slice(2, 5)} ${s.slice(5)}` };
}

/** A phone number for staff summaries: only the last two digits, e.g. '05X XXX XX89' (R6). */
export function maskPhone(phone: string): string {
  const n = normalizeSaudiMobile(phone);
  if (n.ok) return `05X XXX XX${n.value.slice(-2)}`;
  const digits = toLatinDigits(phone).replace(/\D/g, '');
  return digits.length <= 2 ? '*'.repeat(digits.length) : '*'.repeat(digits.length - 2) + digits.slice(-2);
}

// ---------------------------------------------------------------------------------------------
// IBAN

/** ISO 7064 mod-97 remainder of an IBAN (letters as 10..35), computed in chunks to stay in range. */
export function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest;
}

/**
 * Validates a Saudi IBAN: 'SA', two check digits and 22 digits, with the ISO 13616 mod-97 check.
 * Spaces, lower case and Arabic-Indic digits are accepted; the value is upper case without
 * spaces and the display is grouped by four ('SA03 8000 0000 6080 1016 7519').
 */
export function validateIban(input: string): Validation {
  let s = compact(input).toUpperCase();
  if (/^\d{22}$/.test(s)) s = `SA${s}`; // the person left out the country letters
  if (/^[A-Z]{2}\d{2}/.test(s) && !s.startsWith('SA')) return fail('iban.country');
  if (!/^SA\d+$/.test(s)) return fail('iban.format');
  if (s.length !== 24) return fail('iban.length', { length: s.length });
  if (ibanMod97(s) !== 1) return fail('iban.checksum');
  return { ok: true, value: s, display: s.replace(/(.{4})(?=.)/g, '$1 ') };
}

// ---------------------------------------------------------------------------------------------
// Dates

const HIJRI_MONTHS: string[][] = [
  ['محرم', 'muharram', 'muharam'],
  ['صفر', 'safar'],
  ['ربيع الأول', 'ربيع الاول', 'rabi al awwal', 'rabi ul awwal', 'rabi i'],
  ['ربيع الآخر', 'ربيع الثاني', 'ربيع الاخر', 'rabi al akhir', 'rabi al thani', 'rabi ul akhir', 'rabi ul thani', 'rabi ii'],
  ['جمادى الأولى', 'جمادى الأول', 'jumada al ula', 'jumada al awwal', 'jumada al oola', 'jumada i'],
  [
    'جمادى الآخرة',
    'جمادى الآخر',
    'جمادى الثانية',
    'جمادى الثاني',
    'jumada al akhirah',
    'jumada al akhira',
    'jumada al thani',
    'jumada al thaniyah',
    'jumada ii',
  ],
  ['رجب', 'rajab'],
  ['شعبان', 'shaban', 'sha ban'],
  ['رمضان', 'ramadan', 'ramadhan'],
  ['شوال', 'shawwal', 'shawal'],
  ['ذو القعدة', 'ذي القعدة', 'dhu al qadah', 'dhul qadah', 'dhu al qidah', 'dhul qidah', 'dhu al qada', 'dhul qada'],
  ['ذو الحجة', 'ذي الحجة', 'dhu al hijjah', 'dhul hijjah', 'dhu al hijja', 'dhul hijja'],
];

const GREGORIAN_MONTHS: string[][] = [
  ['يناير', 'كانون الثاني', 'january', 'jan'],
  ['فبراير', 'شباط', 'february', 'feb'],
  ['مارس', 'آذار', 'march', 'mar'],
  ['أبريل', 'إبريل', 'نيسان', 'april', 'apr'],
  ['مايو', 'أيار', 'may'],
  ['يونيو', 'يونيه', 'حزيران', 'june', 'jun'],
  ['يوليو', 'يوليه', 'تموز', 'july', 'jul'],
  ['أغسطس', 'آب', 'august', 'aug'],
  ['سبتمبر', 'أيلول', 'september', 'sep', 'sept'],
  ['أكتوبر', 'تشرين الأول', 'october', 'oct'],
  ['نوفمبر', 'تشرين الثاني', 'november', 'nov'],
  ['ديسمبر', 'كانون الأول', 'december', 'dec'],
];

/** A month name reduced for lenient matching: no hamza/ta marbuta differences, no article, no spaces. */
function monthKey(name: string): string {
  return normalizeArabic(name)
    .split(' ')
    .map((w) => (w.startsWith('ال') && w.length > 3 ? w.slice(2) : w))
    .filter((w) => !['al', 'ul', 'el'].includes(w))
    .join('');
}

function monthIndex(table: string[][]): Map<string, number> {
  const index = new Map<string, number>();
  table.forEach((names, i) => {
    for (const n of names) index.set(monthKey(n), i + 1);
  });
  return index;
}

const hijriMonthIndex = monthIndex(HIJRI_MONTHS);
const gregorianMonthIndex = monthIndex(GREGORIAN_MONTHS);

/** Words around a date that carry no information: calendar markers, ordinals, "of", "year". */
const DATE_FILLERS = new Set([
  'ه',
  'هـ',
  'م',
  'هجري',
  'هجريه',
  'ميلادي',
  'ميلاديه',
  'من',
  'سنه',
  'عام',
  'شهر',
  'يوم',
  'ah',
  'h',
  'ad',
  'ce',
  'of',
  'the',
  'st',
  'nd',
  'rd',
  'th',
]);

const RELATIVE_DAYS: Record<string, number> = {
  اليوم: 0,
  today: 0,
  امس: -1,
  البارحه: -1,
  yesterday: -1,
  غدا: 1,
  بكره: 1,
  tomorrow: 1,
};

/** Options of {@link parseDate}. */
export interface ParseDateOptions {
  /** "Today" for relative words and a missing year (default: the current time). */
  now?: Date;
  /** Language of `display` (default Arabic). */
  lang?: Lang;
  /** Timezone that decides what "today" is (default Asia/Riyadh). */
  timezone?: string;
}

function isHijriYear(y: number): boolean {
  return y >= 1300 && y < 1600;
}

function isGregorianYear(y: number): boolean {
  return y >= 1900 && y < 2200;
}

function dateResult(day: CalendarDay, lang: Lang): Validation {
  const instant = new Date(Date.UTC(day.year, day.month - 1, day.day));
  const f = formatDate(instant, lang, 'UTC');
  return { ok: true, value: isoDay(day), display: `${f.gregorian} (${f.hijri})` };
}

/**
 * Parses a date typed in the usual Saudi ways, Gregorian or Hijri (Umm al-Qura): '2025-03-15',
 * '15/3/2025', '15-03-2025', '15/9/1446', '1446-09-15', '١٥ رمضان ١٤٤٦', '15 رمضان 1446هـ',
 * '15 March 2025', 'March 15, 2025', Arabic and English month names, and 'اليوم'/'today'. A year
 * from 1300 to 1599 is Hijri. The value is the Gregorian 'YYYY-MM-DD'; the display shows both
 * calendars. A month name without a year means the current year of that calendar.
 */
export function parseDate(input: string, opts: ParseDateOptions = {}): Validation {
  const lang = opts.lang ?? 'ar';
  const timezone = opts.timezone ?? DEFAULT_TIMEZONE;
  const tokens = normalizeArabic(input)
    .replace(/(\d)(\D)/g, '$1 $2')
    .replace(/(\D)(\d)/g, '$1 $2')
    .split(' ')
    .filter((t) => t !== '' && !DATE_FILLERS.has(t));
  if (tokens.length === 0) return fail('date.format');

  const today = (): CalendarDay => zonedParts(opts.now ?? new Date(), timezone);
  const relative = RELATIVE_DAYS[tokens.join(' ')];
  if (relative !== undefined) {
    const t = today();
    const d = new Date(Date.UTC(t.year, t.month - 1, t.day + relative));
    return dateResult({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, lang);
  }

  const numbers = tokens.filter((t) => /^\d+$/.test(t));
  const words = tokens.filter((t) => !/^\d+$/.test(t));
  let year: number;
  let month: number;
  let day: number;
  let hijri: boolean;

  if (words.length === 0) {
    // Numeric: Y M D or D M Y, told apart by the four-digit year.
    const [a = '', b = '', c = ''] = numbers;
    if (numbers.length !== 3) return fail('date.format');
    if (a.length === 4 && c.length <= 2) [year, month, day] = [Number(a), Number(b), Number(c)];
    else if (c.length === 4 && a.length <= 2) [year, month, day] = [Number(c), Number(b), Number(a)];
    else return fail('date.format');
    if (b.length > 2) return fail('date.month');
    if (isHijriYear(year)) hijri = true;
    else if (isGregorianYear(year)) hijri = false;
    else return fail('date.year');
  } else {
    // A month name with a day and usually a year, in either order.
    const key = monthKey(words.join(' '));
    const h = hijriMonthIndex.get(key);
    const g = gregorianMonthIndex.get(key);
    if (h === undefined && g === undefined) return fail('date.format');
    hijri = h !== undefined;
    month = h ?? g ?? 0;
    const dayToken = numbers.find((n) => n.length <= 2);
    const yearToken = numbers.find((n) => n.length >= 3);
    if (dayToken === undefined || numbers.length > 2 || (numbers.length === 2 && yearToken === undefined)) {
      return fail('date.format');
    }
    day = Number(dayToken);
    if (yearToken !== undefined) {
      year = Number(yearToken);
    } else {
      const now = opts.now ?? new Date();
      year = hijri ? gregorianToHijri(now, timezone).year : today().year;
    }
    if (hijri ? !isHijriYear(year) : !isGregorianYear(year)) return fail('date.year');
  }

  if (month < 1 || month > 12) return fail('date.month');
  if (day < 1 || day > (hijri ? 30 : 31)) return fail('date.day');
  if (hijri) {
    const g = hijriToGregorian(year, month, day);
    if (!g) return fail('date.day');
    return dateResult({ year: g.getUTCFullYear(), month: g.getUTCMonth() + 1, day: g.getUTCDate() }, lang);
  }
  const g = new Date(Date.UTC(year, month - 1, day));
  if (g.getUTCMonth() !== month - 1) return fail('date.day');
  return dateResult({ year, month, day }, lang);
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** Currency words people add to an amount. */
const CURRENCY = /(ريالات|ريال|ر\.?\s?س\.?|﷼|sar|sr|riyals?|rials?)/giu;

/** Options of {@link parseNumber}. */
export interface ParseNumberOptions {
  min?: number;
  max?: number;
  integer?: boolean;
}

/**
 * Parses a number or an amount: Arabic-Indic digits, the Arabic decimal '٫' and thousands '٬'
 * separators, ',' thousands ('1,500.75', '١٬٥٠٠٫٧٥'), and currency words ('ريال', 'SAR') stripped.
 * Out of range gives `number.range` with `{min,max}` (or `number.min` / `number.max` when only one
 * bound is set).
 */
export function parseNumber(input: string, opts: ParseNumberOptions = {}): Validation<number> {
  let s = toLatinDigits(stripInvisible(input))
    .normalize('NFKC')
    .replace(CURRENCY, ' ')
    .replace(/[\u060C]/g, ',') // Arabic comma used as a thousands separator
    .replace(/[\u2212]/g, '-')
    .trim()
    .replace(/\s+/g, ' ');
  // Thousands groups separated by ',' or a space.
  if (/^[+-]?\d{1,3}([, ]\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/[, ]/g, '');
  if (!/^[+-]?(\d+(\.\d+)?|\.\d+)$/.test(s)) return fail('number.format');
  const value = Number(s);
  if (!Number.isFinite(value)) return fail('number.format');
  if (opts.integer && !Number.isInteger(value)) return fail('number.integer');
  const { min, max } = opts;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    if (min !== undefined && max !== undefined) return fail('number.range', { min, max });
    return min !== undefined ? fail('number.min', { min }) : fail('number.max', { max: max ?? 0 });
  }
  const display = new Intl.NumberFormat('en-US', { maximumFractionDigits: 10 }).format(value);
  return { ok: true, value, display };
}

// ---------------------------------------------------------------------------------------------
// Choices, text, documents

/** An option of a choice question. */
export interface ChoiceOption {
  id: string;
  label: { ar: string; en: string };
}

/**
 * Matches an answer to one of the options: its 1-based number ('2' or '٢'), its id, or its label
 * in either language (ignoring hamza, ta marbuta, diacritics and case). The value is the option id;
 * the display is its label in `lang` (Arabic by default).
 */
export function parseChoice(input: string, options: ChoiceOption[], lang: Lang = 'ar'): Validation {
  const text = normalizeArabic(input);
  const ok = (o: ChoiceOption): Validation => ({ ok: true, value: o.id, display: o.label[lang] });
  if (/^\d+$/.test(text)) {
    const o = options[Number(text) - 1];
    return o ? ok(o) : fail('choice.outOfRange', { max: options.length });
  }
  const raw = input.trim().toLowerCase();
  const byId = options.find((o) => o.id.toLowerCase() === raw);
  if (byId) return ok(byId);
  const byLabel = options.find((o) => normalizeArabic(o.label.ar) === text || normalizeArabic(o.label.en) === text);
  if (byLabel && text !== '') return ok(byLabel);
  return fail('choice.unknown', { max: options.length });
}

/** Options of {@link validateText}. */
export interface ValidateTextOptions {
  minLength?: number;
  maxLength?: number;
}

/** Default upper limit of a free-text answer, in characters. */
export const DEFAULT_TEXT_MAX_LENGTH = 2000;

/**
 * Validates a free-text answer: trimmed, not empty or whitespace only, and within the length
 * limits (counted in characters, not UTF-16 units). Too long gives `text.tooLong` with `{max}`.
 */
export function validateText(input: string, opts: ValidateTextOptions = {}): Validation {
  const text = stripInvisible(input).trim();
  const length = [...text].length;
  if (length === 0) return fail('text.empty');
  const max = opts.maxLength ?? DEFAULT_TEXT_MAX_LENGTH;
  if (opts.minLength !== undefined && length < opts.minLength) return fail('text.tooShort', { min: opts.minLength });
  if (length > max) return fail('text.tooLong', { max, length });
  // "😀" or "🙏🙏🙏" is not an answer: a description has words.
  if (!/\p{L}{2,}/u.test(text) && !/\p{N}/u.test(text)) return fail('text.noWords');
  return { ok: true, value: text, display: text };
}

/** A full name in letters, at least two parts ("محمد العتيبي"); emoji, digits or one word are refused. */
export function validateFullName(input: string): Validation {
  const text = stripInvisible(input).trim().replace(/\s+/g, ' ');
  if (!text) return fail('text.empty');
  if (/[\p{N}]/u.test(text) || !/^[\p{L}\p{M}\s.'-]+$/u.test(text)) return fail('name.letters');
  const parts = text.split(' ').filter((p) => [...p.replace(/[.'-]/g, '')].length >= 2);
  if (parts.length < 2) return fail('name.parts');
  if ([...text].length > 120) return fail('text.tooLong', { max: 120, length: [...text].length });
  return { ok: true, value: text, display: text };
}

/** R3b: a date that describes the past (a birth date) is not in the future, and an age is plausible. */
function checkPast(v: Validation, field: RequestField, today: string | undefined): Validation {
  if (!v.ok || !today || !(field.past || /birth|dob/.test(field.id))) return v;
  const day = String(v.value);
  const now = today.slice(0, 10);
  if (day > now) return fail('date.future');
  const years = Number(now.slice(0, 4)) - Number(day.slice(0, 4));
  if (/birth|dob/.test(field.id) && years > 120) return fail('date.tooOld');
  return v;
}

/** What a document answer can be. */
export type DocumentKind = 'image' | 'pdf';

/** An attachment as the validator sees it; `fileName` helps when the platform gave no MIME type. */
export interface DocumentInfo {
  kind: string;
  mimeType?: string;
  size?: number;
  fileName?: string;
}

/** Options of {@link validateDocument}. */
export interface ValidateDocumentOptions {
  accept?: DocumentKind[];
  maxSizeMb?: number;
  /** Language of `display` (default Arabic). */
  lang?: Lang;
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|heic|heif)$/i;

function documentKindOf(att: DocumentInfo): DocumentKind | null {
  const mime = att.mimeType?.toLowerCase().split(';')[0]?.trim();
  if (mime && mime !== 'application/octet-stream') {
    if (IMAGE_TYPES.has(mime)) return 'image';
    if (mime === 'application/pdf') return 'pdf';
    return null;
  }
  if (att.fileName) {
    if (IMAGE_EXTENSIONS.test(att.fileName)) return 'image';
    if (/\.pdf$/i.test(att.fileName)) return 'pdf';
  }
  // Photos (e.g. Telegram's) arrive without a MIME type and are always JPEG.
  return att.kind === 'image' ? 'image' : null;
}

/** Default size limit of a document, in megabytes. */
export const DEFAULT_MAX_SIZE_MB = 10;

/**
 * Validates an attached document: an image (JPEG, PNG, WebP, HEIC) or a PDF, as accepted, within
 * the size limit (10 MB by default). The value is the attachment kind; the errors are
 * `document.type` / `document.typeImage` / `document.typePdf` and `document.size` with `{maxMb}`.
 */
export function validateDocument(att: DocumentInfo, opts: ValidateDocumentOptions = {}): Validation {
  const accept = opts.accept && opts.accept.length > 0 ? opts.accept : (['image', 'pdf'] as DocumentKind[]);
  const maxMb = opts.maxSizeMb ?? DEFAULT_MAX_SIZE_MB;
  const kind = documentKindOf(att);
  if (kind === null || !accept.includes(kind)) {
    if (accept.length === 1) return fail(accept[0] === 'image' ? 'document.typeImage' : 'document.typePdf');
    return fail('document.type');
  }
  if (att.size !== undefined && att.size > maxMb * 1024 * 1024) return fail('document.size', { maxMb });
  const lang = opts.lang ?? 'ar';
  const label = kind === 'image' ? (lang === 'ar' ? 'صورة' : 'Image') : lang === 'ar' ? 'ملف PDF' : 'PDF file';
  return { ok: true, value: att.kind, display: att.fileName ? `${label}: ${att.fileName}` : label };
}

// ---------------------------------------------------------------------------------------------
// Form fields

/**
 * Validates one answer to a request-form field (R3b), dispatching on `field.type`. Text-type
 * fields need a text message (`textExpected` otherwise); a phone field also takes a shared
 * contact; a choice field takes a button id of its options or a typed answer; a document field
 * needs an attachment (`document.expected` otherwise). `lang` picks the language of `display`.
 */
export function validateField(
  field: RequestField,
  input: UserInput,
  lang: Lang = 'ar',
  /** The day of the message (ISO), for dates that must lie in the past; never the clock. */
  today?: string,
): Validation<string | number> {
  switch (field.type) {
    case 'choice': {
      const options = field.options ?? [];
      if (input.kind === 'choice') {
        const o = options.find((x) => x.id === input.id);
        return o ? { ok: true, value: o.id, display: o.label[lang] } : fail('choice.unknown', { max: options.length });
      }
      if (input.kind === 'text') return parseChoice(input.text, options, lang);
      return fail('choice.expected');
    }
    case 'document':
      if (input.kind !== 'attachment') return fail('document.expected');
      return validateDocument(input.attachment, { accept: field.accept, maxSizeMb: field.maxSizeMb, lang });
    case 'phone':
      if (input.kind === 'contact') return normalizeSaudiMobile(input.phone);
      break;
    default:
      break;
  }
  if (input.kind !== 'text') return fail('textExpected');
  const text = input.text;
  switch (field.type) {
    case 'nationalId':
      return validateNationalId(text);
    case 'phone':
      return normalizeSaudiMobile(text);
    case 'iban':
      return validateIban(text);
    case 'date':
      return checkPast(parseDate(text, { lang }), field, today);
    case 'fullName':
      return validateFullName(text);
    case 'number': {
      // "خمسة", "٥ افراد", "٨ ساعات", "الف ومية": words and units from the wording data.
      const words = readNumberWords(text);
      return parseNumber(words === null ? withoutUnits(text) : String(words), { min: field.min, max: field.max });
    }
    default:
      return validateText(text, { maxLength: field.maxLength });
  }
}
