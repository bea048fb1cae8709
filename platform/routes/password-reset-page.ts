import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../shared/platform';
import { completePasswordReset, isPasswordResetPending } from '../auth/password-reset';
import { tokenKindOf } from '../auth/secret-token';
import { ApiError } from '../http/api-error';
import type { PlatformContext } from '../platform-context';

const MIN = 10;
const MAX = 200;

const TEXT = {
  en: {
    title: 'Choose a new Ferry password',
    password: `New password (at least ${MIN} characters)`,
    confirm: 'The same password again',
    save: 'Save the new password',
    differ: 'The two passwords differ: type the same password in both fields.',
    short: `The password must have at least ${MIN} characters.`,
    long: `The password must have at most ${MAX} characters.`,
    invalid: 'This link is not valid any more: it was used, replaced or is over an hour old. Ask Ferry for a new one.',
    done: 'Your password is changed. You are signed out everywhere: sign in again in Ferry with the new password.',
  },
  fr: {
    title: 'Choisir un nouveau mot de passe Ferry',
    password: `Nouveau mot de passe (au moins ${MIN} caractères)`,
    confirm: 'Le même mot de passe, à nouveau',
    save: 'Enregistrer le nouveau mot de passe',
    differ: 'Les deux mots de passe diffèrent : tapez le même dans les deux champs.',
    short: `Le mot de passe doit compter au moins ${MIN} caractères.`,
    long: `Le mot de passe doit compter au plus ${MAX} caractères.`,
    invalid:
      "Ce lien n'est plus valable : il a servi, a été remplacé ou date de plus d'une heure. Demandez-en un nouveau dans Ferry.",
    done: 'Votre mot de passe est changé. Vous êtes déconnecté partout : reconnectez-vous dans Ferry avec le nouveau mot de passe.',
  },
} as const satisfies { readonly [L in Language]: Record<string, string> };

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem}input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}
button{margin-top:1.5rem;padding:.6rem 1rem;font:inherit}.error{color:#a40000}.done{color:#0a5d00}
`;

// No script at all, styles only from this server, forms only to this server, never framed, links never leak the URL.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
} as const;

// Attributes are always double-quoted, so these four are enough for text and attribute values.
const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** The page's language: `lang` when it names one, else the browser's preference, else English. */
function languageOf(request: FastifyRequest, lang: unknown): Language {
  if (lang === 'fr' || lang === 'en') return lang;
  return /^\s*fr\b/i.test(request.headers['accept-language'] ?? '') ? 'fr' : 'en';
}

type PageState =
  | { readonly kind: 'form'; readonly token: string; readonly error: string | null }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'done' };

function render(language: Language, state: PageState): string {
  const t = TEXT[language];
  let body: string;
  switch (state.kind) {
    case 'form':
      body = `${state.error ? `<p class="error" role="alert">${escapeHtml(state.error)}</p>\n` : ''}<form method="post" action="reset-password">
<input type="hidden" name="token" value="${escapeHtml(state.token)}">
<input type="hidden" name="lang" value="${language}">
<label for="password">${escapeHtml(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN}" maxlength="${MAX}" required>
<label for="confirm">${escapeHtml(t.confirm)}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="${MIN}" maxlength="${MAX}" required>
<button type="submit">${escapeHtml(t.save)}</button>
</form>`;
      break;
    case 'invalid':
      body = `<p class="error" role="alert">${escapeHtml(t.invalid)}</p>`;
      break;
    case 'done':
      body = `<p class="done" role="status">${escapeHtml(t.done)}</p>`;
      break;
  }
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(t.title)}</title>
<link rel="stylesheet" href="reset-password.css">
</head>
<body>
<main>
<h1>${escapeHtml(t.title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function send(reply: FastifyReply, status: number, language: Language, state: PageState) {
  return reply.code(status).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(render(language, state));
}

/**
 * The page a reset e-mail links to: a form (new password twice) in the person's language that posts back here, with
 * a strict CSP and no script. Registered in its own scope so only it accepts form-encoded bodies.
 */
export async function passwordResetPage(app: FastifyInstance, ctx: PlatformContext, rateLimit: object): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    scope.get('/reset-password.css', { schema: { hide: true } }, async (_request, reply) =>
      reply.headers(SECURITY_HEADERS).header('cache-control', 'public, max-age=3600').type('text/css').send(STYLE),
    );

    scope.get(
      '/reset-password',
      { schema: { hide: true }, config: { access: { kind: 'public', action: 'auth.password-reset.page' }, rateLimit } },
      async (request, reply) => {
        const query = request.query as Record<string, unknown>;
        const language = languageOf(request, query.lang);
        const token = typeof query.token === 'string' ? query.token : '';
        if (tokenKindOf(token) !== 'passwordReset' || !(await isPasswordResetPending(ctx, token))) {
          return send(reply, 410, language, { kind: 'invalid' });
        }
        return send(reply, 200, language, { kind: 'form', token, error: null });
      },
    );

    scope.post(
      '/reset-password',
      {
        schema: { hide: true },
        config: { access: { kind: 'public', action: 'auth.password-reset.complete' }, rateLimit },
      },
      async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, unknown>;
        const language = languageOf(request, form.lang);
        const t = TEXT[language];
        const token = typeof form.token === 'string' ? form.token : '';
        const password = typeof form.password === 'string' ? form.password : '';
        const error =
          password !== form.confirm
            ? t.differ
            : password.length < MIN
              ? t.short
              : password.length > MAX
                ? t.long
                : null;
        if (error !== null) return send(reply, 400, language, { kind: 'form', token, error });
        try {
          await completePasswordReset(ctx, request, token, password);
        } catch (failure) {
          if (failure instanceof ApiError && failure.code === 'password_reset_invalid') {
            return send(reply, 410, language, { kind: 'invalid' });
          }
          throw failure;
        }
        return send(reply, 200, language, { kind: 'done' });
      },
    );
  });
}
