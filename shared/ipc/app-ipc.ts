import { z } from 'zod';
import { SCREENS } from '../screens';
import { defineEvents, defineMethods } from './contract';

/** Facts about the running app, shown in Settings and used to pick the OS language. */
export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  locale: z.string(),
  versions: z.object({ electron: z.string().optional(), chrome: z.string().optional(), node: z.string() }),
  dataDir: z.string(),
  /** Where secrets are kept; 'session' means only until Ferry quits, and `problem` says why. */
  secrets: z.object({ backend: z.enum(['keychain', 'session']), problem: z.string().optional() }),
});
/** Facts about the running app. */
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** Methods of the app domain. */
export const appMethods = defineMethods({
  'app.info': {
    summary: 'Name, version, platform, OS locale and runtime versions.',
    input: z.object({}).strict(),
    output: AppInfoSchema,
  },
  'app.openExternal': {
    summary: 'Opens an https link in the default browser after validation.',
    input: z.object({ url: z.string().max(2048) }).strict(),
    output: z.object({ opened: z.literal(true) }),
  },
});

/** Events of the app domain. */
export const appEvents = defineEvents({
  'app.navigate': {
    summary: 'Main asks the renderer to show a screen (ferry:// links, tray, menu).',
    payload: z.object({ screen: z.enum(SCREENS) }),
  },
  'app.join': {
    summary: 'Main asks the renderer to open the join screen on an invitation link (a ferry://join link).',
    payload: z.object({ link: z.string().min(1).max(4096) }),
  },
});
