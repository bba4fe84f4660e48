/** Locale lookups for tests: what a key holds in a language, and the key paths of a namespace. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(import.meta.dirname, '../../locales');
const cache = new Map<string, unknown>();

/** The parsed `locales/<lang>/<ns>.json`. */
export function localeFile(lang: string, ns: string): unknown {
  const file = path.join(dir, lang, `${ns}.json`);
  let tree = cache.get(file);
  if (tree === undefined) {
    tree = JSON.parse(readFileSync(file, 'utf8'));
    cache.set(file, tree);
  }
  return tree;
}

/** What `ns:a.b.c` holds in a language (a string for a message; undefined when missing). */
export function localeValue(lang: string, key: string): unknown {
  const [ns = '', keyPath = ''] = key.split(':');
  return keyPath
    .split('.')
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      localeFile(lang, ns),
    );
}

/** The dotted paths of every message in a parsed locale tree. */
export function localeKeys(node: unknown, prefix = ''): string[] {
  return node && typeof node === 'object'
    ? Object.entries(node).flatMap(([k, v]) => localeKeys(v, prefix ? `${prefix}.${k}` : k))
    : [prefix];
}
