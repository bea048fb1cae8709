// The frame of the platform's few server-rendered pages (invitation, password reset): one strict policy for all.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../shared/platform';

/** Escapes text for HTML: attributes are always double-quoted, so these four are enough for text and values. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** An error paragraph announced to screen readers, or nothing. */
export const errorParagraph = (error: string | null) =>
  error ? `<p class="error" role="alert">${escapeHtml(error)}</p>\n` : '';

/** A page's language when nothing else names one: the browser's preference, else English. */
export const browserLanguage = (request: FastifyRequest): Language =>
  /^\s*fr\b/i.test(request.headers['accept-language'] ?? '') ? 'fr' : 'en';

/** Lets a scope (and only it) take the pages' form posts: small form-encoded bodies as a record of strings. */
export function acceptFormBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
}

/** A kind of page: its style, and how to send one with a title and a body (already escaped HTML). */
export interface HtmlPage {
  readonly style: string;
  readonly send: (reply: FastifyReply, status: number, language: Language, title: string, body: string) => FastifyReply;
}

/**
 * A kind of page of `width` (CSS) with its own extra style rules: a document in the given language with its title
 * as heading, and headers allowing no script at all, only this style (by hash), forms only to this server, never
 * framed, no referrer, not cached.
 */
export function htmlPage(width: string, extraStyle = ''): HtmlPage {
  const style = `body{font:16px/1.5 system-ui,sans-serif;max-width:${width};margin:3rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem}input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}
button{margin-top:1.5rem;padding:.6rem 1rem;font:inherit}.error{color:#a40000}.done{color:#0a5d00}
${extraStyle}`;
  const headers = {
    'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  } as const;
  const document = (language: Language, title: string, body: string) => `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
  return {
    style,
    send: (reply, status, language, title, body) =>
      reply
        .code(status)
        .headers(headers)
        .type('text/html; charset=utf-8')
        .send(document(language, title, body)),
  };
}
