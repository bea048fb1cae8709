/**
 * Whether an IPC message comes from Ferry's own renderer page: same scheme, host and port as the page main loaded
 * (app://ferry in the packaged app, the dev server in development). A navigated-away frame, an iframe or any other
 * page is refused. (Node's URL gives 'null' origins for custom schemes, so compare the parts.)
 */
export function isTrustedSenderUrl(senderUrl: string | undefined, rendererUrl: string): boolean {
  if (!senderUrl) return false;
  let sender: URL;
  let expected: URL;
  try {
    sender = new URL(senderUrl);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (expected.protocol === 'file:') return sender.protocol === 'file:' && sender.pathname === expected.pathname;
  return sender.protocol === expected.protocol && sender.host === expected.host && sender.host !== '';
}
