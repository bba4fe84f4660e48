/**
 * FAQ and policy search over an association profile (R2): the bot answers inquiries from the
 * association's own content. Orama ranks the entries (BM25); a coverage score turns the ranking into
 * a 0..1 confidence that callers compare with {@link FAQ_CONFIDENCE_THRESHOLD}.
 *
 * Arabic goes through {@link normalizeArabic}, stop-words (MSA from `@orama/stopwords/arabic` plus
 * Gulf colloquial fillers) and a light stemmer that also keeps the Snowball stem
 * (`@orama/stemmers/arabic`); English through the Orama English stop-words and stemmer.
 */
import { create, insert, type Orama, type Results, search } from '@orama/orama';
import { stemmer as arabicSnowball } from '@orama/stemmers/arabic';
import { stemmer as englishStemmer } from '@orama/stemmers/english';
import { stopwords as arabicStopwords } from '@orama/stopwords/arabic';
import { stopwords as englishStopwords } from '@orama/stopwords/english';
import { normalizeArabic } from './arabic.js';
import type { FaqHit } from './flow-contract.js';
import type { Profile } from './profile.js';
import type { Lang, LocalText } from './text.js';

/** Hits at or above this confidence answer the question; below it the bot offers a person (R3c). */
export const FAQ_CONFIDENCE_THRESHOLD = 0.45;

/** A searchable index of one profile's FAQ entries and policy texts. */
export interface FaqIndex {
  /**
   * Best entries for a free-text question, best first, each with a confidence in 0..1. The script of
   * the query picks the Arabic or English index; `lang` decides when the query has no letters.
   */
  search(query: string, lang: Lang, limit?: number): FaqHit[];
}

/** Policy hits are shown as FAQ hits with this id prefix; they rank a little below FAQ entries. */
export const POLICY_ID_PREFIX = 'policy:';
const POLICY_WEIGHT = 0.85;
/** A word the index does not know weighs like one found in this many entries: rare, not unique. */
const UNKNOWN_WORD_DF = 3;
/** The kind of question asked (when, how, who...) weighs half a word. */
const QUESTION_KIND_WEIGHT = 0.5;
/** A query word found only in an entry's answer counts this much. */
const ANSWER_ONLY = 0.5;

/** A word list written as one "|"-separated string. */
const list = (words: string) => words.split('|');

// Words that only frame a question in Gulf colloquial or polite speech: they never tell the topic.
const ARABIC_FILLERS = list(
  'وش|ايش|اش|شو|شنو|ايه|وشو|ليش|ليه|لماذا|كيف|كيفية|متى|وين|فين|هل|ماهي|ماهو|ابغى|ابغي|ابغا|ابقى|' +
    'ابي|ابا|ودي|بغيت|اريد|ارغب|نبي|نبغى|عايز|بدي|احتاج|يعني|طيب|لو|سمحت|سمحتو|سمحتوا|فضلك|فضلكم|' +
    'الله|يعافيك|يعطيك|يعطيكم|العافيه|يجزاك|خير|اخوي|اخوان|اختي|يا|ياخي|الحين|للحين|توني|مره|شي|شيء|' +
    'اللي|الي|حق|حقت|حقي|حقتي|حقكم|عندكم|عندي|عندنا|انا|احنا|نحن|انتم|انتو|عشان|علشان|لين|مع|ولا|او|' +
    'بس|ممكن|اقدر|يمكنني|استطيع|اعرف|ابغاكم|لكم|منكم|عليكم|السلام|مرحبا|هلا|اهلا|سؤال|استفسار|بخصوص|' +
    'بالضبط|الجاي|الجايه|تكفى|تكفون|ع|علي|مو|ما|كم|لازم|يلزم|ينفع|اسوي|نسوي',
);
// Words of the MSA stop-word list that are topics here (a visit, a day, the time, after...).
const ARABIC_KEEP = new Set(['زياره', 'يوم', 'ايام', 'الوقت', 'صباح', 'مساء', 'عام', 'سنه', 'عدد', 'بعد', 'قبل']);
const ARABIC_STOP = new Set(
  [...arabicStopwords, ...ARABIC_FILLERS].map((w) => normalizeArabic(w)).filter((w) => w && !ARABIC_KEEP.has(w)),
);
const ENGLISH_STOP = new Set([
  ...englishStopwords,
  'please',
  'hi',
  'hello',
  'hey',
  'thanks',
  'thank',
  'want',
  'like',
  'know',
  'get',
]);

