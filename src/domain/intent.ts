/**
 * The first-message router: what a person who writes freely wants (ask, apply, follow a request,
 * complain, rate, talk to someone, greet). Keyword and phrase patterns over
 * {@link normalizeArabic}'d text cover MSA, Gulf colloquial (ابغى، ابي، ودي، وش، طلبي...), English,
 * common misspellings, diacritics and either digit script; the FAQ search decides the rest.
 *
 * Rules, in order (the first that applies wins):
 * 1. only a greeting or thanks → `greeting`;
 * 2. asks for a person ("ابغى اكلم موظف", "agent") → `human` (R3c);
 * 3. speaks of their own request or complaint ("طلبي", "R-7KQ3", "my application") → `my_requests` (R3h);
 * 4. asks how to do something ("كيف اقدم") → `inquiry`: the FAQ answers, the flow offers the action;
 * 5. complains or reports a bad experience, or claims compensation → `complaint` (R4, R5);
 * 6. wants to know something ("ابي اعرف", "استفسار") → `inquiry`;
 * 7. wants to apply, register, volunteer or get help → `new_request` (R10);
 * 8. rates or praises the service → `rating` (R8);
 * 9. looks like a question, or the FAQ matches above {@link FAQ_CONFIDENCE_THRESHOLD} → `inquiry`;
 * 10. a greeting with nothing else understood → `greeting`; otherwise `unknown`.
 */
import { normalizeArabic, toLatinDigits } from './arabic.js';
import { FAQ_CONFIDENCE_THRESHOLD, type FaqIndex, normalizeForSearch } from './search.js';
import type { Lang } from './text.js';

/** What a first message asks for. */
export type Intent = 'inquiry' | 'new_request' | 'my_requests' | 'complaint' | 'rating' | 'human' | 'greeting' | 'unknown';

/** The routing of a first message; `faq` is the best FAQ entry when the intent is an inquiry. */
export interface Routing {
  intent: Intent;
  /** 0..1 */
  confidence: number;
  faq?: { id: string; confidence: number };
}

// Patterns are written in normalised form: ا for أ إ آ, ي for ى, ه for ة, no diacritics.
/** An Arabic word may carry a conjunction, a preposition and the article: "والشكوى"، "بطلبي"، "للموظف". */
const PRE = '(?:[وفبلك]?(?:ال)?|لل)';
/** A word list written as one "|"-separated string. */
const list = (words: string) => words.split('|');
const alt = (words: readonly string[]) => words.map((w) => (/[\u0621-\u064A]/.test(w) ? normalizeArabic(w) : w)).join('|');
/** Words starting with one of the stems (suffixes allowed: طلبي، طلباتي). */
const ar = (stems: readonly string[]) => new RegExp(`(?:^| )${PRE}(?:${alt(stems)})`);
const en = (phrases: readonly string[]) => new RegExp(`\\b(?:${alt(phrases)})\\b`);

/** "I want / I need / could I" in Gulf colloquial, MSA, other dialects and common misspellings. */
const WANT = list(
  'ابغي|ابغا|ابقي|ابقا|ابي|ابا|ابيه|ودي|وودي|اريد|ارغب|بغيت|نبي|نبغي|نبغا|عايز|عاوز|بدي|حاب|حابه|' +
    'اتمني|محتاج|محتاجه|محتاجين|احتاج|نحتاج|ممكن|لو سمحت',
);
/** WANT with an optional leading "و" ("ونحتاج", "وابغى"). */
const WANT_RE = `و?(?:${alt(WANT)})`;
const WANT_EN = ['want', 'wanna', 'would like', "'d like", 'need', 'wish', 'like to', 'looking for'];

const GREETINGS = list(
  'السلام عليكم ورحمه الله وبركاته|السلام عليكم ورحمه الله|السلام عليكم|سلام عليكم|السلام|سلام|' +
    'مرحبا بكم|مرحبا|مرحبتين|هلا والله|هلا|اهلا وسهلا|اهلين|اهلا|هاي|صباح الخير|صباح النور|' +
    'مساء الخير|مساء النور|صباح الورد|مساء الورد|صباح الخيرات|هلا وغلا|هلا بك|هلا بكم|شكرا جزيلا|' +
    'شكرا لكم|شكرا لك|شكرا|مشكور|مشكورين|الله يعطيكم العافيه|يعطيكم العافيه|الله يعطيك العافيه|' +
    'يعطيك العافيه|الله يعافيك|جزاكم الله خير|الله يجزاكم خير|الله يجزاك خير|كيف الحال|كيف حالك|' +
    'كيف حالكم|شلونك|شلونكم|علومك|how are you|يا اخوان|يا اخي|لو سمحت|لو سمحتو|لو سمحتوا|فضلا|' +
    'من فضلك|good morning|good evening|good afternoon|hello|hi|hey|salam|thank you|thanks|please',
);
const GREETING_RE = new RegExp(`(?:^| )(?:${alt(GREETINGS)})(?= |$)`, 'g');

