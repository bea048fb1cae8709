import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { ConnectorDescriptor } from '../../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS } from '../../../shared/connectors/connector-descriptors';
import { buildResources } from '../../../renderer/src/i18n/build-resources';
import {
  choiceLabel,
  kindDescription,
  kindLabel,
  optionText,
} from '../../../renderer/src/screens/connectors/connector-text';

// Every kind has its name and description, every option its label and help, every choice its label, in both
// languages, looked up the way the form does it: the locale files are the renderer's only source for these texts.
const locales = path.resolve(__dirname, '../../../renderer/src/i18n/locales');
const MISSING = 'MISSING KEY: ';

function modules(): Record<string, { default: Record<string, unknown> }> {
  const out: Record<string, { default: Record<string, unknown> }> = {};
  for (const lang of readdirSync(locales)) {
    for (const file of readdirSync(path.join(locales, lang)).filter((f) => f.endsWith('.json'))) {
      const json = JSON.parse(readFileSync(path.join(locales, lang, file), 'utf8')) as Record<string, unknown>;
      out[`./locales/${lang}/${file}`] = { default: json };
    }
  }
  return out;
}

// No fallback language: a French key missing must not pass by showing the English one.
async function translator(lang: string): Promise<TFunction> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: buildResources(modules()),
    lng: lang,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    parseMissingKeyHandler: (key) => `${MISSING}${key}`,
  });
  return instance.t;
}

describe('connector form translations', () => {
  for (const lang of ['en', 'fr']) {
    it(`cover every kind, option and choice in ${lang}`, async () => {
      const t = await translator(lang);
      const texts: string[] = [];
      for (const [kind, descriptor] of Object.entries(CONNECTOR_DESCRIPTORS)) {
        texts.push(kindLabel(t, kind), kindDescription(t, kind));
        for (const [name, spec] of Object.entries(descriptor.options)) {
          const { label, help } = optionText(t, kind, name);
          texts.push(label, help);
          if (spec.type === 'enum') for (const { value } of spec.values) texts.push(choiceLabel(t, kind, name, value));
        }
      }
      expect(texts.filter((text) => text.startsWith(MISSING) || text.trim() === '')).toEqual([]);
    });
  }

  it('look up a choice whose value holds a colon', async () => {
    const t = await translator('fr');
    expect(choiceLabel(t, 's3', 'serverSideEncryption', 'aws:kms')).toBe('Clé KMS (SSE-KMS)');
  });

  it('show an unknown kind as its identifier', async () => {
    expect(kindLabel(await translator('fr'), 'webdav')).toBe('webdav');
  });

  it('keep no option, choice or kind in the locale files that no descriptor has', () => {
    const strings = JSON.parse(readFileSync(path.join(locales, 'en', 'connectors.json'), 'utf8')) as {
      kinds: Record<string, unknown>;
      options: Record<string, Record<string, { choices?: Record<string, string> }>>;
    };
    const descriptors: Readonly<Record<string, ConnectorDescriptor | undefined>> = CONNECTOR_DESCRIPTORS;
    const stale: string[] = Object.keys(strings.kinds).filter((kind) => descriptors[kind] === undefined);
    for (const [kind, options] of Object.entries(strings.options)) {
      for (const [name, entry] of Object.entries(options)) {
        const spec = descriptors[kind]?.options[name];
        if (spec === undefined) stale.push(`options.${kind}.${name}`);
        const values = spec?.type === 'enum' ? spec.values.map((v) => v.value) : [];
        for (const value of Object.keys(entry.choices ?? {})) {
          if (!values.includes(value)) stale.push(`options.${kind}.${name}.choices.${value}`);
        }
      }
    }
    expect(stale).toEqual([]);
  });
});
