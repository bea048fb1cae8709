import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, type Language } from '../../../shared/settings';
import { buildResources } from './build-resources';

// One JSON file per domain and language (locales/<lang>/<domain>.json), found at build time: a new screen adds its
// files without touching this one. Keys of common.json sit at the top; others under their file name
// (settings.json -> t('settings.title')).
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });

/** The renderer's i18next instance, French and English, bundled (no network). */
export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: buildResources(files),
  supportedLngs: [...LANGUAGES],
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

/** Switches the UI language and the document's lang attribute (screen readers, hyphenation). */
export async function applyLanguage(language: Language): Promise<void> {
  document.documentElement.lang = language;
  if (i18n.language !== language) await i18n.changeLanguage(language);
}