const HUMAN: RegExp[] = [
  // talk / call verbs: اكلم، اتكلم، اتحدث، كلموني، يتصل علي، اتواصل مع
  ar(list('اكلم|اتكلم|نتكلم|اتحدث|التحدث|احاكي|كلموني|كلمني|يكلمني|تكلمني|اتصلو|اتصلي|اتصل علي|يتصل|تتصلون')),
  new RegExp(`(?:^| )اتواصل مع ${PRE}(?:موظف|مسوول|مسؤول|باحث|اداره|احد|شخص)`),
  new RegExp(`(?:^| )(?:ت|ي)?(?:حولني|حولوني|تحويل|توديني|وديني)(?: ${PRE}\\S+)? ${PRE}(?:موظف|مسوول|مسؤول|احد|شخص|اداره|مدير)`),
  new RegExp(`(?:^| )${WANT_RE} ${PRE}(?:موظف|مسوول|مسؤول|احد|شخص|انسان|اتصال|مكالمه|خدمه العملاء|رقم ${PRE}موظف)`),
  ar(['خدمه العملاء', 'شخص حقيقي', 'انسان', 'مو روبوت', 'مب روبوت']),
  /^(?:موظف|موظفه|الموظف|موظفين|agent|human|operator|representative|staff)$/,
  en([
    'agent',
    'human',
    'real person',
    'representative',
    'operator',
    'customer service',
    'call me',
    'connect me',
    'transfer me',
    'put me through',
    'talk to (?:a |an |someone|somebody|staff|person)',
    'speak (?:to|with)',
  ]),
];

const OWN_CASE: RegExp[] = [
  // "my request / my complaint / my file" in Gulf colloquial and MSA
  new RegExp(`(?:^| )${PRE}(?:طلبي|طلباتي|طلبنا|معاملتي|معاملتنا|شكوتي|شكواي|ملفي)(?!ن)`),
  new RegExp(
    `(?:^| )${PRE}(?:طلب|شكوي|شكوه|معامله)(?: \\S+)? (?:حقي|حقتي|حقنا|اللي قدمته|اللي قدمتها|اللي رفعته|اللي رفعتها)(?= |$)`,
  ),
  new RegExp(`(?:^| )(?:حاله|متابعه|استعلام عن|رقم|وضع) ${PRE}(?:طلب|معامله|شكوي)`),
  ar(['انقبلت', 'اتقبلت', 'انرفضت', 'قبلوني', 'رفضوني', 'قدمت طلب', 'رفعت طلب', 'ما جاني', 'ولا جاني']),
  // "I applied (a month ago)", but not "what happens after I applied"
  /(?:^| )(?<!بعد ما )(?<!بعد )(?:قدمت|قدمنا|رفعت)(?= |$)/,
  en([
    'my requests?',
    'my applications?',
    'my case',
    'my complaint',
    'application status',
    'status of my',
    'track my',
    'update on my',
  ]),
  en(['(?:i|we) (?:have )?(?:submitted|applied|sent (?:a|my|the) (?:request|application))']),
];

/**
 * A request or complaint reference as typed (src/domain/reference.ts): "R-7KQ3-M9XD", "c4ht8p2wn",
 * or its first half "R-7KQ3"; R or C, then groups of four letters and digits with at least one digit.
 */
const REFERENCE = /(?:^|[^A-Za-z0-9])[RrCc][-\s]?(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]{4}(?:[-\s]?[A-Za-z0-9]{4})?(?![A-Za-z0-9])/;

const HOW_TO: RegExp[] = [
  ar(['كيف', 'شلون']),
  /^(?:how (?:do|can|to|should|would)|how i)\b/,
  en(['how (?:do|can|to|should) (?:i|we|one)']),
];

