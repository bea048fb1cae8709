import { app, session, shell } from 'electron';
import { validateExternalUrl } from '../services/external-link';
import { CONTENT_SECURITY_POLICY } from '../security/content-security-policy';
import { isPermissionAllowed } from '../security/permission-policy';
import { rendererUrl } from './main-window';

/**
 * Applies the security model of DESIGN.md to every web contents: no navigation, no new windows (https links open
 * in the browser after validation), no webviews, every permission denied but copying to the clipboard from Ferry's
 * own page, the CSP header on dev-server responses.
 */
export function secureWebContents(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl, rendererUrl())),
  );
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, rendererUrl()),
  );
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
