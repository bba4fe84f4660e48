/**
 * Every user-facing string is in locales/, in Arabic and in English: the same keys in both, all six
 * Arabic plural forms where a key is pluralised, and every literal key the code uses exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR, readResources } from '../src/i18n.js';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : flatten(v, `${prefix}${k}.`)));
}

const resources = readResources();
const ar = resources.ar as Record<string, Tree>;
const en = resources.en as Record<string, Tree>;
const AR_PLURALS = ['zero', 'one', 'two', 'few', 'many', 'other'];
const PLURAL = /_(zero|one|two|few|many|other)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('locales', () => {
  it('has the same namespaces in Arabic and English', () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
    expect(readdirSync(LOCALES_DIR).sort()).toEqual(['ar', 'en']);
  });

  for (const ns of Object.keys(ar)) {
    it(`${ns}: the same keys in both languages (plural suffixes aside)`, () => {
      const base = (keys: string[]) => [...new Set(keys.map((k) => k.replace(PLURAL, '')))].sort();
      expect(base(flatten(en[ns] ?? {}))).toEqual(base(flatten(ar[ns] ?? {})));
    });

    it(`${ns}: pluralised Arabic keys have zero, one, two, few, many and other`, () => {
      const keys = flatten(ar[ns] ?? {});
      for (const stem of new Set(keys.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, ''))))
        for (const form of AR_PLURALS) expect(keys, `${ns}:${stem}_${form}`).toContain(`${stem}_${form}`);
      const enKeys = flatten(en[ns] ?? {});
      for (const stem of new Set(enKeys.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, ''))))
        for (const form of ['one', 'other']) expect(enKeys, `en ${ns}:${stem}_${form}`).toContain(`${stem}_${form}`);
    });

    it(`${ns}: no empty strings`, () => {
      for (const lang of [ar, en]) {
        const walk = (t: Tree): string[] => Object.values(t).flatMap((v) => (typeof v === 'string' ? [v] : walk(v)));
        expect(walk(lang[ns] ?? {}).filter((s) => s.trim() === '')).toEqual([]);
      }
    });
  }

  it('every literal key used in flows/ and src/ exists in both languages', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const namespaces = Object.keys(ar).join('|');
    const re = new RegExp(`['"\`]((?:${namespaces}):[A-Za-z0-9_.]+)['"\`]`, 'g');
    const missing: string[] = [];
    const has = (tree: Tree, key: string) => {
      const [ns, rest] = key.split(':') as [string, string];
      let node: string | Tree | undefined = tree[ns] as Tree | undefined;
      for (const part of rest.split('.')) node = typeof node === 'object' ? node[part] : undefined;
      if (node !== undefined) return true;
      // A pluralised key is used without its suffix.
      const parent = rest.split('.').slice(0, -1);
      let p: string | Tree | undefined = tree[ns] as Tree | undefined;
      for (const part of parent) p = typeof p === 'object' ? p[part] : undefined;
      const leaf = rest.split('.').at(-1) ?? '';
      return typeof p === 'object' && Object.keys(p).some((k) => k.startsWith(`${leaf}_`));
    };
    for (const file of [...sourceFiles(path.join(root, 'flows')), ...sourceFiles(path.join(root, 'src'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(re)) {
        const key = m[1] as string;
        if (key.endsWith('.')) continue;
        for (const [lang, tree] of [
          ['ar', ar],
          ['en', en],
        ] as const)
          if (!has(tree as unknown as Tree, key)) missing.push(`${lang} ${key} (${path.relative(root, file)})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
