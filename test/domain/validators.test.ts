import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserInput } from '../../flows/types.js';
import { toLatinDigits } from '../../src/domain/arabic.js';
import type { RequestField } from '../../src/domain/profile.js';
import {
  ibanMod97,
  maskNationalId,
  maskPhone,
  nationalIdCheckDigit,
  normalizeSaudiMobile,
  parseChoice,
  parseDate,
  parseNumber,
  type Validation,
  validateDocument,
  validateField,
  validateIban,
  validateNationalId,
  validateText,
} from '../../src/domain/validators.js';

/** Renders ASCII digits as Arabic-Indic (٠-٩), as an Arabic keyboard types them. */
function arabicIndic(s: string): string {
  return s.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
}

function okValue<T>(v: Validation<T>): T | undefined {
  return v.ok ? v.value : undefined;
}

function errorOf<T>(v: Validation<T>): string | undefined {
  return v.ok ? undefined : v.error;
}

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

/** A valid national ID or iqama built with the check-digit function. */
const validNationalId = fc
  .tuple(fc.constantFrom('1', '2'), digits(8))
  .map(([first, rest]) => `${first}${rest}${nationalIdCheckDigit(first + rest)}`);

describe('digit conversion', () => {
  it('reads any number rendered in Arabic-Indic digits as the same ASCII digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789 -/') }), (ascii) => {
        expect(toLatinDigits(arabicIndic(ascii))).toBe(ascii);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validateNationalId', () => {
  it('accepts hand-computed valid IDs and iqamas', () => {
    // 1000000008: 1×2 = 2, so the check digit is 8. 2000000006: 2×2 = 4, check 6.
    // 1234567897: 2+2+6+4+1+6+5+8+9 = 43, check 7.
    for (const id of ['1000000008', '2000000006', '1234567897']) {
      expect(validateNationalId(id)).toEqual({ ok: true, value: id, display: id });
    }
  });

  it('accepts Arabic-Indic digits, spaces and dashes', () => {
    expect(okValue(validateNationalId('١٢٣٤٥٦٧٨٩٧'))).toBe('1234567897');
    expect(okValue(validateNationalId(' 1234-567-897 '))).toBe('1234567897');
    expect(okValue(validateNationalId('1 234 567 897'))).toBe('1234567897');
  });

  it('gives a distinct error for length, first digit, check digit and letters', () => {
    expect(errorOf(validateNationalId('123456789'))).toBe('validation:nationalId.length');
    expect(errorOf(validateNationalId('12345678970'))).toBe('validation:nationalId.length');
    expect(errorOf(validateNationalId(''))).toBe('validation:nationalId.length');
    expect(errorOf(validateNationalId('3000000004'))).toBe('validation:nationalId.firstDigit');
    expect(errorOf(validateNationalId('1234567898'))).toBe('validation:nationalId.checksum');
    expect(errorOf(validateNationalId('12345A7897'))).toBe('validation:nationalId.digits');
  });

  it('accepts every ID built with the check digit, in either digit script', () => {
    fc.assert(
      fc.property(validNationalId, (id) => {
        expect(okValue(validateNationalId(id))).toBe(id);
        expect(okValue(validateNationalId(arabicIndic(id)))).toBe(id);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects any valid ID with one digit changed', () => {
    fc.assert(
      fc.property(validNationalId, fc.nat(9), fc.integer({ min: 1, max: 9 }), (id, pos, delta) => {
        const changed = String((Number(id[pos]) + delta) % 10);
        const typo = id.slice(0, pos) + changed + id.slice(pos + 1);
        expect(validateNationalId(typo).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('masks all but the first and the last two digits for staff', () => {
    expect(maskNationalId('1234567897')).toBe('1*******97');
    expect(maskNationalId('١٢٣٤٥٦٧٨٩٧')).toBe('1*******97');
  });
});

describe('normalizeSaudiMobile', () => {
  it('normalises every usual form to +9665XXXXXXXX with a local display', () => {
    const forms = [
      '0551234567',
      '551234567',
      '+966551234567',
      '00966551234567',
      '966551234567',
      '٠٥٥١٢٣٤٥٦٧',
      '+966 55 123 4567',
      '055-123-4567',
      '(055) 123 4567',
      '+966 (55) 123-4567',
      '+٩٦٦٥٥١٢٣٤٥٦٧',
      '+966 0551234567',
    ];
    for (const f of forms) {
      expect(normalizeSaudiMobile(f), f).toEqual({ ok: true, value: '+966551234567', display: '055 123 4567' });
    }
  });

  it('explains what is wrong with other numbers', () => {
    expect(errorOf(normalizeSaudiMobile('0112345678'))).toBe('validation:phone.notMobile');
    expect(errorOf(normalizeSaudiMobile('+971501234567'))).toBe('validation:phone.notSaudi');
    expect(errorOf(normalizeSaudiMobile('05512345'))).toBe('validation:phone.length');
    expect(errorOf(normalizeSaudiMobile('055123456789'))).toBe('validation:phone.length');
    expect(errorOf(normalizeSaudiMobile('my number'))).toBe('validation:phone.invalid');
  });

  it('gives the same value for every form of the same number', () => {
    const forms = (rest: string): string[] => {
      const local = `05${rest}`;
      return [
        local,
        `5${rest}`,
        `+9665${rest}`,
        `009665${rest}`,
        `9665${rest}`,
        `${local.slice(0, 3)} ${local.slice(3, 6)} ${local.slice(6)}`,
        `${local.slice(0, 3)}-${local.slice(3, 6)}-${local.slice(6)}`,
        `(${local.slice(0, 3)}) ${local.slice(3)}`,
        `+966 5${rest.slice(0, 1)} ${rest.slice(1, 4)} ${rest.slice(4)}`,
        arabicIndic(local),
        arabicIndic(`+9665${rest}`),
      ];
    };
    fc.assert(
      fc.property(digits(8), (rest) => {
        const values = forms(rest).map((f) => okValue(normalizeSaudiMobile(f)));
        expect(new Set(values)).toEqual(new Set([`+9665${rest}`]));
      }),
      { numRuns: 200 },
    );
  });

  it('masks all but the last two digits for staff', () => {
    expect(maskPhone('+966551234589')).toBe('05X XXX XX89');
    expect(maskPhone('0551234589')).toBe('05X XXX XX89');
  });
});

describe('validateIban', () => {
  it('verifies the published example with mod 97', () => {
    // Rearranged: 80000000608010167519 + "SA" (28 10) + 03 → remainder 1 (ISO 13616).
    expect(ibanMod97('SA0380000000608010167519')).toBe(1);
    expect(validateIban('SA0380000000608010167519')).toEqual({
      ok: true,
      value: 'SA0380000000608010167519',
      display: 'SA03 8000 0000 6080 1016 7519',
    });
  });

  it('accepts spaces, lower case and Arabic-Indic digits', () => {
    expect(okValue(validateIban('sa03 8000 0000 6080 1016 7519'))).toBe('SA0380000000608010167519');
    expect(okValue(validateIban('SA٠٣٨٠٠٠٠٠٠٠٦٠٨٠١٠١٦٧٥١٩'))).toBe('SA0380000000608010167519');
  });

  it('rejects a changed digit, another country, a wrong length and letters', () => {
    expect(errorOf(validateIban('SA0380000000608010167518'))).toBe('validation:iban.checksum');
    expect(errorOf(validateIban('GB82WEST12345698765432'))).toBe('validation:iban.country');
    expect(errorOf(validateIban('SA038000000060801016751'))).toBe('validation:iban.length');
    expect(errorOf(validateIban('SA03 8000 0000 6080 1016 751X'))).toBe('validation:iban.format');
    expect(errorOf(validateIban('my iban'))).toBe('validation:iban.format');
  });

  it('rejects any valid IBAN with one digit changed', () => {
    const iban = 'SA0380000000608010167519';
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 23 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const typo = iban.slice(0, pos) + String((Number(iban[pos]) + delta) % 10) + iban.slice(pos + 1);
        expect(validateIban(typo).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseDate', () => {
  const now = new Date('2025-01-01T09:00:00Z');

  it('reads Hijri and Gregorian forms of 15 Ramadan 1446 as 2025-03-15', () => {
    const forms = [
      '١٥ رمضان ١٤٤٦',
      '15 رمضان 1446',
      '15 رمضان 1446هـ',
      '15/9/1446',
      '١٥/٩/١٤٤٦',
      '1446-09-15',
      '1446/09/15',
      '2025-03-15',
      '15/3/2025',
      '15-03-2025',
      '15 March 2025',
      'March 15, 2025',
      '15th of March 2025',
      '15 مارس 2025م',
      '15 Ramadan 1446 AH',
    ];
    for (const f of forms) expect(okValue(parseDate(f, { now })), f).toBe('2025-03-15');
  });

  it('shows both calendars, in Arabic by default', () => {
    expect(parseDate('15/9/1446')).toMatchObject({ display: '١٥ مارس ٢٠٢٥ (١٥ رمضان ١٤٤٦ هـ)' });
    expect(parseDate('15/9/1446', { lang: 'en' })).toMatchObject({ display: '15 March 2025 (15 Ramadan 1446 AH)' });
  });

  it('reads Hijri month names with or without hamza and ta marbuta', () => {
    // Umm al-Qura: 1 Rabi I 1446 = 4 Sep 2024, 1 Jumada II 1446 = 2 Dec 2024, 1 Dhu al-Qadah 1445 = 9 May 2024,
    // 1 Dhu al-Hijjah 1445 = 7 June 2024 (Arafah on 15 June 2024).
    const cases: [string, string][] = [
      ['1 ربيع الأول 1446', '2024-09-04'],
      ['1 ربيع الاول 1446', '2024-09-04'],
      ['1 ربيع أول 1446', '2024-09-04'],
      ['1 جمادى الآخرة 1446', '2024-12-02'],
      ['1 جمادي الاخره 1446', '2024-12-02'],
      ['1 جمادى الثانية 1446', '2024-12-02'],
      ['1 ذو القعدة 1445', '2024-05-09'],
      ['١ ذي القعده ١٤٤٥ هـ', '2024-05-09'],
      ['1 ذو الحجة 1445', '2024-06-07'],
      ['1 Dhul Hijjah 1445', '2024-06-07'],
      ['1 شوال 1446', '2025-03-30'],
    ];
    for (const [input, iso] of cases) expect(okValue(parseDate(input, { now })), input).toBe(iso);
  });

  it('takes the current year of the calendar when only a day and a month name are given', () => {
    expect(okValue(parseDate('15 رمضان', { now }))).toBe('2025-03-15');
    expect(okValue(parseDate('15 March', { now }))).toBe('2025-03-15');
  });

  it('reads today, yesterday and tomorrow in Riyadh time', () => {
    // 22:00 UTC on 14 March is 01:00 on 15 March in Riyadh.
    const late = new Date('2025-03-14T22:00:00Z');
    expect(okValue(parseDate('اليوم', { now: late }))).toBe('2025-03-15');
    expect(okValue(parseDate('أمس', { now: late }))).toBe('2025-03-14');
    expect(okValue(parseDate('tomorrow', { now: late }))).toBe('2025-03-16');
  });

  it('rejects dates that do not exist and unreadable text', () => {
    expect(errorOf(parseDate('31/2/2025'))).toBe('validation:date.day');
    expect(errorOf(parseDate('29/2/2025'))).toBe('validation:date.day');
    expect(okValue(parseDate('29/2/2024'))).toBe('2024-02-29');
    expect(errorOf(parseDate('30 رمضان 1446'))).toBe('validation:date.day');
    expect(errorOf(parseDate('0/9/1446'))).toBe('validation:date.day');
    expect(errorOf(parseDate('15/13/2025'))).toBe('validation:date.month');
    expect(errorOf(parseDate('15/3/25'))).toBe('validation:date.format');
    expect(errorOf(parseDate('15/3/1800'))).toBe('validation:date.year');
    expect(errorOf(parseDate('15 رمضان 2025'))).toBe('validation:date.year');
    expect(errorOf(parseDate('next week'))).toBe('validation:date.format');
    expect(errorOf(parseDate(''))).toBe('validation:date.format');
  });
});

describe('parseNumber', () => {
  it('reads separators in both scripts and strips currency words', () => {
    const cases: [string, number][] = [
      ['1500', 1500],
      ['1,500.75', 1500.75],
      ['١٬٥٠٠٫٧٥', 1500.75],
      ['١٥٠٠', 1500],
      ['1500 ريال', 1500],
      ['١٥٠٠ ريال', 1500],
      ['SAR 2,000', 2000],
      ['2000 sar', 2000],
      ['١٥٠٠ ر.س', 1500],
      ['12,345,678', 12345678],
      ['0.5', 0.5],
    ];
    for (const [input, n] of cases) expect(okValue(parseNumber(input)), input).toBe(n);
    expect(parseNumber('1,500.75')).toMatchObject({ display: '1,500.75' });
  });

  it('rejects text, misplaced separators, fractions where integers are needed and values out of range', () => {
    expect(errorOf(parseNumber('many'))).toBe('validation:number.format');
    expect(errorOf(parseNumber('1,50'))).toBe('validation:number.format');
    expect(errorOf(parseNumber(''))).toBe('validation:number.format');
    expect(errorOf(parseNumber('2.5', { integer: true }))).toBe('validation:number.integer');
    expect(parseNumber('20', { min: 1, max: 10 })).toEqual({
      ok: false,
      error: 'validation:number.range',
      params: { min: 1, max: 10 },
    });
    expect(parseNumber('0', { min: 1 })).toEqual({ ok: false, error: 'validation:number.min', params: { min: 1 } });
    expect(parseNumber('11', { max: 10 })).toEqual({ ok: false, error: 'validation:number.max', params: { max: 10 } });
    expect(okValue(parseNumber('10', { min: 1, max: 10, integer: true }))).toBe(10);
  });
});

describe('parseChoice', () => {
  const options = [
    { id: 'food_basket', label: { ar: 'سلة غذائية', en: 'Food basket' } },
    { id: 'rent', label: { ar: 'مساعدة إيجار', en: 'Rent support' } },
  ];

  it('accepts the number in either script, the id and either label', () => {
    for (const input of ['2', '٢', 'rent', 'RENT', 'مساعدة إيجار', 'مساعده ايجار', 'rent support']) {
      expect(okValue(parseChoice(input, options)), input).toBe('rent');
    }
    expect(okValue(parseChoice('سلة غذائيّة', options))).toBe('food_basket');
  });

  it('shows the label in the asked language', () => {
    expect(parseChoice('1', options)).toMatchObject({ display: 'سلة غذائية' });
    expect(parseChoice('1', options, 'en')).toMatchObject({ display: 'Food basket' });
  });

  it('says how many options there are when the answer matches none', () => {
    expect(parseChoice('3', options)).toEqual({ ok: false, error: 'validation:choice.outOfRange', params: { max: 2 } });
    expect(parseChoice('0', options)).toEqual({ ok: false, error: 'validation:choice.outOfRange', params: { max: 2 } });
    expect(errorOf(parseChoice('something else', options))).toBe('validation:choice.unknown');
  });
});

describe('validateText', () => {
  it('trims and rejects empty answers', () => {
    expect(validateText('  أحتاج مساعدة  ')).toEqual({ ok: true, value: 'أحتاج مساعدة', display: 'أحتاج مساعدة' });
    expect(errorOf(validateText('   \n '))).toBe('validation:text.empty');
  });

  it('gives the limit when the answer is too long or too short', () => {
    expect(validateText('abcdef', { maxLength: 5 })).toMatchObject({
      ok: false,
      error: 'validation:text.tooLong',
      params: { max: 5 },
    });
    expect(validateText('ab', { minLength: 3 })).toMatchObject({
      ok: false,
      error: 'validation:text.tooShort',
      params: { min: 3 },
    });
    expect(validateText('abcde', { maxLength: 5 }).ok).toBe(true);
  });
});

describe('validateDocument', () => {
  it('accepts images and PDFs within the size limit', () => {
    expect(validateDocument({ kind: 'image', mimeType: 'image/jpeg', size: 500_000 })).toMatchObject({
      ok: true,
      value: 'image',
    });
    expect(validateDocument({ kind: 'document', mimeType: 'application/pdf', size: 2_000_000 })).toMatchObject({
      ok: true,
      value: 'document',
    });
    expect(validateDocument({ kind: 'image' }).ok).toBe(true); // a photo without a MIME type
    expect(validateDocument({ kind: 'document', mimeType: 'image/heic' }).ok).toBe(true);
  });

  it('rejects other types and says which are accepted', () => {
    expect(errorOf(validateDocument({ kind: 'document', mimeType: 'application/zip' }))).toBe('validation:document.type');
    expect(errorOf(validateDocument({ kind: 'audio', mimeType: 'audio/ogg' }))).toBe('validation:document.type');
    expect(errorOf(validateDocument({ kind: 'document', mimeType: 'application/pdf' }, { accept: ['image'] }))).toBe(
      'validation:document.typeImage',
    );
    expect(errorOf(validateDocument({ kind: 'image', mimeType: 'image/png' }, { accept: ['pdf'] }))).toBe(
      'validation:document.typePdf',
    );
  });

  it('rejects files over the limit with the limit in megabytes', () => {
    expect(validateDocument({ kind: 'image', mimeType: 'image/png', size: 11 * 1024 * 1024 })).toEqual({
      ok: false,
      error: 'validation:document.size',
      params: { maxMb: 10 },
    });
    expect(validateDocument({ kind: 'image', mimeType: 'image/png', size: 3 * 1024 * 1024 }, { maxSizeMb: 2 })).toMatchObject({
      error: 'validation:document.size',
      params: { maxMb: 2 },
    });
  });
});

describe('validateField', () => {
  const field = (f: Partial<RequestField> & Pick<RequestField, 'type'>): RequestField => ({
    id: 'f',
    label: { ar: 'حقل', en: 'Field' },
    required: true,
    ...f,
  });
  const text = (t: string): UserInput => ({ kind: 'text', text: t });

  it('dispatches text answers to the validator of the field type', () => {
    expect(okValue(validateField(field({ type: 'nationalId' }), text('١٢٣٤٥٦٧٨٩٧')))).toBe('1234567897');
    expect(okValue(validateField(field({ type: 'phone' }), text('0551234567')))).toBe('+966551234567');
    expect(okValue(validateField(field({ type: 'iban' }), text('SA0380000000608010167519')))).toBe('SA0380000000608010167519');
    expect(okValue(validateField(field({ type: 'date' }), text('15/9/1446')))).toBe('2025-03-15');
    expect(okValue(validateField(field({ type: 'number', min: 1, max: 20 }), text('٧')))).toBe(7);
    expect(errorOf(validateField(field({ type: 'number', min: 1, max: 20 }), text('30')))).toBe('validation:number.range');
    expect(errorOf(validateField(field({ type: 'text', maxLength: 3 }), text('long text')))).toBe('validation:text.tooLong');
  });

  it('takes a shared contact for a phone field', () => {
    expect(okValue(validateField(field({ type: 'phone' }), { kind: 'contact', phone: '+966551234567' }))).toBe('+966551234567');
  });

  it('asks for text when a text-type field gets something else', () => {
    const photo: UserInput = { kind: 'attachment', attachment: { kind: 'image', mimeType: 'image/jpeg' } };
    expect(errorOf(validateField(field({ type: 'nationalId' }), photo))).toBe('validation:textExpected');
    expect(errorOf(validateField(field({ type: 'text' }), { kind: 'location', latitude: 24.7, longitude: 46.7 }))).toBe(
      'validation:textExpected',
    );
    expect(errorOf(validateField(field({ type: 'date' }), { kind: 'choice', id: 'yes' }))).toBe('validation:textExpected');
  });

  it('accepts a choice id of the field options or a typed answer', () => {
    const f = field({
      type: 'choice',
      options: [
        { id: 'single', label: { ar: 'أعزب', en: 'Single' } },
        { id: 'married', label: { ar: 'متزوج', en: 'Married' } },
      ],
    });
    expect(validateField(f, { kind: 'choice', id: 'married' }, 'en')).toEqual({ ok: true, value: 'married', display: 'Married' });
    expect(okValue(validateField(f, text('١')))).toBe('single');
    expect(errorOf(validateField(f, { kind: 'choice', id: 'divorced' }))).toBe('validation:choice.unknown');
    expect(errorOf(validateField(f, { kind: 'contact', phone: '0551234567' }))).toBe('validation:choice.expected');
  });

  it('needs an attachment for a document field', () => {
    const f = field({ type: 'document', accept: ['pdf'], maxSizeMb: 5 });
    expect(errorOf(validateField(f, text('here it is')))).toBe('validation:document.expected');
    expect(
      validateField(f, { kind: 'attachment', attachment: { kind: 'document', mimeType: 'application/pdf', size: 1000 } }).ok,
    ).toBe(true);
    expect(errorOf(validateField(f, { kind: 'attachment', attachment: { kind: 'image', mimeType: 'image/png' } }))).toBe(
      'validation:document.typePdf',
    );
  });
});

describe('validation locale keys', () => {
  type Tree = { [key: string]: string | Tree };
  const load = (lang: string): Tree =>
    JSON.parse(readFileSync(new URL(`../../locales/${lang}/validation.json`, import.meta.url), 'utf8'));
  const locales = { ar: load('ar'), en: load('en') };
  const lookup = (tree: Tree, path: string): string | undefined => {
    let node: string | Tree | undefined = tree;
    for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    return typeof node === 'string' ? node : undefined;
  };

  it('has a message in both languages, with its parameters, for every error the validators return', () => {
    const failures = [
      validateNationalId('1'),
      validateNationalId('3000000004'),
      validateNationalId('1234567898'),
      validateNationalId('12345A7897'),
      normalizeSaudiMobile('x'),
      normalizeSaudiMobile('+971501234567'),
      normalizeSaudiMobile('0112345678'),
      normalizeSaudiMobile('05512345'),
      validateIban('GB82WEST12345698765432'),
      validateIban('x'),
      validateIban('SA03'),
      validateIban('SA0380000000608010167518'),
      parseDate('x'),
      parseDate('15/13/2025'),
      parseDate('31/2/2025'),
      parseDate('1/1/1800'),
      parseNumber('x'),
      parseNumber('1.5', { integer: true }),
      parseNumber('5', { min: 10, max: 20 }),
      parseNumber('5', { min: 10 }),
      parseNumber('50', { max: 10 }),
      parseChoice('9', [{ id: 'a', label: { ar: 'أ', en: 'A' } }]),
      parseChoice('z', [{ id: 'a', label: { ar: 'أ', en: 'A' } }]),
      validateText(' '),
      validateText('ab', { minLength: 3 }),
      validateText('abcdef', { maxLength: 3 }),
      validateDocument({ kind: 'other' }),
      validateDocument({ kind: 'document', mimeType: 'application/pdf' }, { accept: ['image'] }),
      validateDocument({ kind: 'image' }, { accept: ['pdf'] }),
      validateDocument({ kind: 'image', size: 1e9 }),
      validateField({ id: 'f', label: { ar: 'ح', en: 'F' }, type: 'text', required: true }, { kind: 'contact', phone: '1' }),
      validateField({ id: 'f', label: { ar: 'ح', en: 'F' }, type: 'document', required: true }, { kind: 'text', text: 'x' }),
      validateField(
        { id: 'f', label: { ar: 'ح', en: 'F' }, type: 'choice', required: true, options: [] },
        { kind: 'location', latitude: 0, longitude: 0 },
      ),
    ];
    for (const f of failures) {
      expect(f.ok).toBe(false);
      if (f.ok) continue;
      expect(f.error).toMatch(/^validation:/);
      const key = f.error.slice('validation:'.length);
      for (const [lang, tree] of Object.entries(locales)) {
        const message = lookup(tree, key);
        expect(message, `${lang} ${key}`).toBeTypeOf('string');
        for (const [, name] of (message ?? '').matchAll(/\{\{(\w+)\}\}/g)) {
          expect(f.params, `${lang} ${key} needs {{${name}}}`).toHaveProperty(name ?? '');
        }
      }
    }
  });
});
