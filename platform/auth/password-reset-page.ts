import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EmailSchema, type Language } from '../../shared/platform';
import { completePasswordReset, isPasswordResetPending, requestPasswordReset } from './password-reset-service';
import { tokenKindOf } from './secret-token';
import { ApiError } from '../http/api-error';
import { acceptFormBodies, browserLanguage, errorParagraph, escapeHtml, htmlPage } from '../http/html-page';
import { assertNever } from '../../shared/assert-never';
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
    invalid: 'This link is not valid any more: it was used, replaced or is over an hour old.',
    askAgain: 'Ask for a new link',
    done: 'Your password is changed. You are signed out everywhere: sign in again in Ferry with the new password.',
    email: 'The e-mail address of your Ferry account',
    send: 'E-mail me a link',
    badEmail: 'Type a whole e-mail address, like name@example.org.',
    sent: 'If an account exists for this address, an e-mail with a link to choose a new password is on its way. The link works once, for one hour.',
    noMail:
      'This server cannot send e-mails, so it cannot reset passwords. Ask an administrator of the server to set a new password for you.',
  },
  fr: {
    title: 'Choisir un nouveau mot de passe Ferry',
    password: `Nouveau mot de passe (au moins ${MIN} caractères)`,
    confirm: 'Le même mot de passe, à nouveau',
    save: 'Enregistrer le nouveau mot de passe',
    differ: 'Les deux mots de passe diffèrent : tapez le même dans les deux champs.',
    short: `Le mot de passe doit compter au moins ${MIN} caractères.`,
    long: `Le mot de passe doit compter au plus ${MAX} caractères.`,
    invalid: "Ce lien n'est plus valable : il a servi, a été remplacé ou date de plus d'une heure.",
    askAgain: 'Demander un nouveau lien',
    done: 'Votre mot de passe est changé. Vous êtes déconnecté partout : reconnectez-vous dans Ferry avec le nouveau mot de passe.',
    email: 'L’adresse e-mail de votre compte Ferry',
    send: 'M’envoyer un lien',
    badEmail: 'Tapez une adresse e-mail complète, comme nom@example.org.',
    sent: "Si un compte existe pour cette adresse, un e-mail avec un lien pour choisir un nouveau mot de passe est en route. Le lien ne sert qu'une fois, pendant une heure.",
    noMail:
      "Ce serveur ne peut pas envoyer d'e-mails, il ne peut donc pas réinitialiser les mots de passe. Demandez à un administrateur du serveur de vous définir un nouveau mot de passe.",
  },
} as const satisfies { readonly [L in Language]: Record<string, string> };

const PAGE = htmlPage('28rem');

/** The page's language: `lang` when it names one, else the browser's preference, else English. */
function languageOf(request: FastifyRequest, lang: unknown): Language {
  return lang === 'fr' || lang === 'en' ? lang : browserLanguage(request);
}

type PageState =
  | { readonly kind: 'ask'; readonly error: string | null }
  | { readonly kind: 'sent' }
  | { readonly kind: 'no-mail' }
  | { readonly kind: 'form'; readonly token: string; readonly error: string | null }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'done' };

/** The page's body for a state; `base` is the server's path prefix, so forms and links work behind a reverse proxy. */
function render(base: string, language: Language, state: PageState): string {
  const t = TEXT[language];
  let body: string;
  switch (state.kind) {
    case 'ask':
      body = `${errorParagraph(state.error)}<form method="post" action="${base}/reset-password/request">
<input type="hidden" name="lang" value="${language}">
<label for="email">${escapeHtml(t.email)}</label>
<input id="email" name="email" type="email" autocomplete="email" maxlength="254" required>
<button type="submit">${escapeHtml(t.send)}</button>
</form>`;
      break;
    case 'sent':
      body = `<p class="done" role="status">${escapeHtml(t.sent)}</p>`;
      break;
    case 'no-mail':
      body = `<p class="error" role="alert">${escapeHtml(t.noMail)}</p>`;
      break;
    case 'form':
      body = `${errorParagraph(state.error)}<form method="post" action="${base}/reset-password">
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
      body = `<p class="error" role="alert">${escapeHtml(t.invalid)}</p>
<p><a href="${base}/reset-password?lang=${language}">${escapeHtml(t.askAgain)}</a></p>`;
      break;
    case 'done':
      body = `<p class="done" role="status">${escapeHtml(t.done)}</p>`;
      break;
    default:
      return assertNever(state, 'page state');
  }
  return body;
}

/** The server's path prefix from its public URL ('' at the root). */
const basePath = (ctx: PlatformContext) => new URL(ctx.publicUrl()).pathname.replace(/\/+$/, '');

function send(ctx: PlatformContext, reply: FastifyReply, status: number, language: Language, state: PageState) {
  return PAGE.send(reply, status, language, TEXT[language].title, render(basePath(ctx), language, state));
}

/**
 * The pages of a reset, in the person's language, with a strict CSP and no script: `/reset-password` asks for the
 * e-mail address (a link anyone can be given), `/reset-password?token=` (the e-mailed link) asks for the new password
 * twice. Registered in their own scope so only they accept form-encoded bodies.
 */
export async function passwordResetPage(app: FastifyInstance, ctx: PlatformContext, rateLimit: object): Promise<void> {
  await app.register(async (scope) => {
    acceptFormBodies(scope);

    scope.get(
      '/reset-password',
      { schema: { hide: true }, config: { access: { kind: 'public', action: 'auth.password-reset.page' }, rateLimit } },
      async (request, reply) => {
        const query = request.query as Record<string, unknown>;
        const language = languageOf(request, query.lang);
        if (query.token === undefined) return send(ctx, reply, 200, language, { kind: 'ask', error: null });
        const token = typeof query.token === 'string' ? query.token : '';
        if (tokenKindOf(token) !== 'passwordReset' || !(await isPasswordResetPending(ctx, token))) {
          return send(ctx, reply, 410, language, { kind: 'invalid' });
        }
        return send(ctx, reply, 200, language, { kind: 'form', token, error: null });
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
        if (error !== null) return send(ctx, reply, 400, language, { kind: 'form', token, error });
        try {
          await completePasswordReset(ctx, request, token, password);
        } catch (failure) {
          if (failure instanceof ApiError && failure.code === 'password_reset_invalid') {
            return send(ctx, reply, 410, language, { kind: 'invalid' });
          }
          throw failure;
        }
        return send(ctx, reply, 200, language, { kind: 'done' });
      },
    );

    scope.post(
      '/reset-password/request',
      {
        schema: { hide: true },
        config: { access: { kind: 'public', action: 'auth.password-reset.request' }, rateLimit },
      },
      async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, unknown>;
        const language = languageOf(request, form.lang);
        const email = EmailSchema.safeParse(typeof form.email === 'string' ? form.email.trim() : '');
        if (!email.success) {
          return send(ctx, reply, 400, language, { kind: 'ask', error: TEXT[language].badEmail });
        }
        try {
          await requestPasswordReset(ctx, request, email.data, language);
        } catch (failure) {
          if (failure instanceof ApiError && failure.code === 'mail_unavailable') {
            return send(ctx, reply, 503, language, { kind: 'no-mail' });
          }
          throw failure;
        }
        return send(ctx, reply, 202, language, { kind: 'sent' });
      },
    );
  });
}
