/**
 * Issue 12: the shipped profiles against the policies they come from (shared/seeds, beside the
 * repository: ../shared/seeds from its root). Helpers shared by the quote and days tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is test/profiles/seed-text.ts). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The seed policies as shared beside the repository (../shared/seeds from its root). */
export const SHARED_SEEDS_DIR = path.resolve(REPO_ROOT, '../shared/seeds');
/**
 * A committed copy of the same files, so that a clone checked out anywhere (CI) still checks the
 * quotes; where the shared folder is present, a test proves the copy is identical to it.
 */
export const COPIED_SEEDS_DIR = path.join(REPO_ROOT, 'test/fixtures/seeds');
/** The seeds the tests read: the shared folder when it is beside the repository, else the copy. */
export const SEEDS_DIR = existsSync(SHARED_SEEDS_DIR) ? SHARED_SEEDS_DIR : COPIED_SEEDS_DIR;
export const PROFILES_DIR = path.join(REPO_ROOT, 'src/profiles');

/** Reads a seed file, failing with a clear message when the seeds folder is not beside the repository. */
export function readSeed(file: string): string {
  if (!existsSync(SEEDS_DIR))
    throw new Error(`the seed policies are not at ${SEEDS_DIR} (../shared/seeds or test/fixtures/seeds)`);
  const p = path.join(SEEDS_DIR, file);
  if (!existsSync(p)) throw new Error(`seed file ${file} named by a profile is not in ${SEEDS_DIR}`);
  return readFileSync(p, 'utf8');
}

/**
 * White space folded: seed 001 is a PDF extraction with runs of spaces and line breaks inside
 * sentences; a quote is verbatim up to white space.
 */
export const foldSpace = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** A shipped profile as raw JSON, with its file name. */
export interface RawShipped {
  file: string;
  json: Record<string, unknown> & { policy?: { seed?: string } };
}

/** Every profile under src/profiles. */
export function shippedProfiles(): RawShipped[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(path.join(PROFILES_DIR, file), 'utf8')) }));
}

/** Keys whose values are the policy's own words (quotes) rather than the profile's statements. */
const QUOTE_KEYS = new Set(['quotes', 'nameQuotes']);

/** Every quote in a profile, with where it stands (e.g. `committees.0.quotes.1`). */
export function quotesOf(json: unknown, at = ''): { where: string; quote: string }[] {
  if (Array.isArray(json)) return json.flatMap((v, i) => quotesOf(v, `${at}${i}.`));
  if (!json || typeof json !== 'object') return [];
  return Object.entries(json).flatMap(([k, v]) =>
    QUOTE_KEYS.has(k) && Array.isArray(v)
      ? v.map((q, i) => ({ where: `${at}${k}.${i}`, quote: String(q) }))
      : quotesOf(v, `${at}${k}.`),
  );
}

/** Every string a profile states (quotes and the corrections record left out), with where it stands. */
export function statementsOf(json: unknown, at = ''): { where: string; text: string }[] {
  if (typeof json === 'string') return [{ where: at.replace(/\.$/, ''), text: json }];
  if (Array.isArray(json)) return json.flatMap((v, i) => statementsOf(v, `${at}${i}.`));
  if (!json || typeof json !== 'object') return [];
  return Object.entries(json).flatMap(([k, v]) =>
    QUOTE_KEYS.has(k) || k === 'corrections' ? [] : statementsOf(v, `${at}${k}.`),
  );
}

const ARABIC_INDIC = /[\u0660-\u0669]/g;
const NUMBER_WORDS: Record<string, number> = {
  واحد: 1,
  يومين: 2,
  يومان: 2,
  ثلاثة: 3,
  ثلاث: 3,
  أربعة: 4,
  أربع: 4,
  خمسة: 5,
  خمس: 5,
  ستة: 6,
  ست: 6,
  سبعة: 7,
  سبع: 7,
  ثمانية: 8,
  ثماني: 8,
  تسعة: 9,
  تسع: 9,
  عشرة: 10,
  عشر: 10,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
};

/**
 * The numbers of days a text states: "15 يوم عمل", "(15) يوم", "١٥ يومًا", "خمسة أيام", "10 working
 * days", "five days", and weeks and months as days ("أسبوعين"/"two weeks" = 14, "شهر" = 30).
 */
export function dayCounts(text: string): number[] {
  const t = text.replace(ARABIC_INDIC, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u2066-\u2069()]/g, '');
  const out: number[] = [];
  const add = (word: string | undefined, factor = 1) => {
    const n = /^\d+$/.test(word ?? '') ? Number(word) : NUMBER_WORDS[(word ?? '').toLowerCase()];
    if (n !== undefined) out.push(n * factor);
  };
  const DAY = '(?:يوم|أيام|ايام|يومًا|يوما)';
  for (const m of t.matchAll(new RegExp(`(\\d+|[\\u0621-\\u064A]+)\\s*${DAY}`, 'g'))) add(m[1]);
  for (const m of t.matchAll(/\b(\d+|[a-z]+)[\s-]+(?:(?:working|calendar|business)\s+)?days?\b/gi)) add(m[1]);
  for (const m of t.matchAll(/\b(\d+|[a-z]+)\s+weeks?\b/gi)) add(m[1], 7);
  if (/أسبوعين|أسبوعان|اسبوعين/.test(t)) out.push(14);
  if (/(?<![\u0621-\u064A])(?:أسبوع|اسبوع)(?![\u0621-\u064A])|\b(?:a|one) week\b/i.test(t)) out.push(7);
  if (/(?<![\u0621-\u064A])شهر(?![\u0621-\u064A])|\b(?:a|one) month\b/i.test(t)) out.push(30);
  if (/(?<![\u0621-\u064A])يومين(?![\u0621-\u064A])/.test(t)) out.push(2);
  return [...new Set(out)].sort((a, b) => a - b);
}
