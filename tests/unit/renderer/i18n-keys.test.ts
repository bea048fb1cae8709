import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Every string exists in English and French, and none is empty: a missing translation fails here, not in front of a user.
const locales = path.resolve(__dirname, '../../../renderer/src/i18n/locales');

function keysOf(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function load(lang: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of readdirSync(path.join(locales, lang)).filter((f) => f.endsWith('.json'))) {
    const json = JSON.parse(readFileSync(path.join(locales, lang, file), 'utf8')) as Record<string, unknown>;
    for (const key of keysOf(json)) {
      const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], json);
      out[`${file}:${key}`] = String(value);
    }
  }
  return out;
}

describe('translations', () => {
  const en = load('en');
  const fr = load('fr');

  it('have the same files and keys in English and French', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty strings', () => {
    const empty = Object.entries({ ...en, ...fr }).filter(([, v]) => v.trim() === '');
    expect(empty).toEqual([]);
  });
});
