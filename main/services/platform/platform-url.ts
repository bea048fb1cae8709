const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a platform address was refused, in words the sign-in form can show. */
export type PlatformUrlProblem = 'not-a-url' | 'unsupported-scheme' | 'plain-http' | 'credentials' | 'query';

/** The result of checking a platform address typed by the user. */
export type PlatformUrlCheck =
  { readonly ok: true; readonly url: string } | { readonly ok: false; readonly problem: PlatformUrlProblem };

/**
 * Normalises a platform's base URL: https (plain http only to this machine, where nothing crosses a network), no
 * user or password in it, no query or fragment, no trailing slash. `example.org` alone means `https://example.org`.
 */
export function checkPlatformUrl(input: string): PlatformUrlCheck {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return { ok: false, problem: 'not-a-url' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: 'unsupported-scheme' };
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) return { ok: false, problem: 'plain-http' };
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials' };
  if (url.search !== '' || url.hash !== '') return { ok: false, problem: 'query' };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
