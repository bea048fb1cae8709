import { app, session, shell } from 'electron';
import { validateExternalUrl } from '../services/external-link';
import { CONTENT_SECURITY_POLICY } from '../security/content-security-policy';

/**
 * Applies the security model of DESIGN.md to every web contents: no navigation, no new windows (https links open
 * in the browser after validation), no webviews, every permission denied, the CSP header on dev-server responses.
 */
export function secureWebContents(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      try {
        void shell.openExternal(validateExternalUrl(url));
      } catch {
        // Not an https link: refused silently, as the renderer never produces one.
      }
      return { action: 'deny' };
    });
  });
}