const ARABIC_PREFIXES = ['وبال', 'وال', 'بال', 'كال', 'فال', 'لل', 'ال'];
// Pronoun suffixes first (طلبي، دوامكم)، then plural / feminine / relative endings (طلبات، تطوعية).
const ARABIC_PRONOUNS = ['كم', 'هم', 'ها', 'نا', 'ني', 'ه', 'ي', 'ك'];
const ARABIC_ENDINGS = ['ات', 'ان', 'ون', 'ين', 'يه', 'ه', 'ي', 'ت'];

/** Removes the definite article and a preposition or conjunction attached to it ("بالدوام"). */
function stripArticle(word: string): string {
  for (const p of ARABIC_PREFIXES) if (word.startsWith(p) && word.length - p.length >= 2) return word.slice(p.length);
  return word;
}

function stripSuffix(word: string, suffixes: string[]): string {
  for (const s of suffixes) if (word.endsWith(s) && word.length - s.length >= 3) return word.slice(0, -s.length);
  return word;
}

/**
 * A light stemmer for normalised Arabic (ة already ه, ى already ي): definite article and its
 * attached prepositions, then pronoun and plural/feminine endings, keeping at least three letters.
 */
export function arabicLightStem(word: string): string {
  let w = stripArticle(word);
  w = stripSuffix(w, ARABIC_PRONOUNS);
  w = stripSuffix(w, ARABIC_ENDINGS);
  return stripSuffix(w, ARABIC_ENDINGS);
}

/**
 * {@link normalizeArabic} plus one spelling it leaves apart: "مسئول" / "شئون" (ئ before و) are
 * written "مسؤول" / "شؤون" just as often; both become "مسوول" / "شوون".
 */
export function normalizeForSearch(text: string): string {
  return normalizeArabic(text.replace(/ئو/g, 'ؤو'));
}

const ARABIC_LETTER = /[\u0621-\u064A]/;
const LATIN_LETTER = /[a-z]/i;

/** The words of a text, normalised, without stop-words (also with a leading "و": "وكيف"). */
function words(text: string, stop: Set<string>): string[] {
  return normalizeForSearch(text)
    .split(/[^a-z0-9\u0621-\u064A]+/)
    .filter((w) => w.length > 1 && !stop.has(w) && !(w.startsWith('و') && stop.has(w.slice(1))));
}

/**
 * Words beneficiaries use interchangeably; each group maps to one shared term so that "مساعدة"
 * finds "دعم" and "aid" finds "support". Stems are computed from the words, so list plain words.
 */
const ARABIC_SYNONYMS = [
  ['دعم', 'مساعده', 'معونه', 'اعانه'],
  ['شكوي', 'شكاوي', 'اشتكي', 'شكوه'],
  ['مستند', 'مستندات', 'وثيقه', 'وثايق', 'اوراق', 'ورقه', 'اثبات', 'اثباتات'],
  ['تقديم', 'اقدم', 'قدمت', 'يقدم'],
  ['تسجيل', 'اسجل', 'سجل', 'التسجيل'],
  ['تطوع', 'اتطوع', 'متطوع', 'التطوع'],
  ['مبلغ', 'فلوس', 'مال', 'صرف'],
  ['جوال', 'هاتف', 'تلفون', 'تليفون'],
  ['حذف', 'امسح', 'مسح', 'احذف'],
  ['تعويض', 'اتعوض', 'عوض', 'تعوض'],
  ['ضرر', 'تضرر', 'تضررت', 'متضرر'],
  ['ارمل', 'ارمله', 'ارامل'],
  ['دوره', 'دورات', 'كورس'],
  ['تقييم', 'اقيم', 'قيم', 'استبيان', 'استبانه'],
  ['مقر', 'مكان', 'عنوان', 'موقع'],
];
const ENGLISH_SYNONYMS = [
  ['support', 'aid', 'assistance', 'help'],
  ['document', 'paper', 'papers', 'paperwork'],
  ['complaint', 'complain'],
  ['delete', 'erase', 'remove'],
  ['phone', 'mobile'],
  ['payment', 'money', 'paid', 'pay'],
  ['course', 'training'],
];

function synonymMap(groups: string[][], stem: (w: string) => string): Map<string, string> {
  const map = new Map<string, string>();
  for (const g of groups) {
    const canonical = `${stem(g[0] ?? '')}~`;
    for (const w of g) map.set(stem(w), canonical);
  }
  return map;
}

/**
 * Search terms for one Arabic word: the word as written (most specific), its light stem and its
 * Snowball stem.
 */
function arabicTerms(word: string, forQuery: boolean): string[] {
  if (!ARABIC_LETTER.test(word)) return [word];
  const terms = new Set([word, arabicLightStem(word)]);
  const snowball = normalizeArabic(arabicSnowball(word));
  if (snowball.length >= 3) terms.add(snowball);
  // A query may glue a preposition to a word ("لطلب", "بالدوام"); try it without.
  if (forQuery && /^[وفبلك]/.test(word) && word.length >= 5) terms.add(arabicLightStem(word.slice(1)));
  for (const t of [...terms]) {
    const syn = AR_SYN.get(t);
    if (syn) terms.add(syn);
  }
  return [...terms];
}

