/**
 * Renders the machines' replies (locale key + parameters) into text with i18next, from the
 * resources in `locales/<lang>/<namespace>.json`. Arabic is the fallback.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n, type Resource } from 'i18next';
import type { Choice, Reply, ReplyParams } from './domain/flow-contract.js';
import { isLocalText, type Lang } from './domain/text.js';

/** Where the locale folders are. */
export const LOCALES_DIR = path.resolve(import.meta.dirname, '../locales');

/** A reply as a channel shows it. */
export interface RenderedReply {
  text: string;
  choices?: { id: string; label: string }[];
  requestContact?: string;
}

/** Reads every `locales/<lang>/<ns>.json`. */
export function readResources(dir = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lang of readdirSync(dir)) {
    const nsDir = path.join(dir, lang);
    resources[lang] = {};
    for (const file of readdirSync(nsDir).filter((f) => f.endsWith('.json'))) {
      const ns = file.replace(/\.json$/, '');
      (resources[lang] as Record<string, unknown>)[ns] = JSON.parse(readFileSync(path.join(nsDir, file), 'utf8'));
    }
  }
  return resources;
}

/** The renderer: one i18next instance for the process. */
export class Translator {
  private readonly i18n: I18n;

  constructor(resources: Resource = readResources()) {
    this.i18n = i18next.createInstance();
    const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];
    void this.i18n.init({
      resources,
      lng: 'ar',
      fallbackLng: 'ar',
      ns: namespaces,
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      returnNull: false,
      initAsync: false,
      showSupportNotice: false,
    });
  }

  private readonly memo = new Map<string, string>();

  /** Text of a key in a language, with parameters (LocalText parameters resolved to that language). */
  t(key: string, lang: Lang, params?: ReplyParams): string {
    // Rendering is pure for given arguments; menus and choice labels repeat on every turn.
    const memoKey = params ? `${lang}\u0000${key}\u0000${JSON.stringify(params)}` : `${lang}\u0000${key}`;
    const hit = this.memo.get(memoKey);
    if (hit !== undefined) return hit;
    const text = this.i18n.t(key, { lng: lang, ...resolveParams(params, lang) }) as string;
    if (this.memo.size > 20_000) this.memo.clear();
    if (memoKey.length < 2000) this.memo.set(memoKey, text);
    return text;
  }

  /** True when the key exists in the language. */
  has(key: string, lang: Lang): boolean {
    return this.i18n.exists(key, { lng: lang, fallbackLng: false });
  }

  /** Renders a reply for a person. */
  render(reply: Reply, lang: Lang): RenderedReply {
    const text = this.t(reply.key, lang, reply.params);
    if (!reply.choices?.length) return { text };
    return { text, choices: reply.choices.map((c: Choice) => ({ id: c.id, label: this.t(c.key, lang, c.params) })) };
  }
}

function resolveParams(params: ReplyParams | undefined, lang: Lang): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  // `count` selects i18next's plural form and must stay a number.
  for (const [k, v] of Object.entries(params ?? {}))
    out[k] = k === 'count' ? (v as number) : isolate(isLocalText(v) ? v[lang] : v, lang);
  return out;
}

/** First strong isolate … pop directional isolate: a number reads in order inside Arabic text. */
const FSI = '\u2068';
const PDI = '\u2069';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';
const NUMBER_LIKE = /^[+-]?[\d٠-٩][\d٠-٩\s.,٬٫/:-]*$/u;
/**
 * References ('R-7KQ3-M9XD', also 'R-ABCD-EFGH' without a digit), IBANs ('SA03 8000 …') and other
 * Latin codes with a digit or a dash.
 */
const CODE_LIKE = /^(?=.*[\d-])[A-Z0-9][A-Z0-9\s-]{3,40}$/;

/**
 * Issue 11: in Arabic, a number is written in Arabic-Indic digits («١٬٢٠٠٫٥٠») and every number,
 * phone, IBAN and reference is wrapped in bidi isolates so it reads in order on every channel.
 * Codes keep their Latin characters (they are typed back as they are).
 */
export function isolate(v: string | number, lang: Lang): string | number {
  if (lang !== 'ar') return v;
  if (typeof v === 'number') return `${FSI}${v.toLocaleString('ar-SA', { maximumFractionDigits: 2 })}${PDI}`;
  const t = v.trim();
  if (t.includes(FSI)) return v;
  if (NUMBER_LIKE.test(t)) return `${FSI}${t.replace(/\d/g, (d) => ARABIC_DIGITS[Number(d)] ?? d).replace(/,/g, '٬')}${PDI}`;
  if (CODE_LIKE.test(t)) return `${FSI}${t}${PDI}`;
  return v;
}
