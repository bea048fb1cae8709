import { z } from 'zod';

/** Languages the UI is translated into. */
export const LANGUAGES = ['en', 'fr'] as const;
/** A UI language Ferry is translated into. */
export type Language = (typeof LANGUAGES)[number];

/** The user's preferences, persisted by main and edited on the Settings screen. */
export const SettingsSchema = z
  .object({
    /** 'system' follows the OS language. */
    language: z.enum(['system', ...LANGUAGES]),
    /** 'system' follows the OS colour scheme. */
    theme: z.enum(['system', 'light', 'dark']),
    /** Closing the window keeps Ferry running in the tray. */
    closeToTray: z.boolean(),
  })
  .strict();
/** The user's preferences. */
export type Settings = z.infer<typeof SettingsSchema>;

/** A partial update of the settings; unknown keys are refused. */
export const SettingsPatchSchema = SettingsSchema.partial().strict();
/** A partial update of the settings. */
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Settings on first run. */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  language: 'system',
  theme: 'system',
  closeToTray: true,
});

/** The UI language for a setting, given the OS locale (e.g. 'fr-CA'). */
export function resolveLanguage(setting: Settings['language'], osLocale: string): Language {
  if (setting !== 'system') return setting;
  const base = osLocale.toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l === base) ?? 'en';
}
