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

/** The path of a platform's invitation links (the page and the API), after the platform's base URL. */
const INVITATION_PATH = '/v1/invitations/accept';

/**
 * The invitation link a `ferry://join?platform=<url>&token=<token>` deep link stands for (the link the join screen
 * takes); undefined unless the platform is a plain http(s) URL and the token looks like an invitation token.
 */
export function parseJoinLink(raw: string): { readonly link: string } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${PROTOCOL}:`) return undefined;
  if ((url.host || url.pathname.replace(/^\/+/, '')).replace(/\/+$/, '').toLowerCase() !== 'join') return undefined;
  const token = url.searchParams.get('token') ?? '';
  if (!/^ferry_inv_[0-9A-Za-z]{20,100}$/.test(token)) return undefined;
  let platform: URL;
  try {
    platform = new URL(url.searchParams.get('platform') ?? '');
  } catch {
    return undefined;
  }
  // No credentials, query or fragment in a platform address: only scheme, host, port and a base path.
  if (platform.protocol !== 'https:' && platform.protocol !== 'http:') return undefined;
  if (platform.username || platform.password || platform.search || platform.hash) return undefined;
  const base = `${platform.origin}${platform.pathname.replace(/\/+$/, '')}`;
  return { link: `${base}${INVITATION_PATH}?token=${encodeURIComponent(token)}` };
}

/** The ferry:// link among a process's command-line arguments (Windows and Linux pass it that way). */
export function findDeepLinkArg(argv: readonly string[]): string | undefined {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${PROTOCOL}:`));
}