function englishTerms(word: string): string[] {
  if (!LATIN_LETTER.test(word)) return [word];
  const stem = englishStemmer(word);
  const syn = EN_SYN.get(stem);
  return [...new Set([word, stem, ...(syn ? [syn] : [])])];
}

const AR_SYN = synonymMap(ARABIC_SYNONYMS, (w) => arabicLightStem(normalizeArabic(w)));
const EN_SYN = synonymMap(ENGLISH_SYNONYMS, (w) => englishStemmer(w));

interface Analyzer {
  /** One entry per meaningful word: the terms it may match. */
  analyze(text: string, forQuery: boolean): string[][];
}

/**
 * What a question asks for (a time, a way, a person, a place, a reason) is a topic signal that the
 * stop-word list throws away; keep it as one shared term per kind, in both languages.
 */
const QUESTION_KINDS: [RegExp, string][] = [
  [/(^| )(متي|كم|when|long)( |$)/, 'when?'],
  [/(^| )(كيف|شلون|how)( |$)/, 'how?'],
  [/(^| )(مين|who)( |$)/, 'who?'],
  [/(^| )(وين|فين|where)( |$)/, 'where?'],
  [/(^| )(ليش|ليه|لماذا|why)( |$)/, 'why?'],
];

function questionKinds(text: string): string[][] {
  const t = normalizeArabic(text);
  return QUESTION_KINDS.filter(([re]) => re.test(t)).map(([, k]) => [k]);
}

const arabicAnalyzer: Analyzer = {
  analyze: (text, forQuery) => [
    ...words(text, ARABIC_STOP)
      .filter((w) => ARABIC_LETTER.test(w) || /\d/.test(w))
      .map((w) => arabicTerms(w, forQuery)),
    ...questionKinds(text),
  ],
};

const englishAnalyzer: Analyzer = {
  analyze: (text) => [
    ...words(text, ENGLISH_STOP)
      .filter((w) => LATIN_LETTER.test(w) || /\d/.test(w))
      .map(englishTerms),
    ...questionKinds(text),
  ],
};

const schema = { question: 'string', keywords: 'string', answer: 'string' } as const;
type Db = Orama<typeof schema>;

interface Entry {
  id: string;
  question: LocalText;
  answer: LocalText;
  weight: number;
  /** Terms of the question and keywords, and of the whole entry, per language. */
  head: Set<string>;
  all: Set<string>;
}

interface LanguageIndex {
  db: Db;
  analyzer: Analyzer;
  entries: Map<string, Entry>;
}

function oramaFor(analyzer: Analyzer): Db {
  return create({
    schema,
    components: {
      tokenizer: {
        language: 'custom',
        normalizationCache: new Map(),
        // Orama passes the property name when indexing and none when searching.
        tokenize: (raw: string, _language?: string, prop?: string) => analyzer.analyze(raw, prop === undefined).flat(),
      },
    },
  });
}

function termsOf(analyzer: Analyzer, text: string): Set<string> {
  return new Set(analyzer.analyze(text, false).flat());
}

/**
 * True when a query term matches a document term: equal or a prefix of it (as Orama matches) and,
 * for stems (`loose`), also longer than a document stem of four letters or more ("applic" / "appli",
 * "استحقاق" / "استحق").
 */
function termMatches(term: string, doc: Set<string>, loose: boolean): boolean {
  if (doc.has(term)) return true;
  if (term.length < 3) return false;
  for (const d of doc) if (d.startsWith(term) || (loose && d.length >= 4 && term.startsWith(d))) return true;
  return false;
}

function buildIndex(profile: Profile, lang: Lang, analyzer: Analyzer): LanguageIndex {
  const db = oramaFor(analyzer);
  const entries = new Map<string, Entry>();
  const script = lang === 'ar' ? ARABIC_LETTER : LATIN_LETTER;
  const add = (id: string, question: LocalText, answer: LocalText, keywords: string[], weight: number) => {
    const kw = keywords.filter((k) => script.test(k)).join(' ، ');
    const doc = { id, question: question[lang], keywords: kw, answer: answer[lang] };
    const r = insert(db, doc);
    if (r instanceof Promise) throw new Error('Orama insert unexpectedly asynchronous');
    const head = termsOf(analyzer, `${doc.question} ${kw}`);
    const all = new Set([...head, ...termsOf(analyzer, doc.answer)]);
    entries.set(id, { id, question, answer, weight, head, all });
  };
  for (const f of profile.faq) add(f.id, f.question, f.answer, f.keywords, 1);
  for (const p of profile.policies) add(POLICY_ID_PREFIX + p.id, p.title, p.text, [], POLICY_WEIGHT);
  return { db, analyzer, entries };
}