const COMPLAINT: RegExp[] = [
  // I have / I want to file a complaint, I complain
  new RegExp(`(?:^| )(?:عندي|عندنا|${WANT_RE}|ارفع|اقدم|تقديم|نرفع) ${PRE}(?:شكو|شكاو|بلاغ|تظلم)`),
  ar(['اشتكي', 'اشتكى', 'نشتكي', 'ابلغ عن', 'حسبي الله']),
  new RegExp(`^${PRE}(?:شكو\\S*|شكاوي|بلاغ|تظلم)$`),
  // compensation claims (R4): I want compensation / my right
  new RegExp(`(?:^| )${WANT_RE} ${PRE}(?:تعويض|حقي|حقوقي)`),
  // bad experiences: rudeness, nobody answers, delays, things broken
  ar(
    list(
      'وقح|سيء|سيئه|زفت|خربان|خربانه|عطلان|معطل|طفشت|تاخرتو|تاخرتم|تاخر|نشرتو|سربتو|ظلم|ظالم|مستاء|' +
        'زعلان|زعلانه|اعتراض|اعترض|اهمال|مهمل|مماطله|تجاهل|طنشو|يطنشون|رفع صوته|صرخ|هاوشني|خطاكم|غلطتكم|' +
        'غلطكم|طنش|ما تحترمون|ما يحترمون',
    ),
  ),
  /(?:^| )و?(?:ما|مو|محد|ماحد|ما احد|ولا احد|ما حد)(?: احد)? (?:يرد|رد علي|يردون|ردو|ردوا|ترد|يفتح|يشتغل|تشتغل|يفهم|وصلني|وصلنا|جا|جاء|حضر|تعاملت|تعامل|عجبني|عجبتني|راضي|راضيه|يساعد)/,
  /(?:^| )و?(?:ما احد|ولا احد|محد|ماحد|ما حد|ولا حد) رد/,
  /(?:^| )و?(?:ما في|مافي|ما فيه|مافيه|ولا) (?:اي )?(?:رد|تجاوب|احد يرد)(?= |$)/,
  /(?:^| )(?:ما|مو|غير) \S* ?(?:باحترام|محترم)/,
  ar(['التاخير', 'تاخير', 'ملاحظه علي', 'مشكله مع', 'مشكلة مع']),
  /(?:^| )(?:فيه|في|عندي) مشكله/,
  en([
    'complain',
    'complaint',
    'compensation',
    'terrible',
    'awful',
    'rude',
    'not working',
    "doesn't work",
    'broken',
    'worst',
    'bad service',
    'poor service',
    'disrespect\\w*',
    'unacceptable',
    'ignored',
    'not happy',
    'unhappy',
    'disappointed',
    'angry',
    'useless',
    'not satisfied',
    'dissatisfied',
    'crash\\w*',
    'error',
    'bug',
    'not loading',
    'stuck',
    'nobody (?:replies|replied|answers|answered)',
    'no one (?:replies|replied|answers|answered)',
  ]),
];

const WANT_KNOW: RegExp[] = [
  ar(['اعرف', 'استفسار', 'استفسر', 'سوال', 'اسال']),
  en(['know', 'question', 'inquiry', 'enquiry', 'ask']),
];

const APPLY_WORDS = list(
  'اقدم|اتقدم|نقدم|تقديم|قدم|اسجل|نسجل|تسجيل|مساعد|دعم|اعانه|معونه|سله|سلال|اتطوع|نتطوع|تطوع|متطوع|' +
    'انضم|اشارك|نشارك|مشاركه|اشترك|التحق|دوره|برنامج|طلب|سكن|ايجار',
);
const APPLY_EN = list('apply|register|sign up|enrol|enroll|volunteer|join|help|support|assistance|aid|request');
const NEW_REQUEST: RegExp[] = [
  // want + (up to two words) + apply/help word: "ابغى اقدم"، "احتاج مساعده"، "ارغب في تقديم طلب"
  new RegExp(`(?:^| )${WANT_RE}(?: \\S+){0,2}? ${PRE}(?:${alt(APPLY_WORDS)})`),
  new RegExp(`\\b(?:${alt(WANT_EN)})(?: \\S+){0,2}? (?:to )?(?:${alt(APPLY_EN)})`),
  ar(['سجلوني', 'سجلني', 'سجلونا']),
  en(['register me', 'sign me up', 'new request', 'new application']),
];
/** Words of a short message that is only an application phrase: "طلب مساعدة"، "تقديم على دعم"، "apply". */
const APPLY_ALONE_WORDS = new Set(
  list(
    'طلب|تقديم|تسجيل|اقدم|مساعده|دعم|جديد|متطوع|تطوع|سله|غذائيه|علي|في|على|اجتماعي|مالي|ماليه|عاجل|' +
      'apply|register|volunteer|new|request|application|for|support|help',
  ).map((w) => normalizeArabic(w)),
);
function applyAlone(s: string): boolean {
  const words = s.split(' ');
  const bare = (w: string) => w.replace(/^(?:[وفبل]?ال|لل|[وفبل])(?=\S{3})/, '');
  return (
    words.length <= 4 &&
    words.every((w) => APPLY_ALONE_WORDS.has(w) || APPLY_ALONE_WORDS.has(bare(w))) &&
    words.some((w) => !['علي', 'في', 'for', 'new'].includes(w))
  );
}

