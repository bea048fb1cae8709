import { z } from 'zod';
import { defineMethods } from './contract';

/** A UI preference key, e.g. 'table.members' (column choices, sort, page size). */
export const PreferenceKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'lower-case letters, digits, . and -');

/** A UI preference value: plain JSON, at most 16 KiB. */
export const PreferenceValueSchema = z
  .json()
  .refine((v) => JSON.stringify(v).length <= 16 * 1024, 'preference values are limited to 16 KiB');

/** A UI preference value. */
export type PreferenceValue = z.infer<typeof PreferenceValueSchema>;

/** Methods of the UI preferences domain: small JSON values the renderer remembers across restarts. */
export const uiMethods = defineMethods({
  'ui.getPreference': {
    summary: 'A remembered UI preference, or null when never set.',
    input: z.object({ key: PreferenceKeySchema }).strict(),
    output: z.object({ value: z.json().nullable() }),
  },
  'ui.setPreference': {
    summary: 'Remembers a UI preference (null forgets it).',
    input: z.object({ key: PreferenceKeySchema, value: PreferenceValueSchema.nullable() }).strict(),
    output: z.object({ saved: z.literal(true) }),
  },
});
