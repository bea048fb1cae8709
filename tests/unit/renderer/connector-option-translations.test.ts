import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_DESCRIPTORS } from '../../../shared/connectors/connector-descriptors';

// Every kind a user can pick has its description and every option's label and help in both languages.
const locales = path.resolve(__dirname, '../../../renderer/src/i18n/locales');
const load = (lang: string) =>
  JSON.parse(readFileSync(path.join(locales, lang, 'connectors.json'), 'utf8')) as {
    kinds: Record<string, string>;
    options: Record<string, Record<string, { label?: string; help?: string }>>;
  };

describe('connector form translations', () => {
  for (const lang of ['en', 'fr']) {
    it(`cover every user-facing kind and option in ${lang}`, () => {
      const strings = load(lang);
      const missing: string[] = [];
      for (const [kind, descriptor] of Object.entries(CONNECTOR_DESCRIPTORS)) {
        if (kind === 'memory') continue; // for tests only, never offered to users
        if (!strings.kinds[kind]) missing.push(`kinds.${kind}`);
        for (const option of Object.keys(descriptor.options)) {
          const entry = strings.options[kind]?.[option];
          if (!entry?.label || !entry.help) missing.push(`options.${kind}.${option}`);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