const RATING_ACT: RegExp[] = [
  ar(['اقيم', 'نقيم', 'اعطيكم تقييم', 'اعطيكم', 'اعبي الاستبيان', 'اعبي استبيان']),
  en(['rate you', 'give you a rating', 'leave a review', 'give (?:my )?feedback']),
];
const RATING: RegExp[] = [
  ar(['تقييم', 'اقيم', 'نقيم', 'قيم', 'استبيان', 'استبانه', 'رايي', 'اقتراح', 'ملاحظاتي', 'نجوم', 'نجمه', 'عشره من عشره']),
  ar(['ممتاز', 'ممتازه', 'رائع', 'رائعه', 'رايع', 'رايعه', 'مبدعين', 'متعاون', 'متعاونه', 'خدمه حلوه', 'تشكرون']),
  /⭐|🌟/u,
  en(['rate', 'rating', 'feedback', 'review', 'survey', 'great service', 'excellent', 'amazing', 'stars?', 'satisf\\w+']),
];

const QUESTION_WORDS = list('متي|كم|وين|فين|ايش|وش|شو|شنو|ايه|هل|ماهي|ماهو|ما هي|ما هو|مين|من هو|ليش|لماذا|ماذا|كيف|اي|اين');
const QUESTION: RegExp[] = [
  new RegExp(`(?:^| )(?:${alt(QUESTION_WORDS)})(?= |$)`),
  // "X ولا Y" offers alternatives: "شهري ولا مره وحده"
  / \S+ ولا (?!احد|حد)\S+/,
  /^(?:what|when|where|who|which|why|how|is|are|do|does|can|could|will|should|may)\b/,
];

/** Collapses letters stretched for emphasis ("السلااام"، "مرحباا") and laughter. */
function unstretch(s: string): string {
  return s.replace(/(\p{L})\1{2,}/gu, '$1').replace(/اا(?= |$)/g, 'ا');
}

const any = (res: RegExp[], s: string) => res.some((re) => re.test(s));

/**
 * Routes a free-text first message to an intent. `faq`, when given, is searched for inquiries and
 * for messages no pattern explains.
 */
export function routeIntent(text: string, faq?: FaqIndex): Routing {
  const raw = text.trim();
  const t = unstretch(normalizeForSearch(raw));
  const asked = /[؟?]/.test(raw);
  const rest = t.replace(GREETING_RE, ' ').replace(/\s+/g, ' ').trim();
  const greeted = rest !== t;

  const faqHit = () => {
    if (!faq || !rest) return undefined;
    const lang: Lang = /[\u0621-\u064A]/.test(rest) ? 'ar' : 'en';
    const hit = faq.search(rest, lang, 1)[0];
    return hit ? { id: hit.id, confidence: hit.confidence } : undefined;
  };
  const inquiry = (confidence: number): Routing => {
    const hit = faqHit();
    const useful = hit && hit.confidence >= FAQ_CONFIDENCE_THRESHOLD ? hit : undefined;
    return { intent: 'inquiry', confidence: Math.max(confidence, useful?.confidence ?? 0), ...(useful ? { faq: useful } : {}) };
  };

  if (!rest || !/[\p{L}\p{N}⭐🌟]/u.test(rest)) {
    if (greeted) return { intent: 'greeting', confidence: 0.95 };
    return { intent: 'unknown', confidence: 0 };
  }
  if (any(HUMAN, rest)) return { intent: 'human', confidence: 0.9 };
  if (REFERENCE.test(toLatinDigits(raw))) return { intent: 'my_requests', confidence: 0.95 };
  if (any(OWN_CASE, rest)) return { intent: 'my_requests', confidence: 0.85 };
  if (any(HOW_TO, rest)) return inquiry(0.75);
  if (any(COMPLAINT, rest)) return { intent: 'complaint', confidence: 0.85 };
  if (any(WANT_KNOW, rest)) return inquiry(0.7);
  if (any(NEW_REQUEST, rest) || applyAlone(rest)) return { intent: 'new_request', confidence: 0.85 };
  const question = asked || any(QUESTION, rest);
  if (any(RATING_ACT, rest) || (!question && any(RATING, rest))) return { intent: 'rating', confidence: 0.8 };
  if (question) return inquiry(0.6);
  const hit = faqHit();
  if (hit && hit.confidence >= FAQ_CONFIDENCE_THRESHOLD) return { intent: 'inquiry', confidence: hit.confidence, faq: hit };
  if (greeted) return { intent: 'greeting', confidence: 0.7 };
  return { intent: 'unknown', confidence: 0 };
}
