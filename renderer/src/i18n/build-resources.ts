import type { Resource } from 'i18next';

/**
 * The bundled translations, by language, as i18next resources: common.json's keys at the top, the other files' under
 * their file name (settings.json -> settings.title).
 */
export function buildResources(modules: Record<string, { default: Record<string, unknown> }>): Resource {
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const [file, module] of Object.entries(modules)) {
    const [, lang, domain] = /\/locales\/([^/]+)\/([^/]+)\.json$/.exec(file) ?? [];
    if (!lang || !domain) continue;
    const translation = (resources[lang] ??= { translation: {} }).translation;
    if (domain === 'common') Object.assign(translation, module.default);
    else translation[domain] = module.default;
  }
  return resources;
}
