import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { RENDERER_HEADERS } from '../security/content-security-policy';
import { contentTypeOf, resolveStaticFile } from '../security/static-files';

/** The privileged scheme the packaged renderer is served from (never file://, so CSP headers apply). */
export const RENDERER_SCHEME = 'app';
/** The packaged renderer's entry URL. */
export const RENDERER_URL = `${RENDERER_SCHEME}://ferry/index.html`;

/** Must run before `app.ready`: makes app:// a standard, secure origin. */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves files of the built renderer with the security headers; anything outside it is a 404. */
export function handleRendererProtocol(rendererDir: string): void {
  protocol.handle(RENDERER_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'ferry' ? await resolveStaticFile(rendererDir, url.pathname) : undefined;
    if (!file) return new Response('Not found', { status: 404, headers: RENDERER_HEADERS });
    const body = await readFile(file);
    return new Response(body, { headers: { ...RENDERER_HEADERS, 'Content-Type': contentTypeOf(path.basename(file)) } });
  });
}
