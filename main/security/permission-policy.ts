import { isTrustedSenderUrl } from '../ipc/trusted-sender';

/** The only permission Ferry's page gets: writing plain text to the clipboard (copy buttons for IDs and links). */
const ALLOWED_FOR_FERRY = new Set(['clipboard-sanitized-write']);

/** Whether a web permission is granted: never to other pages, and only copy-to-clipboard to Ferry's own page. */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  rendererUrl: string,
): boolean {
  return ALLOWED_FOR_FERRY.has(permission) && isTrustedSenderUrl(requestingUrl, rendererUrl);
}
