/**
 * The full Arabic dialogues every WhatsApp adapter must carry: a new support request (consent,
 * eligibility, twelve fields including a photo, summary, attestation) and a complaint. Each step
 * is what the person does and what the last reply of the bot's turn must say. An adapter test
 * provides a {@link DialoguePerson} that speaks its platform.
 */
import { expect } from 'vitest';

/** What the person does: type a text, pick a choice (id, or its number when it is a numbered list), send a photo. */
export type Say = { text: string } | { choose: string; n: number } | { image: true };

/** One step of a dialogue. */
export interface Step {
  say: Say;
  /** The last reply of the turn. */
  expect: RegExp;
  /** Another reply of the same turn. */
  also?: RegExp;
}

/** A person on one platform: acts, and reads what the bot sent them. */
export interface DialoguePerson {
  send(say: Say): Promise<void>;
  /** Every text the bot sent this person so far, in order. */
  texts(): string[];
}

// Arabic messages write numbers in Arabic-Indic digits inside bidi isolates (issue 11).

/** National ID that passes the checksum. */
export const NATIONAL_ID = '1000000008';

const MENU = /كيف أستطيع مساعدتك/;

/** The new-request dialogue ("طلب دعم اجتماعي ومساعدة"). */
export const NEW_REQUEST: Step[] = [
  { say: { text: 'السلام عليكم' }, expect: MENU, also: /أهلًا وسهلًا/ },
  { say: { choose: 'request', n: 2 }, expect: /نحتاج موافقتك على إشعار الخصوصية/ },
  { say: { choose: 'accept', n: 1 }, expect: /ما نوع الطلب/, also: /تم تسجيل موافقتك/ },
  { say: { choose: 'type:community_support', n: 1 }, expect: /سؤال تمهيدي \(\u2068١\u2069 من \u2068٢\u2069\)/ },
  { say: { choose: 'yes', n: 1 }, expect: /سؤال تمهيدي \(\u2068٢\u2069 من \u2068٢\u2069\)/ },
  { say: { choose: 'yes', n: 1 }, expect: /\(\u2068١\u2069 من \u2068١٢\u2069\)/ },
  { say: { text: NATIONAL_ID }, expect: /\(\u2068٢\u2069 من \u2068١٢\u2069\)/ },
  { say: { text: '0501234567' }, expect: /\(\u2068٣\u2069 من \u2068١٢\u2069\)/ },
  { say: { text: '1990-01-15' }, expect: /\(\u2068٤\u2069 من \u2068١٢\u2069\)/ },
  { say: { choose: 'opt:needy_family', n: 1 }, expect: /\(\u2068٥\u2069 من \u2068١٢\u2069\)/ },
  { say: { text: '٥' }, expect: /\(\u2068٦\u2069 من \u2068١٢\u2069\)/ },
  { say: { text: '3000' }, expect: /\(\u2068٧\u2069 من \u2068١٢\u2069\)/ },
  { say: { choose: 'opt:rented', n: 2 }, expect: /\(\u2068٨\u2069 من \u2068١٢\u2069\)/ },
  { say: { text: 'SA0380000000608010167519' }, expect: /\(\u2068٩\u2069 من \u2068١٢\u2069\)/ },
  { say: { text: 'نحتاج مساعدة في سداد إيجار المنزل 🏠' }, expect: /\(\u2068١٠\u2069 من \u2068١٢\u2069\)/ },
  { say: { image: true }, expect: /\(\u2068١١\u2069 من \u2068١٢\u2069\)/ },
  { say: { choose: 'skip', n: 1 }, expect: /\(\u2068١٢\u2069 من \u2068١٢\u2069\)/ },
  { say: { choose: 'skip', n: 1 }, expect: /فضلًا راجع بيانات طلب/ },
  { say: { choose: 'confirm', n: 1 }, expect: /أُقرّ بأن المعلومات/ },
  { say: { choose: 'agree', n: 1 }, expect: MENU, also: /رقم الطلب: \u2068R-[A-Z0-9]{4}-[A-Z0-9]{4}/ },
];

/** The complaint dialogue (a delay, without an attachment). */
export const COMPLAINT: Step[] = [
  { say: { text: 'مرحبا' }, expect: MENU },
  { say: { choose: 'complaint', n: 4 }, expect: /نحتاج موافقتك على إشعار الخصوصية/ },
  { say: { choose: 'accept', n: 1 }, expect: /ما نوع شكواك/ },
  { say: { choose: 'cat:delay', n: 3 }, expect: /فضلًا اكتب وصفًا واضحًا/ },
  { say: { text: 'تأخر الرد على طلبي أكثر من شهر دون أي تواصل 😞' }, expect: /هل لديك صورة أو ملف PDF/ },
  { say: { choose: 'skip', n: 1 }, expect: /هل تريد إرسال الشكوى/ },
  { say: { choose: 'confirm', n: 1 }, expect: MENU, also: /رقم الشكوى: \u2068C-[A-Z0-9]{4}-[A-Z0-9]{4}/ },
];

/** Polls until `check` holds (or fails with `describe()` after `timeoutMs`). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  describe: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Plays a dialogue; resolves with every text the bot sent during it. */
export async function play(person: DialoguePerson, steps: Step[]): Promise<string[]> {
  const start = person.texts().length;
  for (const [i, step] of steps.entries()) {
    const before = person.texts().length;
    await person.send(step.say);
    const turn = () => person.texts().slice(before);
    await waitFor(
      () => {
        const last = turn().at(-1);
        return last !== undefined && step.expect.test(last);
      },
      () => `step ${i} (${JSON.stringify(step.say)}) expected ${step.expect} in the last reply; got ${JSON.stringify(turn())}`,
    );
    if (step.also) expect(turn().some((t) => step.also?.test(t))).toBe(true);
  }
  return person.texts().slice(start);
}

/** A small valid JPEG (the 1×1 pixel of every test suite). */
export const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=',
  'base64',
);