/**
 * How much of the query an entry explains: each query word weighs the rarity (idf) of its most
 * specific term the index knows (the word as written first, then its stems); an entry earns the idf
 * of the most specific term it matches, fully in its question and keywords, at a discount when only
 * its answer has it.
 */
function coverage(
  query: string[][],
  entry: Entry,
  idf: (term: string, loose: boolean) => number | undefined,
  unknownIdf: number,
): number {
  let total = 0;
  let found = 0;
  for (const w of query) {
    // The kind of question only breaks ties between entries on the same topic.
    const scale = w[0]?.endsWith('?') ? QUESTION_KIND_WEIGHT : 1;
    const known = w.map((t, i) => idf(t, i > 0)).filter((x): x is number => x !== undefined);
    total += scale * (known.length > 0 ? Math.max(...known) : unknownIdf);
    let best = 0;
    w.forEach((t, i) => {
      const weight = idf(t, i > 0);
      if (weight === undefined) return;
      if (termMatches(t, entry.head, i > 0)) best = Math.max(best, weight);
      else if (termMatches(t, entry.all, i > 0)) best = Math.max(best, weight * ANSWER_ONLY);
    });
    found += scale * best;
  }
  return total === 0 ? 0 : found / total;
}

/** Builds the search index of a profile's FAQ entries and policy texts, in Arabic and English. */
export function createFaqIndex(profile: Profile): FaqIndex {
  const indexes: Record<Lang, LanguageIndex> = {
    ar: buildIndex(profile, 'ar', arabicAnalyzer),
    en: buildIndex(profile, 'en', englishAnalyzer),
  };

  const searchIn = (ix: LanguageIndex, query: string, limit: number): FaqHit[] => {
    const q = ix.analyzer.analyze(query, true);
    if (q.length === 0) return [];
    const n = ix.entries.size;
    const dfCache = new Map<string, number | undefined>();
    const idf = (t: string, loose: boolean): number | undefined => {
      const key = `${loose}:${t}`;
      if (dfCache.has(key)) return dfCache.get(key);
      let c = 0;
      for (const e of ix.entries.values()) if (termMatches(t, e.all, loose)) c++;
      const v = c === 0 ? undefined : Math.log(1 + n / (c + 0.5));
      dfCache.set(key, v);
      return v;
    };
    const res = search(ix.db, {
      term: query,
      properties: ['question', 'keywords', 'answer'],
      boost: { question: 2, keywords: 1.5, answer: 0.6 },
      threshold: 1,
      limit: 20,
    });
    if (res instanceof Promise) throw new Error('Orama search unexpectedly asynchronous');
    const hits = (res as Results<{ id: string }>).hits;
    const top = hits[0]?.score ?? 0;
    const scored = hits.flatMap((h) => {
      const e = ix.entries.get(h.id);
      if (!e) return [];
      const cov = coverage(q, e, idf, Math.log(1 + n / (UNKNOWN_WORD_DF + 0.5)));
      const rel = top > 0 ? h.score / top : 0;
      // Coverage is the confidence; Orama's relative BM25 score shades it to break near-ties.
      const confidence = Math.min(1, e.weight * cov * (0.85 + 0.15 * rel));
      return [{ e, confidence }];
    });
    scored.sort((a, b) => b.confidence - a.confidence);
    return scored.slice(0, limit).map(({ e, confidence }) => ({
      id: e.id,
      question: e.question,
      answer: e.answer,
      confidence: Math.round(confidence * 1000) / 1000,
    }));
  };

  return {
    search(query: string, lang: Lang, limit = 3): FaqHit[] {
      const norm = normalizeForSearch(query);
      const hasAr = ARABIC_LETTER.test(norm);
      const hasEn = LATIN_LETTER.test(norm);
      if (hasAr && hasEn) {
        const merged = [...searchIn(indexes.ar, norm, limit), ...searchIn(indexes.en, norm, limit)];
        const best = new Map<string, FaqHit>();
        for (const h of merged) if ((best.get(h.id)?.confidence ?? -1) < h.confidence) best.set(h.id, h);
        return [...best.values()].sort((a, b) => b.confidence - a.confidence).slice(0, limit);
      }
      const which: Lang = hasAr ? 'ar' : hasEn ? 'en' : lang;
      return searchIn(indexes[which], norm, limit);
    },
  };
}
