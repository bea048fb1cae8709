import { z } from 'zod';
import { SettingsPatchSchema, SettingsSchema } from '../settings';
import { defineEvents, defineMethods } from './contract';

/** Methods of the settings domain. */
export const settingsMethods = defineMethods({
  'settings.get': {
    summary: 'The current settings.',
    input: z.object({}).strict(),
    output: SettingsSchema,
  },
  'settings.set': {
    summary: 'Updates some settings and returns them all.',
    input: SettingsPatchSchema,
    output: SettingsSchema,
  },
});

/** Events of the settings domain. */
export const settingsEvents = defineEvents({
  'settings.changed': {
    summary: 'Settings changed (from any window, the tray or the menu).',
    payload: SettingsSchema,
  },
});
