import { type Screen, isScreen } from '../../shared/screens';

/** Ferry's URL scheme, registered with the OS. */
export const PROTOCOL = 'ferry';

/** Where a ferry:// link leads; undefined for anything Ferry does not understand (ignored, never guessed). */
export function parseDeepLink(raw: string): { readonly screen: Screen } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${PROTOCOL}:`) return undefined;
  // ferry://settings and ferry:///settings and ferry:settings all name the settings screen.
  const first = (url.host || url.pathname.replace(/^\/+/, '')).split('/')[0]?.toLowerCase() ?? '';
  return isScreen(first) ? { screen: first } : undefined;
}

/** The ferry:// link among a process's command-line arguments (Windows and Linux pass it that way). */
export function findDeepLinkArg(argv: readonly string[]): string | undefined {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${PROTOCOL}:`));
}
